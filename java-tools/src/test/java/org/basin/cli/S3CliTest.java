package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.basin.io.Json;
import org.basin.io.OmeZarr;
import org.basin.io.S3ChunkStore;
import org.basin.io.S3Connection;
import org.basin.io.S3TestServer;
import org.basin.io.StoreLayout;
import org.basin.io.TaskTable;
import org.basin.volume.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools with s3:// locations against s3proxy on 127.0.0.1: the same stores as with folders, exit 4 on S3 failures. */
class S3CliTest {
    @TempDir
    static Path serverDir;
    @TempDir
    Path dir;

    static S3TestServer server;
    static String[] s3;

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(serverDir);
        server.createBucket("cli");
        server.settings(); // credentials as system properties
        s3 = new String[] {"--s3-endpoint", server.endpoint(), "--s3-path-style"};
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        S3TestServer.useCredentials(null, null);
        S3Connection.configure(S3Connection.Settings.DEFAULT);
    }

    private static String[] with(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static CliTest.Run ok(String... args) {
        CliTest.Run r = CliTest.run(with(args, s3));
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    @Test
    void inferIntoAnS3StoreFromAnS3InputWritesTheChunksALocalRunWrites() throws Exception {
        Path raw = dir.resolve("raw.zarr");
        ok("phantom", "--shape", "48,40,20", "--cell-size", "14", "--output", raw.toString());
        ok("phantom", "--shape", "48,40,20", "--cell-size", "14", "--output", "s3://cli/in/raw.zarr");
        CliTest.Run info = ok("info", "--json", "s3://cli/in/raw.zarr");
        assertTrue(info.out().contains("\"path\" : \"s3://cli/in/raw.zarr/0\""), info.out());
        assertTrue(info.err().contains("basin info: s3: "), "each command logs its S3 requests: " + info.err());
        Path plan = dir.resolve("plan");
        ok("plan", "--input", "s3://cli/in/raw.zarr", "--chunk", "24,20,10", "--halo", "4,4,4", "--ws-chunk", "24,20,10", "--ws-batch", "1",
                "--infer-batch-voxels", "4800", "--divs", "1,1,1", "--omni-overlap", "2,2,2", "--out-dir", plan.toString());
        TaskTable infer = TaskTable.read(plan.resolve("infer.tsv"), "name", "block");
        assertEquals(8, infer.size());
        for (String[] row : infer.rows().subList(0, 3)) { // three region tasks: the store's first chunks
            Path local = dir.resolve(row[0] + ".local.tsv");
            Path remote = dir.resolve(row[0] + ".s3.tsv");
            ok("infer", "--input", raw.toString(), "--chunk", "24,20,10", "--halo", "4,4,4", "--grid-block", row[1],
                    "--store", dir.resolve("aff.zarr").toString(), "--digest-output", local.toString());
            ok("infer", "--input", "s3://cli/in/raw.zarr", "--chunk", "24,20,10", "--halo", "4,4,4", "--grid-block", row[1],
                    "--store", "s3://cli/out/aff.zarr", "--digest-output", remote.toString());
            assertEquals(Files.readString(local), Files.readString(remote), row[0] + ": the same chunk digests");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir.resolve("aff.zarr"))) {
            files = s.filter(Files::isRegularFile).toList();
        }
        S3ChunkStore store = S3ChunkStore.parse("s3://cli/out/aff.zarr");
        assertEquals(files.size(), store.keys().size());
        for (Path f : files) {
            String key = dir.resolve("aff.zarr").relativize(f).toString();
            assertArrayEquals(Files.readAllBytes(f), store.get(key), key);
        }
        CliTest.Run stamp = ok("stamp", "--input", "s3://cli/out/aff.zarr");
        assertTrue(stamp.out().startsWith(files.size() + " objects, "), stamp.out());
    }

    @Test
    void accessDeniedAndAMissingBucketExitWith4NamingBucketAndKey() {
        ok("phantom", "--shape", "16,16,8", "--output", "s3://cli/denied/raw.zarr");
        S3TestServer.useCredentials("intruder", "not-the-secret");
        try {
            CliTest.Run denied = CliTest.run(with(new String[] {"info", "s3://cli/denied/raw.zarr"}, s3));
            assertEquals(4, denied.code(), denied.err());
            assertTrue(denied.err().contains("basin info: error: s3://cli/denied/raw.zarr/.zarray: access denied to bucket 'cli' key 'denied/raw.zarr/.zarray'"),
                    denied.err());
        } finally {
            server.settings();
        }
        CliTest.Run missing = CliTest.run(with(new String[] {"infer", "--input", "s3://cli/denied/raw.zarr", "--chunk", "16,16,8", "--grid-block", "0,0,0",
            "--store", "s3://no-bucket-here/aff.zarr", "--digest-output", dir.resolve("d.tsv").toString()}, s3));
        assertEquals(4, missing.code(), missing.err());
        assertTrue(missing.err().contains("error: s3://no-bucket-here/aff.zarr/0/.zarray: no such bucket 'no-bucket-here'"), missing.err());
        CliTest.Run badEndpoint = CliTest.run("info", "s3://cli/denied/raw.zarr", "--s3-endpoint", "ftp://x");
        assertEquals(2, badEndpoint.code());
        assertTrue(badEndpoint.err().contains("--s3-endpoint 'ftp://x' is not an http:// or https:// URL"), badEndpoint.err());
    }

    @Test
    void viewWritesTheStateOfStoresInS3WithTheBucketsUrlAsSources() throws Exception {
        // a run's --store_dir in s3://: the segmentation (8 nm, 30 nm in z), the affinities and two meshes' manifests
        S3Connection.configure(server.settings());
        OmeZarr.create(Path.of("s3://cli/run/segmentation.zarr"), "segmentation", DType.UINT64, 0, new int[] {8, 16, 24},
                StoreLayout.single(StoreLayout.Format.zarr2, new int[] {8, 16, 24}, null, "zlib"), new double[] {30, 8, 8}, Map.of()).close();
        S3ChunkStore meshes = S3ChunkStore.parse("s3://cli/run/meshes");
        meshes.put("info", "{\"@type\": \"neuroglancer_legacy_mesh\"}".getBytes(StandardCharsets.UTF_8));
        meshes.put("12:0", "{\"fragments\": [\"12:0:0-24_0-16_0-8\"]}".getBytes(StandardCharsets.UTF_8));
        meshes.put("12:0:0-24_0-16_0-8", new byte[4]);
        meshes.put("5:0", "{\"fragments\": []}".getBytes(StandardCharsets.UTF_8));
        Path state = dir.resolve("neuroglancer.json");
        CliTest.Run r = ok("view", "s3://cli/run", "--state-only", "--output", state.toString());
        String json = Files.readString(state);
        String base = server.endpoint() + "/cli/run"; // path-style, as the tools reach the server
        assertTrue(json.contains("\"zarr2://" + base + "/segmentation.zarr\""), json);
        assertTrue(json.contains("\"precomputed://" + base + "/meshes\""), json);
        Map<String, Object> parsed = Json.read(state);
        assertEquals(List.of(12, 8, 4), parsed.get("position"));
        assertEquals(List.of(8 * 1e-9, "m"), ((Map<?, ?>) parsed.get("dimensions")).get("x"));
        assertEquals(List.of(30 * 1e-9, "m"), ((Map<?, ?>) parsed.get("dimensions")).get("z"));
        assertTrue(json.contains("\"segments\" : [ \"5\", \"12\" ]"), "the manifests' ids, in order: " + json);
        assertTrue(r.err().contains("no affinities layer"), r.err());

        ok("view", "s3://cli/run", "--state-only", "--output", state.toString(), "--source-base", "https://cdn.example.org/run/");
        assertTrue(Files.readString(state).contains("\"zarr2://https://cdn.example.org/run/segmentation.zarr\""), Files.readString(state));

        CliTest.Run serve = CliTest.run(with(new String[] {"view", "s3://cli/run"}, s3));
        assertEquals(2, serve.code());
        assertTrue(serve.err().contains("s3://cli/run: basin view serves a folder; for stores in s3:// write the state with --state-only"), serve.err());
        CliTest.Run noOutput = CliTest.run(with(new String[] {"view", "s3://cli/run", "--state-only"}, s3));
        assertEquals(2, noOutput.code());
        assertTrue(noOutput.err().contains("--output: where to write the state of s3://cli/run (a local file)"), noOutput.err());
        CliTest.Run none = CliTest.run(with(new String[] {"view", "s3://cli/empty", "--state-only", "--output", state.toString()}, s3));
        assertEquals(3, none.code());
        assertTrue(none.err().contains("no segmentation store (segmentation.zarr or segmentation.n5) to view"), none.err());
    }

    @Test
    void bucketUrlsForViewers() {
        assertEquals("http://127.0.0.1:9000/b/run/x", S3Connection.httpUrl(new S3Connection.Settings("http://127.0.0.1:9000/", true, null), "b", "run/x"));
        assertEquals("https://b.minio.lab:9443/run", S3Connection.httpUrl(new S3Connection.Settings("https://minio.lab:9443", false, null), "b", "run"));
        assertEquals("https://b.s3.eu-west-1.amazonaws.com/run", S3Connection.httpUrl(new S3Connection.Settings(null, false, "eu-west-1"), "b", "run"));
        assertEquals("https://b.s3.eu-west-1.amazonaws.com", S3Connection.httpUrl(new S3Connection.Settings(null, false, "eu-west-1"), "b", ""));
    }
}
