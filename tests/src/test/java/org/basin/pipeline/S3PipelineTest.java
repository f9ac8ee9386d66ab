package org.basin.pipeline;

import static org.basin.pipeline.PipelineTest.OUT;
import static org.basin.pipeline.PipelineTest.ROOT;
import static org.basin.pipeline.PipelineTest.RUN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.basin.io.Json;
import org.basin.io.OmeZarr;
import org.basin.io.S3ChunkStore;
import org.basin.io.S3Connection;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.io.ZarrArray;
import org.basin.io.ZarrCodec;
import org.basin.volume.Block;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline against a real S3 server on 127.0.0.1 (s3proxy, filesystem backend), every task a job of a real
 * one-node Slurm cluster started for the test where slurm-wlm is installed (else run locally): the demo phantom uploaded
 * as OME-Zarr, {@code --input s3://...} and the stores in {@code s3://...}; what the server then holds equals the
 * local run's stores (PipelineTest's) byte for byte, and so do the small published results.
 */
@Order(5)
class S3PipelineTest {
    private static final String ACCESS = "basin-pipeline-access";
    private static final String SECRET = "basin-pipeline-secret";

    @Test
    void thePipelineReadsItsInputFromS3AndWritesItsStoresThereAsALocalRunDoes() throws Exception {
        if (!Files.isRegularFile(OUT.resolve("segmentation.zarr/.zattrs"))) { // run alone: make the local run first
            assertEquals(0, PipelineTest.nextflow("run", ROOT.toString(), "-profile", "test", "--outdir", OUT.toString()).code());
        }
        Path serverDir = RUN.resolve("s3-server");
        Path out = RUN.resolve("s3-results");
        for (Path p : List.of(serverDir, out)) {
            if (Files.exists(p)) {
                org.basin.io.AtomicFiles.deleteRecursively(p);
            }
        }
        Files.createDirectories(serverDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", serverDir.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(props)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        try {
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(5);
            }
            String endpoint = "http://127.0.0.1:" + proxy.getPort();
            context.getBlobStore().createContainerInLocation(null, "basin-ci");
            System.setProperty("aws.accessKeyId", ACCESS);
            System.setProperty("aws.secretAccessKey", SECRET);
            S3Connection.configure(new S3Connection.Settings(endpoint, true, null));

            // the demo's raw volume, uploaded as OME-Zarr by basin's own writer (chunks of the test profile's --chunk)
            try (VolumeReader raw = Volumes.open(OUT.resolve("demo/demo_raw.h5"), "raw")) {
                ZarrArray up = OmeZarr.create(S3ChunkStore.parse("s3://basin-ci/input/demo_raw.zarr"), "raw", raw.info().dtype(), 0,
                        raw.info().shape(), new int[] {32, 64, 64}, ZarrCodec.parse("zlib"), raw.info().voxelSize(), Map.of());
                up.write(raw.readAll());
            }
            // the ground truth as the HDF5 file it is, read by EVALUATE_BLOCK from the server in ranged GETs
            S3ChunkStore.parse("s3://basin-ci/input").put("demo_truth.h5", Files.readAllBytes(OUT.resolve("demo/demo_truth.h5")));

            // on a one-node Slurm cluster where slurm-wlm is installed (one pipeline run tests both: CI time), else locally
            String noSlurm = LocalSlurm.unavailable();
            Path slurmDir = RUN.resolve("slurm");
            Files.createDirectories(slurmDir);
            // the slurm profile polls every 15 s (kind to a shared controller); a private one-node cluster can be asked every second
            Path poll = slurmDir.resolve("poll.config");
            Files.writeString(poll, "executor {\n    pollInterval = '1 sec'\n    queueStatInterval = '2 sec'\n}\n");
            List<Outputs.Task> trace;
            try (LocalSlurm slurm = noSlurm == null ? new LocalSlurm(slurmDir.resolve("cluster")) : null) {
                Map<String, String> env = new java.util.HashMap<>(Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET));
                List<String> args = new java.util.ArrayList<>(List.of("run", ROOT.toString(), "-profile", "test", "--outdir", out.toString(),
                        "--input", "s3://basin-ci/input/demo_raw.zarr", "--truth", "s3://basin-ci/input/demo_truth.h5", "--truth_dataset",
                        "truth", "--store_dir", "s3://basin-ci/run", "--s3_endpoint", endpoint, "--s3_path_style"));
                if (slurm != null) {
                    env.putAll(slurm.environment());
                    args.addAll(0, List.of("-c", poll.toString()));
                    args.set(args.indexOf("test"), "test,slurm");
                    args.addAll(List.of("--queue", "debug"));
                } else {
                    System.out.println("SKIPPED the Slurm part of the S3 pipeline test (running it locally): " + noSlurm);
                }
                // killed (SIGKILL, as when a login node dies) while RELABEL tasks write segmentation chunks to S3, then resumed
                long t0 = System.nanoTime();
                runAndKill(env, args, "RELABEL");
                System.out.printf("PIPELINE on S3%s, killed in RELABEL: %.1f s wall%n", slurm != null ? " and Slurm" : "", (System.nanoTime() - t0) / 1e9);
                Thread.sleep(1100); // a new trace file name (one per second)
                args.add("-resume");
                t0 = System.nanoTime();
                PipelineTest.Result r = PipelineTest.nextflow(env, args.toArray(String[]::new));
                System.out.printf("PIPELINE on S3%s, resumed: %.1f s wall%n", slurm != null ? " and Slurm" : "", (System.nanoTime() - t0) / 1e9);
                assertEquals(0, r.code(), r.log());
                trace = Outputs.trace(out);
                assertEquals(PipelineTest.TASKS - 1, trace.size(), "the test profile's tasks but PHANTOM (the input is given)");
                assertTrue(trace.stream().allMatch(t -> t.status().equals("COMPLETED") || t.status().equals("CACHED")), trace.toString());
                long cached = trace.stream().filter(t -> t.status().equals("CACHED")).count();
                assertTrue(trace.stream().anyMatch(t -> t.process().equals("INFER") && t.status().equals("CACHED")), "INFER finished before the kill");
                assertTrue(trace.stream().anyMatch(t -> t.process().equals("RELABEL") && t.status().equals("COMPLETED")), "RELABEL ran again");
                System.out.printf("S3 RESUME: %d tasks cached, %d ran%n", cached, trace.size() - cached);
                if (slurm != null) {
                    java.util.Set<String> jobs = new java.util.HashSet<>();
                    for (Outputs.Task t : trace) {
                        assertTrue(t.nativeId().matches("\\d+"), t.name() + " has Slurm job id '" + t.nativeId() + "'");
                        jobs.add(t.nativeId());
                    }
                    assertEquals(trace.size(), jobs.size(), "one Slurm job per task");
                    String script = Files.readString(Path.of(trace.get(trace.size() - 1).workdir()).resolve(".command.run"));
                    assertTrue(script.contains("#SBATCH -p debug"), script);
                    assertTrue(script.contains("#SBATCH --mem 1024M"), script);
                    System.out.printf("SLURM: %d tasks as %d Slurm jobs%n", trace.size(), jobs.size());
                }
            }
            assertFalse(Files.exists(out.resolve("affinities.zarr")) || Files.exists(out.resolve("segmentation.zarr")), "no store is local");

            // the stores on the server (every level of the pyramids, and the meshes) equal the local run's, key for key and byte for byte
            for (String store : List.of("affinities.zarr", "segmentation.zarr", "raw.zarr", "meshes")) {
                Map<String, byte[]> local = files(OUT.resolve(store));
                S3ChunkStore remote = S3ChunkStore.parse("s3://basin-ci/run/" + store);
                assertEquals(local.keySet(), new java.util.TreeSet<>(remote.keys()), store + ": the same keys");
                for (Map.Entry<String, byte[]> e : local.entrySet()) {
                    byte[] got = remote.get(e.getKey());
                    if (store.equals("raw.zarr") && e.getKey().endsWith(".zattrs")) { // it names its source: demo_raw.h5 here, demo_raw.zarr there
                        assertEquals(new String(e.getValue(), StandardCharsets.UTF_8).replace("demo_raw.h5", "demo_raw.zarr"),
                                new String(got, StandardCharsets.UTF_8), store + "/" + e.getKey());
                    } else {
                        assertArrayEquals(e.getValue(), got, store + "/" + e.getKey());
                    }
                }
                System.out.printf("S3 %s: %d keys equal the local run's%n", store, local.size());
            }
            // the small results: equal, but the manifest, which names where the raw volume and the segmentation are
            Map<String, byte[]> want = Outputs.results(OUT);
            Map<String, byte[]> got = Outputs.results(out);
            want.keySet().removeIf(k -> k.startsWith("affinities.zarr") || k.startsWith("segmentation.zarr") || k.startsWith("demo/")
                    || k.startsWith("raw.zarr") || k.startsWith("meshes")); // the stores, compared above
            // neuroglancer.json: the local run's state, its sources at the bucket's URL (path-style, as the tasks reach it)
            assertEquals(new String(want.get("neuroglancer.json"), StandardCharsets.UTF_8).replace("@OUTDIR@", endpoint + "/basin-ci/run"),
                    new String(got.remove("neuroglancer.json"), StandardCharsets.UTF_8));
            want.remove("neuroglancer.json");
            assertEquals(want.keySet(), got.keySet());
            for (String f : want.keySet()) {
                if (!f.equals("omni/manifest.json")) {
                    assertArrayEquals(want.get(f), got.get(f), f);
                }
            }
            Map<String, Object> manifest = Json.read(out.resolve("omni/manifest.json"));
            assertEquals("s3://basin-ci/input/demo_raw.zarr", manifest.get("raw"));
            assertEquals("s3://basin-ci/run/segmentation.zarr", manifest.get("segmentation"));
            Map<String, Object> localManifest = Json.read(OUT.resolve("omni/manifest.json"));
            assertEquals(localManifest.get("projects"), manifest.get("projects"));
            requestsPerProcess(trace);
        } finally {
            proxy.stop();
            context.close();
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            S3Connection.configure(S3Connection.Settings.DEFAULT);
        }
    }

    /** Starts the run and kills Nextflow (SIGKILL) 1.5 s after it submitted the first task of {@code process}. */
    private static void runAndKill(Map<String, String> env, List<String> args, String process) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("nextflow").toString(), "-log", RUN.resolve("nextflow-s3-killed.log").toString(),
                "-c", ROOT.resolve("tests/quick.config").toString()));
        cmd.addAll(args);
        cmd.addAll(List.of("-ansi-log", "false"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(RUN.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean killed = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (line.contains("Submitted process > BASIN:" + process + " ")) {
                    Thread.sleep(1500); // its tasks are running now, writing chunks
                    p.destroyForcibly();
                    killed = true;
                    break;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(killed, "the run was killed at " + process);
        Thread.sleep(3000); // the killed run's orphaned tasks finish or die
    }

    private static Map<String, byte[]> files(Path root) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static final Pattern COUNTS = Pattern.compile("s3: (\\d+) GET \\((\\d+) bytes\\), (\\d+) PUT \\((\\d+) bytes\\), (\\d+) LIST");

    /** Each task logs its S3 requests; summed per process, printed (the cost drivers in the README). */
    private static void requestsPerProcess(List<Outputs.Task> trace) throws Exception {
        Map<String, long[]> sums = new TreeMap<>();
        for (Outputs.Task t : trace) {
            Path err = Path.of(t.workdir()).resolve(".command.err");
            if (!Files.isRegularFile(err)) {
                continue;
            }
            Matcher m = COUNTS.matcher(Files.readString(err));
            long[] s = sums.computeIfAbsent(t.process(), k -> new long[6]);
            s[5]++;
            while (m.find()) {
                for (int i = 0; i < 5; i++) {
                    s[i] += Long.parseLong(m.group(i + 1));
                }
            }
        }
        System.out.println("S3 requests per process (tasks, GET, bytes read, PUT, bytes written, LIST):");
        sums.forEach((p, s) -> System.out.printf("  %-15s %3d %6d %10d %6d %10d %4d%n", p, s[5], s[0], s[1], s[2], s[3], s[4]));
        assertTrue(sums.get("INFER")[2] > 0 && sums.get("RELABEL")[2] > 0, "INFER and RELABEL wrote their chunks to S3");
    }
}
