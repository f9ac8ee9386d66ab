package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.io.TaskTable;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store data flow through the real tools: plan, fingerprint, infer --store, watershed --affinities, stitch
 * --id-tables, relabel, evaluate --partial give the same stores and scores as whole-volume tools.
 */
class StoreDataFlowCliTest {
    @TempDir
    Path dir;

    static final String[] THRESHOLDS = {"--t-low", "0.1", "--t-size", "300", "--t-dust", "20"};

    private static String[] with(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static CliTest.Run ok(String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    private static Block read(Path p, String dataset) {
        try (VolumeReader r = Volumes.open(p, dataset)) {
            return r.readAll();
        }
    }

    @Test
    void regionTasksWriteTheStoresWholeVolumeToolsWrite() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path truth = dir.resolve("truth.h5");
        ok("phantom", "--shape", "48,40,20", "--cell-size", "14", "--output", raw.toString(), "--truth", truth.toString());
        Path plan = dir.resolve("plan");
        ok("plan", "--input", raw.toString(), "--chunk", "24,20,10", "--halo", "4,4,4", "--ws-chunk", "16,16,8", "--ws-batch", "4",
                "--infer-batch-voxels", "4800", "--divs", "2,1,1", "--omni-overlap", "2,2,2", "--out-dir", plan.toString());
        TaskTable infer = TaskTable.read(plan.resolve("infer.tsv"), "name", "block", "chunks");
        assertEquals(8, infer.size());
        assertEquals(List.of("chunk_0_0_0", "chunk_1_0_0"), infer.column("name").subList(0, 2));
        TaskTable ws = TaskTable.read(plan.resolve("watershed.tsv"), "name", "block", "infer_chunks");
        // 27 chunks of 16x16x8 in blocks of at most 4, grown along the shortest side first: 3 chunks deep in z
        assertEquals(9, ws.size());
        assertEquals(List.of("chunk_0_0_0-chunk_0_0_2", "chunk_1_0_0-chunk_1_0_2"), ws.column("name").subList(0, 2));
        // the first block's padded box (x 0..18, y 0..18, z 0..20) meets the cores of the 2 inference chunks at x, y 0
        assertEquals("chunk_0_0_0,chunk_0_0_1", ws.column("infer_chunks").get(0));
        Map<String, Object> planJson = Json.read(plan.resolve("plan.json"));
        assertEquals("24,20,10", planJson.get("affinity_store_chunk_xyz"));
        assertEquals(9, ((Number) planJson.get("ws_tasks")).intValue());

        // affinities: one region task per inference chunk == one whole-volume inference
        Path store = dir.resolve("affinities.zarr");
        List<String> inferDigests = new ArrayList<>();
        for (String[] row : infer.rows()) {
            Path d = dir.resolve(row[0] + ".tsv");
            ok("infer", "--input", raw.toString(), "--chunk", "24,20,10", "--halo", "4,4,4", "--grid-block", row[1], "--store", store.toString(),
                    "--digest-output", d.toString());
            inferDigests.add(TaskTable.read(d, "digest").column("digest").get(0));
        }
        assertEquals(8, inferDigests.stream().distinct().count());
        Path whole = dir.resolve("whole.h5");
        ok("infer", "--input", raw.toString(), "--output", whole.toString());
        assertArrayEquals(read(whole, "affinities").floats(), read(store, null).floats());

        // batched as the pipeline's default batches: 4 chunks' worth of voxels per task, 2 tasks naming their chunks, the
        // same store and the same per-chunk digests
        Path batched = dir.resolve("plan-batched");
        ok("plan", "--input", raw.toString(), "--chunk", "24,20,10", "--halo", "4,4,4", "--ws-chunk", "16,16,8",
                "--infer-batch-voxels", "19200", "--out-dir", batched.toString());
        TaskTable blocks = TaskTable.read(batched.resolve("infer.tsv"), "name", "block", "chunks");
        assertEquals(2, blocks.size());
        assertEquals(4, ((Number) Json.read(batched.resolve("plan.json")).get("infer_chunks_per_task")).intValue());
        Path store4 = dir.resolve("affinities-batched.zarr");
        Map<String, String> batchedDigests = new TreeMap<>();
        for (String[] row : blocks.rows()) {
            assertEquals(4, row[2].split(",").length, row[2]);
            Path d = dir.resolve(row[0] + ".batched.tsv");
            ok("infer", "--input", raw.toString(), "--chunk", "24,20,10", "--halo", "4,4,4", "--grid-block", row[1], "--store", store4.toString(),
                    "--digest-output", d.toString());
            TaskTable listed = TaskTable.read(d, "name", "digest");
            assertEquals(List.of(row[2].split(",")), listed.column("name"));
            for (String[] r : listed.rows()) {
                batchedDigests.put(r[0], r[1]);
            }
        }
        assertArrayEquals(read(store, null).floats(), read(store4, null).floats());
        assertEquals(8, batchedDigests.size());
        assertEquals(new TreeSet<>(inferDigests), new TreeSet<>(batchedDigests.values()));

        // watershed blocks from the store, the merge step's id tables, relabelled blocks == stitch of the same chunk files
        // each block also settles its task of the merge tree (level 1: the 3x3x1 blocks; fan-in 2: 2x2x1, then the top)
        TaskTable wsTree = TaskTable.read(plan.resolve("watershed.tsv"), "name", "merge_position", "merge_parent", "merge_siblings");
        TaskTable tree = TaskTable.read(plan.resolve("merge.tsv"), "name", "level", "position", "parent", "siblings", "children");
        assertEquals(List.of("merge_L2_0_0_0", "merge_L2_1_0_0", "merge_L2_0_1_0", "merge_L2_1_1_0", "merge_L3_0_0_0"), tree.column("name"));
        assertEquals(List.of("4", "2", "2", "1", "4"), tree.column("children"));
        assertEquals(List.of("merge_L3_0_0_0", "merge_L3_0_0_0", "merge_L3_0_0_0", "merge_L3_0_0_0", "-"), tree.column("parent"));
        assertEquals(List.of("0,0,0", "merge_L2_0_0_0", "4"), List.of(wsTree.rows().get(0)).subList(3, 6));
        assertEquals(List.of("2,2,0", "merge_L2_1_1_0", "1"), List.of(wsTree.rows().get(8)).subList(3, 6));
        assertEquals(3, ((Number) planJson.get("merge_top_level")).intValue());
        Path tasks = dir.resolve("merge");
        StringBuilder list = new StringBuilder("name\tpath\tdigest\n");
        StringBuilder taskList = new StringBuilder("path\n");
        Map<String, List<String>> childrenOf = new TreeMap<>();
        for (String[] row : ws.rows()) {
            Path out = dir.resolve("ws").resolve(row[0]);
            Path task = tasks.resolve(row[0] + ".h5");
            Path d = dir.resolve(row[0] + ".ws.tsv");
            String err = ok(with(new String[] {"watershed", "--affinities", store.toString(), "--chunk", "16,16,8", "--grid-block", row[1], "--out-dir",
                out.toString(), "--merge-output", task.toString(), "--merge-first-fan-in", "1,1,3", "--merge-fan-in", "2,2,2", "--digest-output",
                d.toString()}, THRESHOLDS)).err();
            assertTrue(err.contains(row[0] + ": merge task "), err);
            assertEquals("merge_task", TaskTable.read(d, "name").column("name").get(3)); // after the block's 3 chunks
            list.append(row[0]).append('\t').append(out).append("\tx\n");
            taskList.append(task).append('\n');
            childrenOf.computeIfAbsent(wsTree.rows().stream().filter(r -> r[0].equals(row[0])).findFirst().orElseThrow()[4], k -> new ArrayList<>())
                    .add(task.toString());
        }
        for (String[] row : tree.rows()) {
            List<String> args = new ArrayList<>(List.of("merge-level", "--level", row[1], "--position", row[2], "--first-fan-in", "1,1,3", "--fan-in",
                "2,2,2", "--output", tasks.resolve(row[0] + ".h5").toString()));
            args.addAll(childrenOf.get(row[0]));
            String err = ok(with(args.toArray(String[]::new), THRESHOLDS)).err();
            assertTrue(err.contains(row[1].equals("3") ? "the top task" : "open"), err);
            childrenOf.computeIfAbsent(row[3], k -> new ArrayList<>()).add(tasks.resolve(row[0] + ".h5").toString());
            taskList.append(tasks.resolve(row[0] + ".h5")).append('\n');
        }
        Files.writeString(dir.resolve("tasks.tsv"), taskList);
        String finished = ok("merge-finish", "--list", dir.resolve("tasks.tsv").toString(), "--id-tables", dir.resolve("tree-ids").toString(),
                "--digest-output", dir.resolve("tree-ids.tsv").toString()).err();
        assertTrue(finished.contains("41 merge tasks over 27 chunks"), finished); // 27 chunks, 9 + 4 + 1 blocks
        Files.writeString(dir.resolve("blocks.tsv"), list);
        ok(with(new String[] {"stitch", "--list", dir.resolve("blocks.tsv").toString(), "--id-tables", dir.resolve("ids").toString(), "--tree",
            dir.resolve("tree.h5").toString(), "--digest-output", dir.resolve("ids.tsv").toString()}, THRESHOLDS));
        assertEquals(9, TaskTable.read(dir.resolve("ids.tsv"), "name", "digest").size());
        Path seg = dir.resolve("segmentation.zarr");
        for (String[] row : ws.rows()) {
            ok("relabel", "--watershed", dir.resolve("ws").resolve(row[0]).toString(), "--id-table", dir.resolve("ids").resolve(row[0] + ".ids.h5").toString(),
                    "--segmentation", seg.toString(), "--segment-sizes", dir.resolve("sizes").resolve(row[0] + ".segments.tsv").toString());
        }
        Path stitched = dir.resolve("stitched.zarr");
        List<String> all = new ArrayList<>(List.of("stitch"));
        for (String n : ws.column("name")) {
            all.add(dir.resolve("ws").resolve(n).toString());
        }
        all.addAll(List.of("--output", stitched.toString()));
        ok(with(all.toArray(String[]::new), THRESHOLDS));
        long[] relabelled = read(seg, null).longs();
        assertArrayEquals(read(stitched, null).longs(), relabelled);
        // the tree of merge tasks: the same segmentation up to renaming
        Path treeSeg = dir.resolve("segmentation-tree.zarr");
        for (String[] row : ws.rows()) {
            ok("relabel", "--watershed", dir.resolve("ws").resolve(row[0]).toString(), "--id-table", dir.resolve("tree-ids").resolve(row[0] + ".ids.h5")
                    .toString(), "--segmentation", treeSeg.toString());
        }
        long[] byTree = read(treeSeg, null).longs();
        Map<Long, Long> forward = new HashMap<>();
        Map<Long, Long> backward = new HashMap<>();
        for (int i = 0; i < byTree.length; i++) {
            long x = relabelled[i];
            long y = byTree[i];
            assertEquals(forward.computeIfAbsent(x, k -> y).longValue(), y, "voxel " + i);
            assertEquals(backward.computeIfAbsent(y, k -> x).longValue(), x, "voxel " + i);
        }
        assertEquals(forward.size(), backward.size());
        long segments = java.util.Arrays.stream(relabelled).max().orElse(0);
        assertTrue(segments > 5, segments + " segments");
        assertEquals(segments, ((Number) Json.read(seg.resolve(".zattrs")).get("segments")).longValue());

        ReportCliTest.theReportOfTheStoresIsTheirs(dir, raw, store, seg, dir.resolve("sizes"), relabelled);

        // scores from per-block contingency tables == scores of the whole volumes
        List<String> sum = new ArrayList<>(List.of("evaluate", "--partials"));
        for (String[] row : ws.rows()) {
            Path part = dir.resolve(row[0] + ".contingency.h5");
            ok("evaluate", "--segmentation", seg.toString(), "--truth", truth.toString(), "--chunk", "16,16,8", "--grid-block", row[1], "--partial", part.toString());
            sum.add(part.toString());
        }
        String summed = ok(sum.toArray(String[]::new)).out();
        String direct = ok("evaluate", "--segmentation", seg.toString(), "--truth", truth.toString()).out();
        assertEquals(direct, summed);
        assertTrue(summed.contains("adapted Rand error"), summed);
    }

    @Test
    void fingerprintsChangeExactlyForTheChunksWhosePaddedBoxWasEdited() throws Exception {
        Path raw = dir.resolve("raw.h5");
        ok("phantom", "--shape", "40,20,10", "--output", raw.toString());
        String[] args = {"fingerprint", "--input", raw.toString(), "--chunk", "20,20,10", "--halo", "2,2,2", "--grid-block", "0,0,0,1,0,0"};
        ok(with(args, "--output", dir.resolve("a.tsv").toString()));
        Block b = read(raw, "raw");
        b.setDouble((5 * 20 + 10) * 40 + 5, b.getDouble((5 * 20 + 10) * 40 + 5) + 1); // x 5: chunk 0's core, outside chunk 1's padded box
        Hdf5Files.write(raw, Map.of(), List.of(Hdf5Files.Entry.of("raw", b)), false);
        ok(with(args, "--output", dir.resolve("b.tsv").toString()));
        List<String> before = TaskTable.read(dir.resolve("a.tsv"), "digest").column("digest");
        List<String> after = TaskTable.read(dir.resolve("b.tsv"), "digest").column("digest");
        assertNotEquals(before.get(0), after.get(0));
        assertEquals(before.get(1), after.get(1));
    }

    @Test
    void aTaskThatDiesMidWriteLeavesNoDigestAndWholeStoreChunksOnly() throws Exception {
        Path raw = dir.resolve("raw.h5");
        ok("phantom", "--shape", "40,20,10", "--output", raw.toString());
        Path store = dir.resolve("affinities.zarr");
        Path digests = dir.resolve("d.tsv");
        CliTest.Run r = CliTest.run("infer", "--input", raw.toString(), "--chunk", "20,20,10", "--grid-block", "0,0,0,1,0,0", "--store", store.toString(),
                "--digest-output", digests.toString(), "--test-fail-after", "1");
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().contains("injected failure after 1 chunks"), r.err());
        // what later stages key on is never written by a task that did not finish; the chunk it wrote is whole
        assertFalse(Files.exists(digests));
        try (var files = Files.walk(store)) {
            assertEquals(List.of("0/0/0/0"), files.filter(Files::isRegularFile).map(f -> store.resolve("0").relativize(f).toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList());
        }
        try (VolumeReader v = Volumes.open(store, null)) {
            assertEquals(DType.FLOAT32, v.info().dtype());
        }
    }

    @Test
    void anExistingStoreOfAnotherShapeIsRefusedNotMixedWith() throws Exception {
        Path raw = dir.resolve("raw.h5");
        ok("phantom", "--shape", "40,20,10", "--output", raw.toString());
        Path store = dir.resolve("affinities.zarr");
        ok("infer", "--input", raw.toString(), "--chunk", "20,20,10", "--grid-block", "0,0,0", "--store", store.toString());
        CliTest.Run r = CliTest.run("infer", "--input", raw.toString(), "--chunk", "20,20,10", "--grid-block", "0,0,0", "--store", store.toString(),
                "--output-dtype", "uint8");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("an existing store holds float32 [3, 10, 20, 40] chunks [3, 10, 20, 20]; this run writes uint8"), r.err());
        CliTest.Run outside = CliTest.run("infer", "--input", raw.toString(), "--chunk", "20,20,10", "--grid-block", "2,0,0", "--store", store.toString());
        assertEquals(2, outside.code(), outside.err());
        assertTrue(outside.err().contains("--grid-block 2,0,0,2,0,0 lies outside the grid 2,1,1 (x,y,z)"), outside.err());
    }
}
