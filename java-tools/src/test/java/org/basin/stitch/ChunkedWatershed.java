package org.basin.stitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.graph.DisjointSets;
import org.basin.graph.RegionGraph;
import org.basin.volume.Box;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;

/** Test helper: the chunked path (watershed per chunk with a halo of 2, then the merge step) entirely in memory. */
public final class ChunkedWatershed {
    private ChunkedWatershed() {
    }

    /** The chunked path's segmentation and its segments' maximum spanning tree. */
    record Stitched(long[] labels, RegionGraph.Edges tree, RegionGraph.Edges regionGraph) {
    }

    /** The final labels of the whole volume from chunks of {@code chunk} (any size >= 1). */
    public static long[] run(float[] aff, int[] shape, int[] chunk, WatershedParams p) {
        return runStitched(aff, shape, chunk, p).labels();
    }

    /** The watershed of every chunk (grid order, halo 2) and what it hands the merge step. */
    record Chunks(int[] shape, int[] chunk, List<Chunk> chunks, List<FaceStitcher.ChunkSegments> segments, List<int[][]> planes,
            List<int[]> labels) {
        /** The whole volume's labels from per-chunk id tables (entry v: the final id of local id v). */
        long[] relabel(long[][] tables) {
            long[] out = new long[shape[0] * shape[1] * shape[2]];
            for (int i = 0; i < chunks.size(); i++) {
                Box b = chunks.get(i).core();
                int[] l = labels.get(i);
                int k = 0;
                for (int z = b.min(0); z < b.max(0); z++) {
                    for (int y = b.min(1); y < b.max(1); y++) {
                        for (int x = b.min(2); x < b.max(2); x++) {
                            out[(z * shape[1] + y) * shape[2] + x] = l[k] == 0 ? 0 : tables[i][l[k]];
                            k++;
                        }
                    }
                }
            }
            return out;
        }
    }

    static Chunks chunks(float[] aff, int[] shape, int[] chunk, WatershedParams p) {
        Box volume = Box.ofShape(shape);
        int[] grid = new int[3];
        for (int a = 0; a < 3; a++) {
            grid[a] = (shape[a] + chunk[a] - 1) / chunk[a];
        }
        int n = shape[0] * shape[1] * shape[2];
        Chunks out = new Chunks(shape, chunk, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int gz = 0; gz < grid[0]; gz++) {
            for (int gy = 0; gy < grid[1]; gy++) {
                for (int gx = 0; gx < grid[2]; gx++) {
                    int[] pos = {gz, gy, gx};
                    int[] lo = new int[3];
                    int[] hi = new int[3];
                    for (int a = 0; a < 3; a++) {
                        lo[a] = pos[a] * chunk[a];
                        hi[a] = Math.min(shape[a], lo[a] + chunk[a]);
                    }
                    Box core = new Box(lo, hi);
                    Box padded = core.grow(new int[] {2, 2, 2}, new int[] {2, 2, 2}, volume);
                    int[] ps = padded.shape();
                    int pn = ps[0] * ps[1] * ps[2];
                    float[] part = new float[3 * pn];
                    for (int c = 0; c < 3; c++) {
                        int i = c * pn;
                        for (int z = padded.min(0); z < padded.max(0); z++) {
                            for (int y = padded.min(1); y < padded.max(1); y++) {
                                for (int x = padded.min(2); x < padded.max(2); x++) {
                                    part[i++] = aff[c * n + (z * shape[1] + y) * shape[2] + x];
                                }
                            }
                        }
                    }
                    int[] clo = new int[3];
                    int[] chi = new int[3];
                    for (int a = 0; a < 3; a++) {
                        clo[a] = core.min(a) - padded.min(a);
                        chi[a] = core.max(a) - padded.min(a);
                    }
                    Watershed.Result r = Watershed.run(part, ps, new Box(clo, chi), p);
                    Chunk c = new Chunk(pos, core, padded);
                    out.chunks().add(c);
                    out.segments().add(FaceStitcher.ChunkSegments.of(c, r));
                    out.planes().add(FaceStitcher.facePlanes(c, shape, r.labels()));
                    out.labels().add(r.labels());
                }
            }
        }
        return out;
    }

    /** As {@link #run}, with the tree. */
    static Stitched runStitched(float[] aff, int[] shape, int[] chunk, WatershedParams p) {
        return stitch(chunks(aff, shape, chunk, p), p);
    }

    /** The single-task merge of chunks. */
    static Stitched stitch(Chunks cs, WatershedParams p) {
        int[] shape = cs.shape();
        FaceStitcher s = new FaceStitcher(shape, cs.chunk(), p);
        s.keepRegionGraph();
        for (int i = 0; i < cs.chunks().size(); i++) {
            s.add(cs.segments().get(i), cs.labels().get(i));
        }
        s.resolve();
        long[][] tables = new long[cs.chunks().size()][];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = s.idTable(i);
        }
        return new Stitched(cs.relabel(tables), s.tree(), s.regionGraph());
    }

    /**
     * The weights of a maximum spanning forest of the graph between a labeling's segments (each edge the largest
     * affinity between their adjacent voxels), in decreasing order: the same for every maximum spanning forest.
     */
    static float[] spanningWeights(int[] labels, float[] aff, int[] shape) {
        int n = labels.length;
        int[] step = {shape[1] * shape[2], shape[2], 1};
        Map<Long, Float> edges = new HashMap<>();
        int max = 0;
        for (int z = 0, v = 0; z < shape[0]; z++) {
            for (int y = 0; y < shape[1]; y++) {
                for (int x = 0; x < shape[2]; x++, v++) {
                    max = Math.max(max, labels[v]);
                    int[] at = {z, y, x};
                    for (int c = 0; c < 3; c++) { // channel c: the edge to the voxel before along axis c
                        if (at[c] == 0 || labels[v] == 0 || labels[v - step[c]] == 0 || labels[v] == labels[v - step[c]]) {
                            continue;
                        }
                        long key = ((long) Math.min(labels[v], labels[v - step[c]]) << 32) | Math.max(labels[v], labels[v - step[c]]);
                        edges.merge(key, aff[c * n + v], Math::max);
                    }
                }
            }
        }
        java.util.List<Map.Entry<Long, Float>> sorted = new java.util.ArrayList<>(edges.entrySet());
        sorted.sort((e, f) -> Float.compare(f.getValue(), e.getValue()));
        DisjointSets forest = new DisjointSets(max + 1);
        float[] w = new float[sorted.size()];
        int k = 0;
        for (Map.Entry<Long, Float> e : sorted) {
            int a = (int) (e.getKey() >>> 32);
            int b = (int) (long) e.getKey();
            if (forest.find(a) != forest.find(b)) {
                forest.union(a, b);
                w[k++] = e.getValue();
            }
        }
        return java.util.Arrays.copyOf(w, k);
    }

    /** A region-graph edge's numbers: largest affinity, its defining voxel edge's key, fixed-point sum, count. */
    record EdgeStats(float max, long key, long sum, long count) {
    }

    /**
     * The region graph of a labeling computed voxel edge by voxel edge, independently of {@link RegionGraph}: per
     * pair of touching non-zero segments (key min << 32 | max) the largest affinity (smallest key among equals), the
     * sum of round(affinity * 2^32) and the count.
     */
    static Map<Long, EdgeStats> bruteForceGraph(long[] labels, float[] aff, int[] shape) {
        int n = labels.length;
        int[] step = {shape[1] * shape[2], shape[2], 1};
        Map<Long, EdgeStats> out = new HashMap<>();
        for (int z = 0, v = 0; z < shape[0]; z++) {
            for (int y = 0; y < shape[1]; y++) {
                for (int x = 0; x < shape[2]; x++, v++) {
                    int[] at = {z, y, x};
                    for (int c = 0; c < 3; c++) {
                        if (at[c] == 0) {
                            continue;
                        }
                        long p = labels[v];
                        long q = labels[v - step[c]];
                        if (p == 0 || q == 0 || p == q) {
                            continue;
                        }
                        float w = aff[c * n + v] + 0f;
                        long key = 3L * v + c;
                        long fixed = Math.round((double) w * 4294967296.0);
                        out.merge((Math.min(p, q) << 32) | Math.max(p, q), new EdgeStats(w, key, fixed, 1), (e, f) -> new EdgeStats(
                                Math.max(e.max(), f.max()), e.max() > f.max() ? e.key() : f.max() > e.max() ? f.key() : Math.min(e.key(), f.key()),
                                e.sum() + f.sum(), e.count() + f.count()));
                    }
                }
            }
        }
        return out;
    }

    /** A graph's edges by pair, ids taken through {@code rename} (segment id -> the labeling's id). */
    static Map<Long, EdgeStats> byPair(RegionGraph.Edges g, java.util.function.LongUnaryOperator rename) {
        Map<Long, EdgeStats> out = new HashMap<>();
        for (int i = 0; i < g.size(); i++) {
            long p = rename.applyAsLong(g.a()[i]);
            long q = rename.applyAsLong(g.b()[i]);
            EdgeStats old = out.put((Math.min(p, q) << 32) | Math.max(p, q), new EdgeStats(g.w()[i], g.key()[i], g.sum()[i], g.count()[i]));
            if (old != null) {
                fail("pair " + p + "," + q + " twice in the region graph");
            }
        }
        return out;
    }

    /** Asserts the two labelings are the same up to a renaming of ids (background 0 stays 0). */
    static void assertSameUpToRenaming(int[] whole, long[] chunked, String what) {
        assertSameUpToRenaming(java.util.Arrays.stream(whole).asLongStream().toArray(), chunked, what);
    }

    /** As above, for two uint64 labelings (the tools' files). */
    public static void assertSameUpToRenaming(long[] whole, long[] chunked, String what) {
        assertEquals(whole.length, chunked.length, what + ": voxel count");
        Map<Long, Long> forward = new HashMap<>();
        Map<Long, Long> backward = new HashMap<>();
        for (int i = 0; i < whole.length; i++) {
            long a = whole[i];
            long b = chunked[i];
            if ((a == 0) != (b == 0)) {
                fail(what + ": voxel " + i + " is " + a + " in the whole volume but " + b + " chunked");
            }
            Long fb = forward.putIfAbsent(a, b);
            Long ba = backward.putIfAbsent(b, a);
            if ((fb != null && fb != b) || (ba != null && ba != a)) {
                fail(what + ": voxel " + i + ": whole-volume segment " + a + " maps to chunked " + b + " but also to " + fb + " / from " + ba);
            }
        }
    }

    /** Asserts every label's voxels are one 6-connected component. */
    static void assertConnected(int[] labels, int[] shape) {
        int n = labels.length;
        DisjointSets sets = new DisjointSets(n);
        int sz = shape[1] * shape[2];
        for (int z = 0, v = 0; z < shape[0]; z++) {
            for (int y = 0; y < shape[1]; y++) {
                for (int x = 0; x < shape[2]; x++, v++) {
                    if (labels[v] == 0) {
                        continue;
                    }
                    if (x > 0 && labels[v - 1] == labels[v]) {
                        sets.union(v, v - 1);
                    }
                    if (y > 0 && labels[v - shape[2]] == labels[v]) {
                        sets.union(v, v - shape[2]);
                    }
                    if (z > 0 && labels[v - sz] == labels[v]) {
                        sets.union(v, v - sz);
                    }
                }
            }
        }
        Map<Integer, Integer> root = new HashMap<>();
        for (int v = 0; v < n; v++) {
            if (labels[v] != 0) {
                Integer r = root.putIfAbsent(labels[v], sets.find(v));
                if (r != null) {
                    assertEquals((int) r, sets.find(v), "segment " + labels[v] + " is not connected (voxel " + v + ")");
                }
            }
        }
    }
}
