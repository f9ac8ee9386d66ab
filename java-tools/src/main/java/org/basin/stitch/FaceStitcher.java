package org.basin.stitch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.basin.chunk.Chunk;
import org.basin.graph.DisjointSets;
import org.basin.graph.RegionGraph;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * Gives every chunk's segments globally unique ids and unites segments that are one object across chunk faces.
 *
 * <p>Watershed chunks overlap: a chunk's padded box reaches {@code overlap} voxels into its upper neighbours'
 * cores, and both chunks labelled those voxels. Two segments are united when each is the
 * other's majority partner over the voxels the two chunks share. Only thin slabs are kept in memory: each chunk's overhang (padded minus core, on the upper
 * sides) and its lower shell (the core voxels that upper-side overhangs of other chunks can reach).
 */
public final class FaceStitcher {
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    private final List<Block> overhangs = new ArrayList<>();
    private final List<Block> shells = new ArrayList<>();
    private final List<Integer> overhangOwner = new ArrayList<>();
    private final List<Integer> shellOwner = new ArrayList<>();
    private long total;
    private DisjointSets sets;
    private int[] finalIds;
    private int finalCount;
    private RegionGraph.Edges tree;
    private final int[] overlap;
    private final WatershedParams params;
    private long[] sizes = new long[1024];
    private final RegionGraph graph = new RegionGraph();

    /** @param overlap how far (z, y, x) padded boxes reach past their cores, the deepest over the grid */
    public FaceStitcher(int[] overlap, WatershedParams params) {
        this.overlap = overlap.clone();
        this.params = params;
    }

    /**
     * Adds one chunk: its labels over the padded box (chunk-local ids 1..count, 0 = background), in grid order.
     * Returns the offset added to this chunk's ids to make them global.
     */
    public long add(Chunk chunk, Block labels, long count, RegionGraph.Edges localGraph) {
        if (finalIds != null) {
            throw new IllegalStateException("already resolved");
        }
        int index = chunks.size();
        long offset = total;
        chunks.add(chunk);
        offsets.add(offset);
        total += count;
        if (total >= Integer.MAX_VALUE) {
            throw new IllegalStateException("more than 2^31 segments");
        }
        if (sizes.length <= total) {
            sizes = java.util.Arrays.copyOf(sizes, (int) Math.max(total + 1, sizes.length * 2L));
        }
        Block coreLabels = labels.crop(chunk.core());
        for (int i = 0, n = coreLabels.length(); i < n; i++) {
            long v = coreLabels.getLong(i);
            if (v != 0) {
                sizes[(int) (v + offset)]++;
            }
        }
        for (int i = 0; i < localGraph.size(); i++) {
            graph.add((int) (localGraph.a()[i] + offset), (int) (localGraph.b()[i] + offset), localGraph.w()[i]);
        }
        Box core = chunk.core();
        Box padded = chunk.padded();
        for (int a = 0; a < 3; a++) {
            if (padded.max(a) > core.max(a)) {
                int[] lo = padded.min();
                int[] hi = padded.max();
                lo[a] = core.max(a);
                overhangs.add(shift(labels.crop(new Box(lo, hi)), offset));
                overhangOwner.add(index);
            }
            int depth = overlap[a];
            if (core.min(a) > 0 && depth > 0) {
                int[] lo = core.min();
                int[] hi = core.max();
                hi[a] = Math.min(core.max(a), core.min(a) + depth);
                shells.add(shift(labels.crop(new Box(lo, hi)), offset));
                shellOwner.add(index);
            }
        }
        return offset;
    }

    private static Block shift(Block b, long offset) {
        long[] out = new long[b.length()];
        for (int i = 0; i < out.length; i++) {
            long v = b.getLong(i);
            out[i] = v == 0 ? 0 : v + offset;
        }
        return Block.of(out, b.box());
    }

    /**
     * Unites across all faces, then runs the size-dependent single linkage the chunks deferred (segments on inner
     * faces were frozen) over the union of the chunks' region graphs with the global sizes, drops dust, and
     * numbers the final segments 1..count in order of their smallest global id.
     */
    public void resolve() {
        sets = new DisjointSets(java.util.Arrays.copyOf(sizes, (int) total + 1));
        // Count label pairs per pair of chunks, then unite mutual majorities: a voxel or two where the chunks'
        // boundaries disagree (the overlap plane is on one chunk's edge) must not chain whole cells together.
        Map<Long, Map<Long, long[]>> byChunkPair = new HashMap<>();
        for (int i = 0; i < overhangs.size(); i++) {
            Block o = overhangs.get(i);
            for (int j = 0; j < shells.size(); j++) {
                if (shellOwner.get(j).equals(overhangOwner.get(i))) {
                    continue;
                }
                Block sh = shells.get(j);
                Box common = o.box().intersect(sh.box());
                if (common.isEmpty()) {
                    continue;
                }
                Map<Long, long[]> counts = byChunkPair.computeIfAbsent(((long) overhangOwner.get(i) << 32) | shellOwner.get(j),
                        k -> new HashMap<>());
                long[] a = o.crop(common).longs();
                long[] b = sh.crop(common).longs();
                for (int k = 0; k < a.length; k++) {
                    if (a[k] != 0 && b[k] != 0) {
                        counts.computeIfAbsent((a[k] << 32) | b[k], x -> new long[1])[0]++;
                    }
                }
            }
        }
        for (Map<Long, long[]> counts : byChunkPair.values()) {
            Map<Long, Long> totalA = new HashMap<>();
            Map<Long, Long> totalB = new HashMap<>();
            for (Map.Entry<Long, long[]> e : counts.entrySet()) {
                totalA.merge(e.getKey() >>> 32, e.getValue()[0], Long::sum);
                totalB.merge(e.getKey() & 0xffffffffL, e.getValue()[0], Long::sum);
            }
            for (Map.Entry<Long, long[]> e : counts.entrySet()) {
                long a = e.getKey() >>> 32;
                long b = e.getKey() & 0xffffffffL;
                long n = e.getValue()[0];
                if (2 * n > totalA.get(a) && 2 * n > totalB.get(b)) {
                    sets.union((int) a, (int) b);
                }
            }
        }
        RegionGraph.Edges sorted = graph.sorted();
        Watershed.singleLinkage(sets, sorted, params, new boolean[(int) total + 1]);
        finalIds = new int[(int) total + 1];
        int[] rootId = new int[(int) total + 1];
        int next = 0;
        for (int id = 1; id <= total; id++) {
            int r = sets.find(id);
            if (rootId[r] == 0) {
                rootId[r] = sets.size(r) < params.tDust() ? -1 : ++next;
            }
            finalIds[id] = Math.max(0, rootId[r]);
        }
        finalCount = next;
        tree = spanningTree(sorted, finalIds, finalCount);
        overhangs.clear();
        shells.clear();
    }

    /**
     * The maximum spanning tree (a forest where segments do not touch) of the region graph between final segments:
     * Kruskal over the edges in decreasing affinity, each edge joining two different final segments. What Omni
     * calls the dendrogram: proofreaders split and join along it with an affinity threshold.
     */
    static RegionGraph.Edges spanningTree(RegionGraph.Edges sorted, int[] finalIds, int count) {
        DisjointSets forest = new DisjointSets(count + 1);
        int[] a = new int[Math.max(0, count - 1)];
        int[] b = new int[a.length];
        float[] w = new float[a.length];
        int n = 0;
        for (int i = 0; i < sorted.size() && n < a.length; i++) {
            int fa = finalIds[sorted.a()[i]];
            int fb = finalIds[sorted.b()[i]];
            if (fa == 0 || fb == 0 || forest.find(fa) == forest.find(fb)) {
                continue;
            }
            forest.union(fa, fb);
            a[n] = Math.min(fa, fb);
            b[n] = Math.max(fa, fb);
            w[n++] = sorted.w()[i];
        }
        return new RegionGraph.Edges(java.util.Arrays.copyOf(a, n), java.util.Arrays.copyOf(b, n), java.util.Arrays.copyOf(w, n));
    }

    /** The final segments' maximum spanning tree (ids 1..count), edges in decreasing affinity; after {@link #resolve}. */
    public RegionGraph.Edges tree() {
        return tree;
    }

    public int count() {
        return finalCount;
    }

    public long offset(int chunkIndex) {
        return offsets.get(chunkIndex);
    }

    /** The final segmentation of a chunk's core, from its labels (padded box, local ids). */
    public Block relabelCore(int chunkIndex, Block labels) {
        Chunk c = chunks.get(chunkIndex);
        Block core = labels.crop(c.core());
        long offset = offsets.get(chunkIndex);
        long[] out = new long[core.length()];
        for (int i = 0; i < out.length; i++) {
            long v = core.getLong(i);
            out[i] = v == 0 ? 0 : finalIds[(int) (v + offset)];
        }
        return Block.of(out, c.core());
    }
}
