package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stitch --region-graph, agglomerate, relabel --segment-table and evaluate --agglomeration end to end: two chunkings
 * of one volume give the same region-graph numbers, the same merges and the same segmentation at every threshold.
 */
class AgglomerateCliTest {
    @TempDir
    Path dir;

    static final String[] WS = {"--t-low", "-1", "--t-size", "300", "--t-dust", "0"};

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

    private static long[] read(Path p) {
        try (VolumeReader r = Volumes.open(p, null)) {
            return r.readAll().longs();
        }
    }

    /** Watershed over chunks of {@code chunk} (x,y,z; grid block to {@code last}), then stitch with id tables and the region graph. */
    private Path chunked(Path aff, String name, String chunk, String last) {
        Path ws = dir.resolve(name).resolve("ws");
        ok(with(new String[] {"watershed", "--affinities", aff.toString(), "--chunk", chunk, "--grid-block", "0,0,0," + last, "--out-dir",
            ws.toString()}, WS));
        ok(with(new String[] {"stitch", ws.toString(), "--id-tables", dir.resolve(name).resolve("ids").toString(), "--region-graph",
            dir.resolve(name).resolve("region_graph.h5").toString(), "--tree", dir.resolve(name).resolve("tree.h5").toString()}, WS));
        return dir.resolve(name);
    }

    private static void assertSameUpToRenaming(long[] a, long[] b, String what) {
        assertEquals(a.length, b.length);
        Map<Long, Long> fw = new HashMap<>();
        Map<Long, Long> bw = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            Long x = fw.putIfAbsent(a[i], b[i]);
            Long y = bw.putIfAbsent(b[i], a[i]);
            assertTrue((x == null || x == b[i]) && (y == null || y == a[i]), what + ": voxel " + i);
        }
    }

    @Test
    void twoChunkingsAgglomerateToTheSameSegmentationAtEveryThreshold() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path truth = dir.resolve("truth.h5");
        ok("phantom", "--shape", "48,40,20", "--cell-size", "14", "--noise", "25", "--output", raw.toString(), "--truth", truth.toString());
        Path aff = dir.resolve("aff.h5");
        ok("infer", "--input", raw.toString(), "--output", aff.toString());
        Path a = chunked(aff, "a", "16,16,8", "2,2,2");
        Path b = chunked(aff, "b", "24,20,10", "1,1,1");
        Map<String, Object> ga = Hdf5Files.readAttributes(a.resolve("region_graph.h5"));
        Map<String, Object> gb = Hdf5Files.readAttributes(b.resolve("region_graph.h5"));
        assertEquals(ga.get("edges"), gb.get("edges"));
        assertTrue(((Number) ga.get("edges")).longValue() > 20, "edges " + ga.get("edges"));
        // the multiset of (sum, count) over the pairs is the same, whatever the ids
        long[] sa = Hdf5Files.readTable(a.resolve("region_graph.h5"), "sum").longs().clone();
        long[] sb = Hdf5Files.readTable(b.resolve("region_graph.h5"), "sum").longs().clone();
        java.util.Arrays.sort(sa);
        java.util.Arrays.sort(sb);
        assertArrayEquals(sa, sb);

        String ts = "0.4,0.5,0.6";
        for (Path p : List.of(a, b)) {
            CliTest.Run r = ok("agglomerate", "--region-graph", p.resolve("region_graph.h5").toString(), "--thresholds", ts, "--output",
                    p.resolve("agg").toString());
            assertTrue(r.err().contains("merges"), r.err());
        }
        assertArrayEquals(Hdf5Files.readTable(a.resolve("agg/agglomeration_tree.h5"), "sum").longs(),
                Hdf5Files.readTable(b.resolve("agg/agglomeration_tree.h5"), "sum").longs(), "the same merges in the same order");
        float[] level = Hdf5Files.readTable(a.resolve("agg/agglomeration_tree.h5"), "affinity").floats();
        for (int i = 1; i < level.length; i++) {
            assertTrue(level[i] <= level[i - 1], "levels never rise");
        }
        assertTrue(level[level.length - 1] < 0.4f, "the tree goes on below the thresholds (--tree-to 0): " + level[level.length - 1]);
        long segs = ((Number) Hdf5Files.readAttributes(a.resolve("region_graph.h5")).get("segments")).longValue();
        assertEquals(segs - 1, level.length, "down to 0 every segment of the connected volume is merged: a tree, not a forest");
        Map<String, Object> segsAttrs = Hdf5Files.readAttributes(a.resolve("agg/segments.h5"));
        assertArrayEquals(new double[] {0.4f, 0.5f, 0.6f}, (double[]) segsAttrs.get("thresholds"));
        long segments = ((Number) ga.get("segments")).longValue();
        long[] kept = (long[]) segsAttrs.get("agglomerated_segments");
        assertTrue(1 < kept[0] && kept[0] < kept[1] && kept[1] < kept[2] && kept[2] < segments, java.util.Arrays.toString(kept) + " of " + segments);
        Map<String, Object> mapping = Json.read(a.resolve("agg/mapping_0.5.json"));
        assertEquals("agglomerate_0.5", mapping.get("name"));
        Map<String, Object> ng = Json.read(a.resolve("agg/neuroglancer_0.5.json"));
        assertEquals("segmentation", ng.get("type"));
        long grouped = 0;
        for (Object c : (List<?>) mapping.get("classes")) {
            grouped += ((List<?>) c).size() - 1;
        }
        assertEquals(segments - kept[1], grouped, "each class of k segments is k - 1 merges");

        for (String t : ts.split(",")) {
            Path sa0 = a.resolve("seg_" + t + ".zarr");
            Path sb0 = b.resolve("seg_" + t + ".zarr");
            ok("relabel", "--watershed", a.resolve("ws").toString(), "--id-table", a.resolve("ids/ws.ids.h5").toString(), "--segmentation",
                    sa0.toString(), "--segment-table", a.resolve("agg/segments.h5").toString(), "--threshold", t);
            ok("relabel", "--watershed", b.resolve("ws").toString(), "--id-table", b.resolve("ids/ws.ids.h5").toString(), "--segmentation",
                    sb0.toString(), "--segment-table", b.resolve("agg/segments.h5").toString(), "--threshold", t);
            long[] la = read(sa0);
            long[] lb = read(sb0);
            assertSameUpToRenaming(la, lb, "threshold " + t);
            assertEquals(0, java.util.Arrays.stream(la).filter(v -> v == 0).count(), "dense: no background");
            assertEquals(java.util.Arrays.stream(la).distinct().count(), kept[List.of(ts.split(",")).indexOf(t)]);
        }

        // evaluate: every threshold in one call equals scoring the relabelled store; both conventions for label 0
        Path sv = a.resolve("supervoxels.zarr");
        ok("relabel", "--watershed", a.resolve("ws").toString(), "--id-table", a.resolve("ids/ws.ids.h5").toString(), "--segmentation", sv.toString());
        String all = ok("evaluate", "--segmentation", sv.toString(), "--truth", truth.toString(), "--agglomeration",
                a.resolve("agg/segments.h5").toString(), "--output", dir.resolve("all.json").toString()).out();
        String one = ok("evaluate", "--segmentation", a.resolve("seg_0.5.zarr").toString(), "--truth", truth.toString()).out();
        String block = all.substring(all.indexOf("threshold 0.5:") + "threshold 0.5:\n".length(), all.indexOf("threshold 0.6:"));
        assertEquals(one, block);
        Map<String, Object> json = Json.read(dir.resolve("all.json"));
        assertEquals("singletons", json.get("zero"));
        assertEquals(3, ((List<?>) json.get("results")).size(), "one per threshold");
        assertTrue(json.containsKey("adapted_rand_error"), "the segmentation's own scores at the top level");
        assertEquals(0.5, ((Number) ((Map<?, ?>) ((List<?>) json.get("results")).get(1)).get("threshold")).doubleValue(), 1e-6);
        String label = ok("evaluate", "--segmentation", sv.toString(), "--truth", truth.toString(), "--zero", "label").out();
        assertTrue(label.contains("label 0 scored as:  one label"), label);
        CliTest.Run bad = CliTest.run("evaluate", "--segmentation", sv.toString(), "--truth", truth.toString(), "--zero", "none");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--zero: 'none' is neither singletons nor label"), bad.err());
        CliTest.Run wrong = CliTest.run("relabel", "--watershed", a.resolve("ws").toString(), "--id-table", a.resolve("ids/ws.ids.h5").toString(),
                "--segmentation", dir.resolve("x.zarr").toString(), "--segment-table", a.resolve("agg/segments.h5").toString(), "--threshold", "0.45");
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("--threshold 0.45: " + a.resolve("agg/segments.h5") + " has tables for the thresholds"), wrong.err());
    }
}
