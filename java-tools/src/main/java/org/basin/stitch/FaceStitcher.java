package org.basin.stitch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.graph.DisjointSets;
import org.basin.graph.IntList;
import org.basin.graph.RegionGraph;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.watershed.Linkage;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;

/**
 * The merge step of the chunked watershed: makes the chunks' segments one segmentation equal to the whole-volume
 * watershed's (up to renaming).
 *
 * <p>Each chunk settled what it could see (see {@link Watershed}); this class settles the rest over the whole
 * volume: pieces of one basin in different chunks are united (an edge at or above T_high across a face, a voxel
 * whose steepest edge crosses a face, a plateau crossing a face divided between its exits breadth first exactly as
 * inside a chunk), the region graph across faces is added to the chunks' graphs, and the size-dependent single
 * linkage and dust removal the chunks left undecided run over the frozen segments with their global sizes. Only
 * the chunks' face planes, frozen segments, plateau voxels and region graphs are held, never a volume.
 */
public final class FaceStitcher {
    /** What a watershed chunk hands over, besides its core labels (see {@link Watershed.Result}). */
    public record ChunkSegments(Chunk chunk, int count, long[] sizes, boolean[] frozen, RegionGraph.Edges graph, int[] crossings,
            Watershed.PlateauVoxels deferred, float[][] lowerFaceAffinity) {
        public static ChunkSegments of(Chunk chunk, Watershed.Result r) {
            return new ChunkSegments(chunk, r.count(), r.sizes(), r.frozen(), r.regionGraph(), r.crossings(), r.deferred(), r.lowerFaceAffinity());
        }
    }

    private record Part(Chunk chunk, long offset, int count, int[][] planes, float[][] lowerFaceAffinity, int[] crossings, Watershed.PlateauVoxels deferred) {
    }

    private final int[] volume;
    private final int[] chunkShape;
    private final int[] grid;
    private final WatershedParams params;
    private final List<Part> parts = new ArrayList<>();
    private final int[] partAt; // by grid position (gridKey): index into parts, -1 before the chunk is added
    private final RegionGraph graph = new RegionGraph();
    private long[] sizes = new long[1024];
    private boolean[] frozen = new boolean[1024];
    private long total;
    private int[] finalIds;
    private int finalCount;
    private RegionGraph.Edges tree;
    private boolean keepRegionGraph;
    private RegionGraph.Edges finalGraph;

    /** @param volume the volume's shape; @param chunkShape the grid's core size (z, y, x) */
    public FaceStitcher(int[] volume, int[] chunkShape, WatershedParams params) {
        this.volume = volume.clone();
        this.chunkShape = chunkShape.clone();
        this.params = params;
        grid = new int[3];
        for (int a = 0; a < 3; a++) {
            grid[a] = Math.max(1, (volume[a] + chunkShape[a] - 1) / chunkShape[a]);
        }
        partAt = new int[grid[0] * grid[1] * grid[2]];
        java.util.Arrays.fill(partAt, -1);
    }

    private int gridKey(int[] p) {
        return (p[0] * grid[1] + p[1]) * grid[2] + p[2];
    }

    /** Adds one chunk: its core labels (local ids 1..count, 0 = background). Returns the offset that makes its ids global. */
    public long add(ChunkSegments s, int[] coreLabels) {
        return add(s, facePlanes(s.chunk(), volume, coreLabels));
    }

    /**
     * The core labels on each face of the core that is not the volume's edge: -z, -y, -x (first plane along the
     * axis), +z, +y, +x (last plane); null for the volume's own faces. Each plane in (z, y, x) order, its axis 1 long.
     */
    public static int[][] facePlanes(Chunk c, int[] volume, int[] coreLabels) {
        boolean[] inner = innerFaces(c, volume);
        int[][] planes = new int[6][];
        for (int d = 0; d < 6; d++) {
            if (inner[d]) {
                planes[d] = plane(coreLabels, c.core().shape(), d % 3, d < 3 ? 0 : c.core().size(d % 3) - 1);
            }
        }
        return planes;
    }

    /** Which faces of the chunk's core (-z, -y, -x, +z, +y, +x) are not the volume's edge. */
    public static boolean[] innerFaces(Chunk c, int[] volume) {
        boolean[] inner = new boolean[6];
        for (int d = 0; d < 6; d++) {
            int a = d % 3;
            inner[d] = d < 3 ? c.core().min(a) > 0 : c.core().max(a) < volume[a];
        }
        return inner;
    }

    /**
     * Asks {@link #resolve} to keep the region graph between the final segments, with each pair's affinity sum and
     * count over all its voxel edges (see {@link #regionGraph}); costs the merge step 8 bytes an edge more at its peak.
     */
    public void keepRegionGraph() {
        keepRegionGraph = true;
    }

    /**
     * After {@link #resolve} (and {@link #keepRegionGraph}): the region graph between the final segments (ids
     * 1..count), by decreasing maximum affinity, ties by key (global voxel-edge keys), each edge with the fixed-point
     * sum and the count of the affinities of all voxel edges between the two segments: the same numbers, bit for bit,
     * whatever the chunking (integer sums), and those of the whole-volume watershed's region graph.
     */
    public RegionGraph.Edges regionGraph() {
        if (finalGraph == null) {
            throw new IllegalStateException(keepRegionGraph ? "not resolved yet" : "keepRegionGraph() was not asked for");
        }
        return finalGraph;
    }

    /** Room for {@code edges} chunk region-graph edges in all, when the caller knows the total before adding chunks. */
    public void reserveEdges(long edges) {
        if (edges >= Integer.MAX_VALUE) {
            throw new IllegalStateException("more than 2^31 region-graph edges");
        }
        graph.reserveUnique((int) edges);
    }

    /** Adds one chunk by its face planes (see {@link #facePlanes}): all the merge needs of its labels. */
    public long add(ChunkSegments s, int[][] planes) {
        if (finalIds != null) {
            throw new IllegalStateException("already resolved");
        }
        Chunk c = s.chunk();
        for (int a = 0; a < 3; a++) {
            if (c.core().min(a) != c.position()[a] * chunkShape[a]) {
                throw new IllegalArgumentException(c.name() + ": core " + c.core() + " not on the grid of " + java.util.Arrays.toString(chunkShape));
            }
        }
        long offset = total;
        total += s.count();
        if (total >= Integer.MAX_VALUE) {
            throw new IllegalStateException("more than 2^31 segments");
        }
        if (sizes.length <= total) {
            sizes = java.util.Arrays.copyOf(sizes, (int) Math.max(total + 1, sizes.length * 2L));
            frozen = java.util.Arrays.copyOf(frozen, sizes.length);
        }
        for (int id = 1; id <= s.count(); id++) {
            sizes[(int) (offset + id)] = s.sizes()[id];
            frozen[(int) (offset + id)] = s.frozen()[id];
        }
        // a chunk's edges are distinct pairs of its own ids, which no other chunk and no face edge has; their keys
        // become global, so ties are taken in the order of the whole volume
        RegionGraph.Edges g = s.graph();
        if (g.size() > 0 && g.sum() == null) {
            throw new IllegalArgumentException(c.name() + ": region graph without affinity sums and counts");
        }
        int[] cs = c.core().shape();
        int[] lo = c.core().min();
        for (int i = 0; i < g.size(); i++) {
            long k = g.key()[i];
            int v = (int) (k / 3);
            long at = globalIndex(lo[0] + v / (cs[1] * cs[2]), lo[1] + v / cs[2] % cs[1], lo[2] + v % cs[2]);
            graph.addUnique((int) (g.a()[i] + offset), (int) (g.b()[i] + offset), g.w()[i], 3 * at + k % 3, g.sum()[i], g.count()[i]);
        }
        boolean[] inner = innerFaces(c, volume);
        for (int d = 0; d < 6; d++) {
            int[] ps = c.core().shape();
            ps[d % 3] = 1;
            if (inner[d] != (planes[d] != null) || (inner[d] && planes[d].length != ps[0] * ps[1] * ps[2])) {
                throw new IllegalArgumentException(c.name() + ": face plane " + d + (inner[d] ? " missing or of the wrong size" : " given on the volume's edge"));
            }
        }
        partAt[gridKey(c.position())] = parts.size();
        parts.add(new Part(c, offset, s.count(), planes, s.lowerFaceAffinity(), s.crossings(), s.deferred()));
        return offset;
    }

    private long globalIndex(int z, int y, int x) {
        return ((long) z * volume[1] + y) * volume[2] + x;
    }

    private static int[] plane(int[] labels, int[] cs, int axis, int at) {
        int[] lo = new int[3];
        int[] hi = cs.clone();
        lo[axis] = at;
        hi[axis] = at + 1;
        int[] out = new int[(hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2])];
        int i = 0;
        for (int z = lo[0]; z < hi[0]; z++) {
            for (int y = lo[1]; y < hi[1]; y++) {
                for (int x = lo[2]; x < hi[2]; x++) {
                    out[i++] = labels[(z * cs[1] + y) * cs[2] + x];
                }
            }
        }
        return out;
    }

    /** The global id of the segment at a voxel on an inner face plane of its chunk's core. */
    private int labelAt(int z, int y, int x) {
        int index = partAt[((z / chunkShape[0]) * grid[1] + y / chunkShape[1]) * grid[2] + x / chunkShape[2]];
        if (index < 0) {
            throw new IllegalArgumentException("no chunk at voxel (z,y,x) " + z + "," + y + "," + x);
        }
        Part part = parts.get(index);
        Box core = part.chunk().core();
        int lz = z - core.min(0);
        int ly = y - core.min(1);
        int lx = x - core.min(2);
        int sy = core.size(1);
        int sx = core.size(2);
        int[][] planes = part.planes();
        // the first inner face plane the voxel lies on; each plane is (z, y, x) with its own axis one long
        int v;
        if (planes[0] != null && lz == 0 || planes[3] != null && lz == core.size(0) - 1) {
            v = planes[lz == 0 && planes[0] != null ? 0 : 3][ly * sx + lx];
        } else if (planes[1] != null && ly == 0 || planes[4] != null && ly == sy - 1) {
            v = planes[ly == 0 && planes[1] != null ? 1 : 4][lz * sx + lx];
        } else if (planes[2] != null && lx == 0 || planes[5] != null && lx == sx - 1) {
            v = planes[lx == 0 && planes[2] != null ? 2 : 5][lz * sy + ly];
        } else {
            throw new IllegalArgumentException("voxel (z,y,x) " + z + "," + y + "," + x + " is not on an inner face of " + part.chunk().name());
        }
        return v == 0 ? 0 : (int) (part.offset() + v);
    }

    private static final int[][] STEP = {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

    /**
     * Unites basin pieces across faces, decides what the chunks left undecided over the global region graph with
     * the global sizes, drops dust, and numbers the final segments 1..count in order of their smallest global id.
     */
    public void resolve() {
        DisjointSets sets = new DisjointSets(java.util.Arrays.copyOf(sizes, (int) total + 1));
        acrossFaces(sets);
        crossings(sets);
        plateaus(sets);
        // the order is all the linkage and the tree need; the final region graph needs the keys too
        RegionGraph.Edges sorted = graph.sorted(keepRegionGraph);
        // only frozen segments are undecided: the others are final in their chunk and their remaining edges are
        // below anything that could still join them
        Linkage.run(sets, sorted, params, null, frozen);
        finalIds = new int[(int) total + 1];
        int[] rootId = new int[(int) total + 1];
        int next = 0;
        for (int id = 1; id <= total; id++) {
            int r = sets.find(id);
            if (rootId[r] == 0) {
                rootId[r] = frozen[id] && sets.size(r) < params.tDust() ? -1 : ++next;
            }
            finalIds[id] = Math.max(0, rootId[r]);
        }
        finalCount = next;
        tree = spanningTree(sorted, finalIds, finalCount);
        if (keepRegionGraph) {
            boolean[] shared = new boolean[finalCount + 1];
            boolean[] taken = new boolean[finalCount + 1];
            for (int id = 1; id <= total; id++) {
                int f = finalIds[id];
                if (f > 0) {
                    shared[f] |= taken[f];
                    taken[f] = true;
                }
            }
            finalGraph = RegionGraph.renamed(sorted, finalIds, shared);
        }
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            parts.set(i, new Part(p.chunk(), p.offset(), p.count(), null, null, null, null));
        }
    }

    /** Each lower face against the upper face of the chunk below it: region-graph edges, and T_high edges join. */
    private void acrossFaces(DisjointSets sets) {
        for (Part upper : parts) {
            for (int a = 0; a < 3; a++) {
                float[] w = upper.lowerFaceAffinity() == null ? null : upper.lowerFaceAffinity()[a];
                if (w == null) {
                    continue;
                }
                int[] pos = upper.chunk().position();
                pos[a]--;
                int li = partAt[gridKey(pos)];
                if (li < 0) {
                    throw new IllegalArgumentException("no chunk below " + upper.chunk().name() + " on axis " + a);
                }
                Part lower = parts.get(li);
                int[] pu = upper.planes()[a];
                int[] pl = lower.planes()[a + 3];
                int[] lo = upper.chunk().core().min();
                int[] ps = upper.chunk().core().shape();
                ps[a] = 1;
                for (int i = 0; i < w.length; i++) {
                    if (pu[i] != 0 && pl[i] != 0) {
                        int gu = (int) (upper.offset() + pu[i]);
                        int gl = (int) (lower.offset() + pl[i]);
                        // the voxel edge: channel a at the upper chunk's voxel on its first plane
                        long at = globalIndex(lo[0] + i / (ps[1] * ps[2]), lo[1] + i / ps[2] % ps[1], lo[2] + i % ps[2]);
                        graph.add(gu, gl, w[i], 3 * at + a);
                        if (w[i] >= params.tHigh()) {
                            sets.union(gu, gl);
                        }
                    }
                }
            }
        }
    }

    /** A voxel whose single steepest edge leaves its chunk belongs to the basin of the voxel it points to. */
    private void crossings(DisjointSets sets) {
        for (Part p : parts) {
            int[] c = p.crossings();
            int[] cs = p.chunk().core().shape();
            int[] lo = p.chunk().core().min();
            for (int i = 0; i < c.length; i += 2) {
                int v = c[i];
                int[] at = {lo[0] + v / (cs[1] * cs[2]), lo[1] + v / cs[2] % cs[1], lo[2] + v % cs[2]};
                int[] s = STEP[c[i + 1]];
                sets.union(labelAt(at[0], at[1], at[2]), labelAt(at[0] + s[0], at[1] + s[1], at[2] + s[2]));
            }
        }
    }

    /** Plateaus crossing faces: divided between their exits as a chunk divides its own, or one basin without exits. */
    private void plateaus(DisjointSets sets) {
        int m = 0;
        for (Part p : parts) {
            m += p.deferred().size();
        }
        if (m == 0) {
            return;
        }
        long[] where = new long[m];
        int[] edges = new int[m];
        int[] label = new int[m];
        int[] exitLabel = new int[m];
        Map<Long, Integer> index = new HashMap<>(m * 2);
        int k = 0;
        for (Part p : parts) {
            Watershed.PlateauVoxels d = p.deferred();
            int[] cs = p.chunk().core().shape();
            int[] lo = p.chunk().core().min();
            for (int i = 0; i < d.size(); i++, k++) {
                int v = d.index()[i];
                int z = lo[0] + v / (cs[1] * cs[2]);
                int y = lo[1] + v / cs[2] % cs[1];
                int x = lo[2] + v % cs[2];
                where[k] = ((long) z * volume[1] + y) * volume[2] + x;
                edges[k] = d.plateauEdges()[i];
                label[k] = (int) (p.offset() + d.label()[i]);
                int e = d.exit()[i];
                if (e < 0) {
                    exitLabel[k] = -1;
                } else if (d.exitLabel()[i] != 0) {
                    exitLabel[k] = (int) (p.offset() + d.exitLabel()[i]);
                } else {
                    exitLabel[k] = labelAt(z + STEP[e][0], y + STEP[e][1], x + STEP[e][2]);
                }
                index.put(where[k], k);
            }
        }
        long[] stride = {(long) volume[1] * volume[2], volume[2], 1};
        int[] dist = new int[m];
        java.util.Arrays.fill(dist, -1);
        boolean[] seen = new boolean[m];
        IntList comp = new IntList();
        int[] queue = new int[m];
        for (int start = 0; start < m; start++) {
            if (seen[start]) {
                continue;
            }
            comp.clear();
            comp.add(start);
            seen[start] = true;
            int tail = 0;
            for (int h = 0; h < comp.size(); h++) {
                int v = comp.get(h);
                if (exitLabel[v] >= 0) {
                    dist[v] = 0;
                    queue[tail++] = v;
                }
                for (int d = 0; d < 6; d++) {
                    if ((edges[v] & (1 << d)) != 0) {
                        int u = neighbour(index, where[v], d, stride);
                        if (!seen[u]) {
                            seen[u] = true;
                            comp.add(u);
                        }
                    }
                }
            }
            if (tail == 0) {
                for (int h = 1; h < comp.size(); h++) {
                    sets.union(label[comp.get(0)], label[comp.get(h)]);
                }
                continue;
            }
            for (int head = 0; head < tail; head++) {
                int v = queue[head];
                for (int d = 0; d < 6; d++) {
                    if ((edges[v] & (1 << d)) != 0) {
                        int u = neighbour(index, where[v], d, stride);
                        if (dist[u] < 0) {
                            dist[u] = dist[v] + 1;
                            queue[tail++] = u;
                        }
                    }
                }
            }
            for (int h = 0; h < comp.size(); h++) {
                int v = comp.get(h);
                if (dist[v] == 0) {
                    sets.union(label[v], exitLabel[v]);
                    continue;
                }
                for (int d = 0; d < 6; d++) {
                    if ((edges[v] & (1 << d)) != 0) {
                        int u = neighbour(index, where[v], d, stride);
                        if (dist[u] == dist[v] - 1) {
                            sets.union(label[v], label[u]);
                            break;
                        }
                    }
                }
            }
        }
    }

    private static int neighbour(Map<Long, Integer> index, long where, int d, long[] stride) {
        long u = d < 3 ? where - stride[d] : where + stride[d - 3];
        Integer i = index.get(u);
        if (i == null) {
            throw new IllegalArgumentException("plateau voxel " + u + " missing: the chunks disagree about a plateau crossing a face");
        }
        return i;
    }

    /**
     * The maximum spanning tree (a forest where segments do not touch) of the region graph between final segments:
     * Kruskal over the edges in decreasing affinity, each edge joining two different final segments. What Omni
     * calls the dendrogram: proofreaders split and join along it with an affinity threshold. Without keys.
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
        return new RegionGraph.Edges(java.util.Arrays.copyOf(a, n), java.util.Arrays.copyOf(b, n), java.util.Arrays.copyOf(w, n), null);
    }

    /** The final segments' maximum spanning tree (ids 1..count), edges in decreasing affinity; after {@link #resolve}. */
    public RegionGraph.Edges tree() {
        return tree;
    }

    public int count() {
        return finalCount;
    }

    /**
     * Chunk {@code index}'s table from its local ids to final ids: entry {@code v} is the final id of local id
     * {@code v} (0 for background and dust). The parallel relabel step writes the segmentation from these.
     */
    public long[] idTable(int index) {
        Part p = parts.get(index);
        long[] out = new long[p.count() + 1];
        for (int v = 1; v <= p.count(); v++) {
            out[v] = finalIds[(int) (v + p.offset())];
        }
        return out;
    }

    /** The final segmentation (uint64) of chunk {@code index}'s core, from its core labels. */
    public Block relabelCore(int index, int[] coreLabels) {
        return relabelCore(index, coreLabels, null);
    }

    /** As {@link #relabelCore(int, int[])}, into {@code reuse} when it has the core's length (else a new array). */
    public Block relabelCore(int index, int[] coreLabels, long[] reuse) {
        Part p = parts.get(index);
        long[] out = reuse != null && reuse.length == coreLabels.length ? reuse : new long[coreLabels.length];
        for (int i = 0; i < out.length; i++) {
            int v = coreLabels[i];
            out[i] = v == 0 ? 0 : finalIds[(int) (v + p.offset())];
        }
        return Block.of(out, p.chunk().core());
    }
}
