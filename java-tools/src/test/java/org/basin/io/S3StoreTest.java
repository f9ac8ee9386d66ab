package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;

/** Zarr arrays in S3 through basin's own code, against a real S3 server (s3proxy) on 127.0.0.1. */
class S3StoreTest {
    @TempDir
    static Path serverDir;
    @TempDir
    Path dir;

    static S3TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(serverDir);
        server.createBucket("basin-test");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        S3TestServer.useCredentials(null, null);
        S3Connection.configure(S3Connection.Settings.DEFAULT);
    }

    @AfterEach
    void rightCredentials() {
        S3Connection.configure(server.settings());
    }

    private static ZarrArray create(ChunkStore store, DType t) {
        return OmeZarr.create(store, "test", t, 0, new int[] {13, 17, 19}, new int[] {4, 5, 6}, ZarrCodec.parse("zlib"),
                new double[] {40, 4, 4}, Map.of("source", "test"));
    }

    /** Every key of a local store, relative, with its bytes. */
    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void arraysWrittenToS3EqualTheLocalOnesByteForByteAndReadBack() throws Exception {
        S3Connection.configure(server.settings());
        Block first = ZarrArrayTest.pattern(DType.UINT64, 0, new Box(new int[] {1, 2, 3}, new int[] {11, 16, 18}));
        Block second = ZarrArrayTest.pattern(DType.UINT64, 0, new Box(new int[] {5, 0, 0}, new int[] {13, 9, 7}));
        ChunkStore s3 = S3ChunkStore.parse("s3://basin-test/run1/seg.zarr");
        ChunkStore local = new FileChunkStore(dir.resolve("seg.zarr"));
        for (ChunkStore st : List.of(s3, local)) {
            ZarrArray a = create(st, DType.UINT64);
            a.write(first);
            a.write(second); // partly covered chunks are read back from the store, updated and rewritten
        }
        Map<String, byte[]> want = files(dir.resolve("seg.zarr"));
        assertEquals(44, want.size(), "4 metadata keys + the 40 chunks the two writes touch: " + want.keySet());
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            assertArrayEquals(e.getValue(), s3.get(e.getKey()), e.getKey());
        }
        try (VolumeReader r = Volumes.open(Path.of("s3://basin-test/run1/seg.zarr"), null)) {
            assertEquals("s3://basin-test/run1/seg.zarr/0", r.info().path());
            assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize(), "the voxel size from the group's OME-Zarr scale");
            Box all = r.info().box();
            Block got = r.read(all);
            Block expected = Block.allocate(DType.UINT64, all);
            expected.copyFrom(first);
            expected.copyFrom(second);
            assertArrayEquals(expected.longs(), got.longs());
        }
        assertTrue(ZarrArray.open(s3.child("0")).hasAnyChunk());
        assertTrue(S3Connection.counts().puts() >= 38, S3Connection.counts().toString());
    }

    @Test
    void rangedReadsAndExistsAnswerAsALocalFolderDoes() {
        S3Connection.configure(server.settings());
        byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        ChunkStore s3 = S3ChunkStore.parse("s3://basin-test/ranges");
        ChunkStore local = new FileChunkStore(dir.resolve("ranges"));
        long headsBefore = S3Connection.counts().heads();
        for (ChunkStore st : List.of(s3, local)) {
            st.put("shard", bytes);
            ChunkStore.Range mid = st.getRange("shard", 100, 50);
            assertArrayEquals(Arrays.copyOfRange(bytes, 100, 150), mid.bytes(), st.location());
            assertEquals(1000, mid.objectSize());
            ChunkStore.Range tail = st.getRange("shard", -16, 16);
            assertArrayEquals(Arrays.copyOfRange(bytes, 984, 1000), tail.bytes(), st.location() + " suffix");
            assertEquals(1000, tail.objectSize());
            ChunkStore.Range end = st.getRange("shard", 990, 50);
            assertArrayEquals(Arrays.copyOfRange(bytes, 990, 1000), end.bytes(), st.location() + " past the end");
            assertNull(st.getRange("no-such-shard", 0, 10));
            assertTrue(st.exists("shard"));
            assertFalse(st.exists("no-such-shard"));
        }
        assertEquals(2, S3Connection.counts().heads() - headsBefore, "exists is one HEAD, no GET");
    }

    @Test
    void aMissingChunkKeyReadsAsTheFillValueAndAMissingZarrayIsAnError() {
        S3Connection.configure(server.settings());
        ChunkStore s3 = S3ChunkStore.parse("s3://basin-test/fill.zarr");
        s3.put(".zarray", ("{\"zarr_format\": 2, \"shape\": [4, 4, 4], \"chunks\": [2, 2, 2], \"dtype\": \"<u2\", \"compressor\": null,"
                + " \"fill_value\": 7, \"order\": \"C\", \"filters\": null}").getBytes(StandardCharsets.UTF_8));
        ZarrArray a = ZarrArray.open(s3);
        assertFalse(a.hasAnyChunk());
        Block b = a.read(Box.ofShape(new int[] {4, 4, 4}));
        for (short v : b.shorts()) {
            assertEquals(7, v);
        }
        a.write(Block.wrap(DType.UINT16, 0, Box.of(new int[] {0, 0, 0}, new int[] {2, 2, 2}), new short[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertTrue(a.hasAnyChunk());
        assertNull(s3.get("1.1.1"));
        short[] got = ZarrArray.open(s3).read(Box.of(new int[] {1, 1, 1}, new int[] {2, 2, 2})).shorts();
        assertArrayEquals(new short[] {8, 7, 7, 7, 7, 7, 7, 7}, got);

        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://basin-test/nothing.zarr"), null));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertEquals("s3://basin-test/nothing.zarr: no volume here (no zarr.json, .zarray, .zgroup, attributes.json or info key, nor"
                + " .tif/.tiff slices); basin reads Zarr v2 and Zarr v3 (sharded or not), N5, Neuroglancer precomputed volumes, TIFF stacks"
                + " and HDF5 files (.h5) from object stores", e.getMessage());
    }

    @Test
    void wrongCredentialsAreAccessDeniedNamingBucketAndKey() {
        S3Connection.configure(server.settings());
        S3ChunkStore.parse("s3://basin-test/denied.zarr").put(".zarray", new byte[] {1});
        S3TestServer.useCredentials("someone-else", "wrong-secret");
        S3Connection.configure(new S3Connection.Settings(server.endpoint(), true, null));
        BasinException e = assertThrows(BasinException.class, () -> ZarrArray.open(Path.of("s3://basin-test/denied.zarr")));
        assertEquals(ExitCode.IO_FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("s3://basin-test/denied.zarr/.zarray: access denied to bucket 'basin-test' key 'denied.zarr/.zarray' (InvalidAccessKeyId"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("allow s3:GetObject here"), e.getMessage());
    }

    @Test
    void aMissingBucketIsAnIoErrorNamingIt() {
        S3Connection.configure(server.settings());
        BasinException e = assertThrows(BasinException.class,
                () -> create(S3ChunkStore.parse("s3://no-such-bucket/seg.zarr"), DType.UINT8));
        assertEquals(ExitCode.IO_FAILURE, e.exitCode());
        assertEquals("s3://no-such-bucket/seg.zarr/.zgroup: no such bucket 'no-such-bucket'", e.getMessage());
        BasinException r = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://no-such-bucket/raw.zarr"), null));
        assertEquals(ExitCode.IO_FAILURE, r.exitCode());
        assertEquals("s3://no-such-bucket/raw.zarr/.zarray: no such bucket 'no-such-bucket'", r.getMessage());
    }

    @Test
    void missingCredentialsAndAnUnreachableEndpointAreIoErrors() throws Exception {
        S3TestServer.useCredentials(null, null);
        S3Connection.configure(new S3Connection.Settings(server.endpoint(), true, null));
        BasinException e = assertThrows(BasinException.class, () -> S3ChunkStore.parse("s3://basin-test/x.zarr").get(".zarray"));
        assertEquals(ExitCode.IO_FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("s3://basin-test/x.zarr/.zarray: no AWS credentials to read bucket 'basin-test' key 'x.zarr/.zarray'"),
                e.getMessage());

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // free, then closed: nothing listens there
        }
        S3TestServer.useCredentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
        S3Connection.configure(new S3Connection.Settings("http://127.0.0.1:" + closed, true, null));
        long t0 = System.nanoTime();
        BasinException u = assertThrows(BasinException.class, () -> S3ChunkStore.parse("s3://basin-test/x.zarr").get("0.0.0"));
        assertEquals(ExitCode.IO_FAILURE, u.exitCode());
        assertTrue(u.getMessage().startsWith("s3://basin-test/x.zarr/0.0.0: cannot read bucket 'basin-test' key 'x.zarr/0.0.0' at http://127.0.0.1:" + closed),
                u.getMessage());
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "retries give up in bounded time");
    }

    @Test
    void aWriteInterruptedMidwayLeavesNoKeyAndARedoneRegionEqualsACleanOne() throws Exception {
        S3Connection.configure(server.settings());
        // a PUT whose body breaks off after 1000 of 5000 bytes (a task killed mid-write): no object appears
        try {
            S3Connection.client().putObject(b -> b.bucket("basin-test").key("broken/0.0.0").contentLength(5000L),
                    RequestBody.fromContentProvider(() -> new InputStream() {
                        int n;

                        @Override
                        public int read() throws IOException {
                            if (n++ >= 1000) {
                                throw new IOException("killed");
                            }
                            return 42;
                        }
                    }, 5000, "application/octet-stream"));
        } catch (SdkException expected) {
            // what a killed writer sees, if it sees anything
        }
        assertNull(S3ChunkStore.parse("s3://basin-test/broken").get("0.0.0"));

        // a region task that died after its first chunks, then ran again: the store equals a clean run's
        Block region = ZarrArrayTest.pattern(DType.UINT32, 0, Box.ofShape(new int[] {13, 17, 19}));
        ChunkStore clean = S3ChunkStore.parse("s3://basin-test/clean.zarr");
        ChunkStore redone = S3ChunkStore.parse("s3://basin-test/redone.zarr");
        create(clean, DType.UINT32).write(region);
        create(redone, DType.UINT32).write(region.crop(Box.ofShape(new int[] {4, 5, 19})));
        ZarrArray again = OmeZarr.openOrCreate(redone, "test", DType.UINT32, 0, new int[] {13, 17, 19}, new int[] {4, 5, 6},
                ZarrCodec.parse("zlib"), new double[] {40, 4, 4}, Map.of("source", "test"));
        again.write(region);
        for (int z = 0; z < 4; z++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    String key = "0/" + z + "/" + y + "/" + x;
                    assertArrayEquals(clean.get(key), redone.get(key), key);
                }
            }
        }
        for (String key : List.of(".zgroup", ".zattrs", "0/.zarray", "0/.zattrs")) {
            assertArrayEquals(clean.get(key), redone.get(key), key);
        }
    }

    /** A server that answers 503 SlowDown (or 500) a number of times, then the object: the client backs off and retries. */
    @Test
    void throttlingAndServerErrorsAreRetriedWithBackoff() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger failFirst = new AtomicInteger(2);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            int n = requests.incrementAndGet();
            byte[] body;
            int status;
            if (n <= failFirst.get()) {
                status = failFirst.get() > 10 ? 500 : 503;
                body = ("<?xml version=\"1.0\"?><Error><Code>" + (status == 503 ? "SlowDown" : "InternalError")
                        + "</Code><Message>try later</Message></Error>").getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = "chunk bytes".getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().add("Content-Type", status == 200 ? "application/octet-stream" : "application/xml");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        http.start();
        try {
            S3TestServer.useCredentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
            String endpoint = "http://127.0.0.1:" + http.getAddress().getPort();
            S3Connection.configure(new S3Connection.Settings(endpoint, true, null));
            assertEquals("chunk bytes", new String(S3ChunkStore.parse("s3://basin-test/a").get("0.0.0"), StandardCharsets.UTF_8));
            assertEquals(3, requests.get(), "two 503 SlowDown, then the object");

            requests.set(0);
            failFirst.set(1000);
            S3Connection.configure(new S3Connection.Settings(endpoint, true, null));
            BasinException e = assertThrows(BasinException.class, () -> S3ChunkStore.parse("s3://basin-test/a").get("0.0.1"));
            assertEquals(ExitCode.IO_FAILURE, e.exitCode());
            assertEquals(S3Connection.MAX_ATTEMPTS, requests.get());
            assertEquals("s3://basin-test/a/0.0.1: S3 refused to read bucket 'basin-test' key 'a/0.0.1' (InternalError: try later, after "
                    + S3Connection.MAX_ATTEMPTS + " attempts where retryable)", e.getMessage());
        } finally {
            http.stop(0);
        }
    }
}
