package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.basin.io.Json;
import org.basin.io.TaskTable;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store data flow with --store-format zarr3 (the pipeline's --store_format zarr3 at the level of its tasks):
 * sharded affinity and segmentation stores written by parallel region tasks, read back by the watershed and
 * evaluate, hold the same voxels as the Zarr v2 flow.
 */
class StoreFormatCliTest {
    @TempDir
    Path dir;

    private static CliTest.Run ok(String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    private static Block read(Path p) {
        try (VolumeReader r = Volumes.open(p, null)) {
            return r.readAll();
        }
    }

    /** infer, watershed, stitch --id-tables and relabel over the plan's tasks into stores of {@code format}. */
    private Path flow(Path raw, Path plan, String format, Path truth) throws Exception {
        Path out = dir.resolve(format);
        Path aff = out.resolve("affinities.zarr");
        List<String[]> tasks = new ArrayList<>();
        for (String[] row : TaskTable.read(plan.resolve("infer.tsv"), "name", "block").rows()) {
            // the tasks run at once: a shard is one task's core, so none loses another's chunks
            tasks.add(new String[] {"infer", "--input", raw.toString(), "--chunk", "24,20,10", "--halo", "4,4,4", "--grid-block", row[1], "--store",
                aff.toString(), "--store-format", format, "--zarr-chunk", "12,10,5"});
        }
        runAll(tasks);
        TaskTable ws = TaskTable.read(plan.resolve("watershed.tsv"), "name", "block", "infer_chunks");
        StringBuilder list = new StringBuilder("name\tpath\tdigest\n");
        for (String[] row : ws.rows()) {
            Path o = out.resolve("ws").resolve(row[0]);
            ok("watershed", "--affinities", aff.toString(), "--chunk", "16,16,8", "--grid-block", row[1], "--out-dir", o.toString(),
                    "--t-low", "0.1", "--t-size", "300", "--t-dust", "20");
            list.append(row[0]).append('\t').append(o).append("\tx\n");
        }
        Files.writeString(out.resolve("blocks.tsv"), list);
        ok("stitch", "--list", out.resolve("blocks.tsv").toString(), "--id-tables", out.resolve("ids").toString(), "--t-low", "0.1", "--t-size", "300",
                "--t-dust", "20");
        // the single-writer form: stitch into a whole store of the same format
        List<String> stitch = new ArrayList<>(List.of("stitch"));
        ws.column("name").forEach(n -> stitch.add(out.resolve("ws").resolve(n).toString()));
        stitch.addAll(List.of("--output", out.resolve("stitched.zarr").toString(), "--store-format", format, "--t-low", "0.1", "--t-size", "300",
                "--t-dust", "20"));
        ok(stitch.toArray(String[]::new));
        Path seg = out.resolve("segmentation.zarr");
        tasks.clear();
        for (String[] row : ws.rows()) {
            tasks.add(new String[] {"relabel", "--watershed", out.resolve("ws").resolve(row[0]).toString(), "--id-table",
                out.resolve("ids").resolve(row[0] + ".ids.h5").toString(), "--segmentation", seg.toString(), "--store-format", format,
                "--zarr-chunk", "8,8,4"});
        }
        runAll(tasks);
        return out;
    }

    private static void runAll(List<String[]> tasks) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String[] t : tasks) {
            threads.add(new Thread(() -> {
                CliTest.Run r = runQuietly(t);
                if (r.code() != 0) {
                    failed.add(String.join(" ", t) + ": " + r.code());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failed);
    }

    /** One task through picocli without touching System.err (the tasks run in threads of one JVM). */
    private static CliTest.Run runQuietly(String[] args) {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        cl.setErr(new java.io.PrintWriter(err));
        return new CliTest.Run(cl.execute(args), "", err.toString());
    }

    @Test
    void zarr3FlowWritesShardedStoresWithTheVoxelsOfTheZarr2Flow() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path truth = dir.resolve("truth.h5");
        ok("phantom", "--shape", "48,40,20", "--cell-size", "14", "--output", raw.toString(), "--truth", truth.toString());
        Path plan = dir.resolve("plan");
        ok("plan", "--input", raw.toString(), "--chunk", "24,20,10", "--halo", "4,4,4", "--ws-chunk", "16,16,8", "--ws-batch", "4",
                "--divs", "2,1,1", "--omni-overlap", "2,2,2", "--out-dir", plan.toString());
        Map<String, Object> planJson = Json.read(plan.resolve("plan.json"));
        assertEquals("24,20,10", planJson.get("affinity_store_shard_xyz"));
        assertEquals("16,16,8", planJson.get("segmentation_store_shard_xyz"));
        Path v2 = flow(raw, plan, "zarr2", truth);
        Path v3 = flow(raw, plan, "zarr3", truth);

        Map<String, Object> meta = Json.read(v3.resolve("affinities.zarr/0/zarr.json"));
        assertEquals(List.of(3, 10, 20, 24), ((Map<?, ?>) ((Map<?, ?>) meta.get("chunk_grid")).get("configuration")).get("chunk_shape"));
        assertTrue(Files.isRegularFile(v3.resolve("affinities.zarr/0/c/0/1/1/1")), "shard (z 1, y 1, x 1) of the affinities");
        assertFalse(Files.exists(v3.resolve("affinities.zarr/0/.zarray")));
        assertArrayEquals(read(v2.resolve("affinities.zarr")).floats(), read(v3.resolve("affinities.zarr")).floats());
        assertArrayEquals(read(v2.resolve("stitched.zarr")).longs(), read(v3.resolve("stitched.zarr")).longs());
        assertTrue(Files.isRegularFile(v3.resolve("stitched.zarr/0/zarr.json")));
        long[] seg2 = read(v2.resolve("segmentation.zarr")).longs();
        long[] seg3 = read(v3.resolve("segmentation.zarr")).longs();
        assertArrayEquals(seg2, seg3);
        assertTrue(java.util.Arrays.stream(seg3).max().orElse(0) > 5);
        assertEquals("0.5", ((Map<?, ?>) ((Map<?, ?>) Json.read(v3.resolve("segmentation.zarr/zarr.json")).get("attributes")).get("ome")).get("version"));
        // the downstream readers take the v3 store as they take v2
        String s2 = ok("evaluate", "--segmentation", v2.resolve("segmentation.zarr").toString(), "--truth", truth.toString()).out();
        String s3 = ok("evaluate", "--segmentation", v3.resolve("segmentation.zarr").toString(), "--truth", truth.toString()).out();
        assertEquals(s2, s3);

        // and as N5: a multiscale group with s0, x,y,z order in its attributes, the same voxels and scores
        Path n5 = flow(raw, plan, "n5", truth);
        Map<String, Object> group = Json.read(n5.resolve("segmentation.zarr/attributes.json"));
        assertEquals("4.0.0", group.get("n5"));
        assertEquals(Boolean.TRUE, group.get("multiScale"));
        Map<String, Object> s0 = Json.read(n5.resolve("affinities.zarr/s0/attributes.json"));
        assertEquals(List.of(48, 40, 20, 3), s0.get("dimensions"));
        assertEquals(List.of(12, 10, 5, 3), s0.get("blockSize"));
        assertEquals("float32", s0.get("dataType"));
        assertArrayEquals(read(v2.resolve("affinities.zarr")).floats(), read(n5.resolve("affinities.zarr")).floats());
        assertArrayEquals(seg2, read(n5.resolve("segmentation.zarr")).longs());
        assertArrayEquals(read(v2.resolve("stitched.zarr")).longs(), read(n5.resolve("stitched.zarr")).longs());
        assertEquals(s2, ok("evaluate", "--segmentation", n5.resolve("segmentation.zarr").toString(), "--truth", truth.toString()).out());
    }

    @Test
    void phantomWritesTheSameVoxelsInEitherFormat() {
        Path v2 = dir.resolve("p2.zarr");
        Path v3 = dir.resolve("p3.zarr");
        ok("phantom", "--shape", "70,40,30", "--output", v2.toString(), "--truth", dir.resolve("t2.zarr").toString());
        ok("phantom", "--shape", "70,40,30", "--output", v3.toString(), "--truth", dir.resolve("t3.zarr").toString(), "--store-format", "zarr3",
                "--shard", "128,64,30");
        assertArrayEquals(read(v2).bytes(), read(v3).bytes());
        assertArrayEquals(read(dir.resolve("t2.zarr")).ints(), read(dir.resolve("t3.zarr")).ints());
        try (VolumeReader r = Volumes.open(v3, null)) {
            assertEquals("zarr3", r.info().format());
        }
        CliTest.Run r = CliTest.run("phantom", "--shape", "70,40,30", "--output", dir.resolve("p4.zarr").toString(), "--shard", "128,64,30");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--shard 128,64,30 needs --store-format zarr3"), r.err());
    }

    @Test
    void aShardATaskWouldWritePartOfIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path raw = dir.resolve("raw.h5");
        ok("phantom", "--shape", "48,40,20", "--output", raw.toString());
        Path store = dir.resolve("aff.zarr");
        CliTest.Run r = CliTest.run("infer", "--input", raw.toString(), "--chunk", "24,20,10", "--grid-block", "0,0,0", "--store", store.toString(),
                "--store-format", "zarr3", "--shard", "16,20,10", "--zarr-chunk", "8,10,5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--shard 16,20,10 must divide the task core 24,20,10 (x,y,z): a task would write part of a shard"), r.err());
        assertFalse(Files.exists(store));
        r = CliTest.run("infer", "--input", raw.toString(), "--chunk", "24,20,10", "--grid-block", "0,0,0", "--store", store.toString(),
                "--store-format", "zarr4");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--store-format 'zarr4' must be zarr2, zarr3 or n5"), r.err());
        r = CliTest.run("infer", "--input", raw.toString(), "--chunk", "24,20,10", "--grid-block", "0,0,0", "--store", store.toString(),
                "--shard", "24,20,10");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--shard 24,20,10 needs --store-format zarr3"), r.err());
    }
}
