package org.basin.stitch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.basin.graph.DisjointSets;
import org.basin.graph.IntList;
import org.basin.graph.RegionGraph;
import org.basin.volume.Box;
import org.basin.watershed.Linkage;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;

/**
 * One task of the hierarchical merge: a block of the chunk grid settles, from its children's {@link MergeState}s,
 * everything whose answer no longer depends on anything outside the block, and hands up the rest. Applied at every
 * level of a tree of blocks (see {@link HierarchicalMerge}), the top task (whose block is the volume) finishes, and the
 * result is the single-task merge's ({@link FaceStitcher}), hence the whole-volume watershed's.
 *
 * <p>What a block settles, in the order {@link FaceStitcher#resolve} does it:
 * <ul>
 *   <li><b>Basins across its inner faces</b> (faces between two of its children): voxel edges at or above T_high join,
 *       steepest edges (crossings) whose target lies in the block join the target's segment, and each plateau that
 *       crosses a face is divided between its exits breadth first once all of it lies in the block (a plateau that still
 *       reaches beyond is handed up whole; an exit whose target lies beyond becomes a crossing).</li>
 *   <li><b>Size-dependent single linkage</b> over the region graph between the children's open segments (their own
 *       edges and those across the inner faces), with {@link Linkage} exactly as a watershed chunk runs it: a segment on
 *       one of the block's outer faces (one that is not the volume's edge), or holding a crossing or plateau voxel still
 *       handed up, is <em>frozen</em> (its size and neighbours are not all known). An edge between a frozen segment
 *       and one never frozen below the size limit joins them whatever the frozen one's global size (the join is
 *       certain): the frozen one grows there, and what goes up is that growth at its place in the edge order, not the
 *       joined segment, so the parent sees the frozen segment's size right at each of its earlier edges. Any other
 *       decision that involves a frozen segment freezes both sides as they are. A segment never frozen has all its
 *       edges in the block and ends as in the whole volume: it is final (dust below T_dust). Freezing thus reaches past
 *       the segments on the faces only through segments at or above the limit, and stops there.</li>
 *   <li><b>The maximum spanning forest</b> of the region graph between final segments (Kruskal in the canonical order:
 *       decreasing affinity, then increasing key, a strict order, so the forest is unique). The block takes its
 *       children's candidate edges and the edges across its inner faces; an edge that is not in the forest of these
 *       is not in the global one (it is the weakest of a cycle), unless the cycle runs through a segment that may still
 *       become dust (open and below T_dust): such edges are kept. Of the forest, an edge on no path between two
 *       <em>terminals</em> (open segments, and ends of kept edges) is decided, since every cycle through it must leave
 *       the block through terminals; a path through segments that are not terminals and have two forest edges is
 *       handed up as its weakest edge (every cycle through the others runs through it), the others decided. What goes up
 *       is at most about twice the terminals.</li>
 *   <li><b>The final region graph</b> (when kept): edges between two final segments are out; edges with an open end
 *       go up, their sums and counts added where two ends become one.</li>
 * </ul>
 *
 * <p>What a block hands up, all of it bounded by its outer faces rather than its volume (the open segments are those
 * that touch its faces or froze because of them): its open segments with their sizes and growth, the labels and the
 * lower-face affinities on its outer faces, crossings and plateau voxels that reach beyond it, the region-graph edges
 * with an open end, and the forest's candidate and decided edges with an open end. Final segments are numbered
 * 1..finalCount per task, in order of their smallest id; the final id of one is the task's offset (the counts of the
 * tasks before it) plus that number. {@link Output#resolution} says, per id the task was given, where it went.
 */
public final class MergeTask {
    private static final int[][] STEP = {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

    private MergeTask() {
    }

    /** A reference to final segment {@code index} (1..) of task {@code task}: negative. */
    public static long finalRef(int task, int index) {
        return ~(((long) task << 32) | index);
    }

    public static int refTask(long ref) {
        return (int) (~ref >>> 32);
    }

    public static int refIndex(long ref) {
        return (int) ~ref;
    }

    /**
     * What a task produces. {@code resolution}: per id it was given (a chunk's local ids, or its children's open ids one
     * child after another, index 0 unused) the open id it went up as (positive), minus its final number here
     * (negative), or 0 (dust). {@code tree} and {@code graph}: the forest edges and final region-graph edges whose two
     * ends are now final (references; graph empty unless kept). {@code state}: what goes up (no open segment at the top).
     */
    public record Output(MergeState state, int[] resolution, int finalCount, Links tree, Links graph) {
    }

    /** The first task over one watershed chunk: its final segments out, its frozen ones (and what they need) up. */
    public static Output chunk(int task, FaceStitcher.ChunkSegments s, int[][] planes, int[] volume, WatershedParams p, boolean keepGraph) {
        Box core = s.chunk().core();
        int n = s.count();
        Work w = new Work(task, core, volume, p, n, s.sizes().clone());
        boolean[] inner = FaceStitcher.innerFaces(s.chunk(), volume);
        for (int d = 0; d < 6; d++) {
            int[] ps = core.shape();
            ps[d % 3] = 1;
            if (inner[d] != (planes[d] != null) || (inner[d] && planes[d].length != ps[0] * ps[1] * ps[2])) {
                throw new IllegalArgumentException(s.chunk().name() + ": face plane " + d + (inner[d] ? " missing or of the wrong size" : " given on the volume's edge"));
            }
        }
        int[] cs = core.shape();
        int[] lo = core.min();
        RegionGraph.Edges g = s.graph();
        if (g.size() > 0 && g.sum() == null) {
            throw new IllegalArgumentException(s.chunk().name() + ": region graph without affinity sums and counts");
        }
        RegionGraph linkage = new RegionGraph(16);
        linkage.reserveUnique(g.size());
        for (int i = 0; i < g.size(); i++) {
            long k = g.key()[i];
            int v = (int) (k / 3);
            long at = w.globalIndex(lo[0] + v / (cs[1] * cs[2]), lo[1] + v / cs[2] % cs[1], lo[2] + v % cs[2]);
            long key = 3 * at + k % 3;
            w.graph.add(g.a()[i], g.b()[i], g.w()[i], key, g.sum()[i], g.count()[i], 0, 0);
            w.candidates.add(g.a()[i], g.b()[i], g.w()[i], key, 0, 0, g.a()[i], g.b()[i]);
            linkage.addUnique(g.a()[i], g.b()[i], g.w()[i], key, g.sum()[i], g.count()[i]);
        }
        int[] c = s.crossings();
        for (int i = 0; i < c.length; i += 2) {
            int v = c[i];
            int z = lo[0] + v / (cs[1] * cs[2]);
            int y = lo[1] + v / cs[2] % cs[1];
            int x = lo[2] + v % cs[2];
            w.carryCrossing(w.globalIndex(z, y, x), c[i + 1], labelAt(core, planes, z, y, x, s.chunk().name()));
        }
        Watershed.PlateauVoxels d = s.deferred();
        for (int i = 0; i < d.size(); i++) {
            int v = d.index()[i];
            long at = w.globalIndex(lo[0] + v / (cs[1] * cs[2]), lo[1] + v / cs[2] % cs[1], lo[2] + v % cs[2]);
            w.carryPlateau(at, d.plateauEdges()[i], d.exit()[i], d.label()[i], d.exitLabel()[i]);
        }
        // The chunk froze everything its linkage met through a frozen segment; here only what touches an inner face or
        // waits on a crossing or plateau starts frozen, and the chunk's linkage runs again over its segments (each the
        // set it was when it froze: its earlier edges were all decided inside it) with the certain joins taken.
        for (int f = 0; f < 6; f++) {
            if (planes[f] != null) {
                for (int v : planes[f]) {
                    if (v != 0) {
                        w.frozenRoot[v] = true;
                    }
                }
            }
        }
        w.markCarried();
        Linkage.run(w.sets, linkage.sorted(true), p, w.frozenRoot, Linkage.Growth.NONE, w.log);
        Output out = w.settle(keepGraph);
        // the chunk's own faces and lower affinities, renamed: every label on an inner face is frozen, hence open
        int[][] up = new int[6][];
        for (int f = 0; f < 6; f++) {
            if (planes[f] != null) {
                up[f] = new int[planes[f].length];
                for (int i = 0; i < up[f].length; i++) {
                    up[f][i] = planes[f][i] == 0 ? 0 : w.openOf(planes[f][i]);
                }
            }
        }
        return w.withFaces(out, up, s.lowerFaceAffinity() == null ? new float[3][] : s.lowerFaceAffinity().clone());
    }

    /** A task over a block of children (each a block of the level below, or a chunk's first task). */
    public static Output block(int task, List<MergeState> children, int[] volume, WatershedParams p, boolean keepGraph) {
        List<MergeState> kids = new ArrayList<>(children);
        kids.sort((x, y) -> Arrays.compare(x.box().min(), y.box().min()));
        int[] lo = kids.get(0).box().min();
        int[] hi = kids.get(0).box().max();
        for (MergeState k : kids) {
            for (int a = 0; a < 3; a++) {
                lo[a] = Math.min(lo[a], k.box().min(a));
                hi[a] = Math.max(hi[a], k.box().max(a));
            }
        }
        Box box = new Box(lo, hi);
        long voxels = 0;
        for (MergeState k : kids) {
            voxels += k.box().voxels();
        }
        if (voxels != box.voxels()) {
            throw new IllegalArgumentException("the children of task " + task + " do not tile its block " + box);
        }
        int[] off = new int[kids.size()];
        int n = 0;
        for (int i = 0; i < kids.size(); i++) {
            off[i] = n;
            n += kids.get(i).openCount();
        }
        long[] sizes = new long[n + 1];
        for (int i = 0; i < kids.size(); i++) {
            System.arraycopy(kids.get(i).sizes(), 1, sizes, off[i] + 1, kids.get(i).openCount());
        }
        Work w = new Work(task, box, volume, p, n, sizes);
        Linkage.Growth pending = childGrowth(kids, off);
        w.kids = kids;
        w.kidOffset = off;
        DisjointSets sets = w.sets;
        // edges across the faces between children: the region graph, and T_high joins
        RegionGraph faces = new RegionGraph();
        for (int i = 0; i < kids.size(); i++) {
            for (int j = 0; j < kids.size(); j++) {
                for (int a = 0; a < 3; a++) {
                    if (above(kids.get(i).box(), kids.get(j).box(), a)) {
                        acrossFace(w, faces, i, j, a);
                    }
                }
            }
        }
        // crossings: joined where the target is in the block, else handed up
        for (int i = 0; i < kids.size(); i++) {
            MergeState.Crossings c = kids.get(i).crossings();
            for (int k = 0; k < c.size(); k++) {
                int[] t = w.coords(c.voxel()[k]);
                int[] s = STEP[c.dir()[k]];
                int ns = off[i] + c.label()[k];
                if (box.contains(t[0] + s[0], t[1] + s[1], t[2] + s[2])) {
                    sets.union(ns, w.labelAt(t[0] + s[0], t[1] + s[1], t[2] + s[2]));
                } else {
                    w.carryCrossing(c.voxel()[k], c.dir()[k], ns);
                }
            }
        }
        plateaus(w);
        // frozen: on the block's outer faces (not the volume's edge), or waiting on something handed up
        boolean[] mark = new boolean[n + 1];
        for (int d = 0; d < 6; d++) {
            if (!w.inner(d)) {
                continue;
            }
            for (int i = 0; i < kids.size(); i++) {
                MergeState k = kids.get(i);
                if (onFace(k.box(), box, d)) {
                    for (int v : k.planes()[d]) {
                        if (v != 0) {
                            mark[off[i] + v] = true;
                        }
                    }
                }
            }
        }
        mark[0] = false;
        for (int id = 1; id <= n; id++) {
            if (mark[id]) {
                w.frozenRoot[sets.find(id)] = true;
            }
        }
        w.markCarried();
        // the linkage over the open segments' edges: the children's and those across the inner faces
        RegionGraph.Edges across = faces.sorted(true);
        int total = across.size();
        for (MergeState k : kids) {
            total += k.graph().size();
        }
        RegionGraph linkage = new RegionGraph(16);
        linkage.reserveUnique(total);
        for (int i = 0; i < kids.size(); i++) {
            Links g = kids.get(i).graph();
            for (int e = 0; e < g.size(); e++) {
                long a = g.a()[e];
                long b = g.b()[e];
                if (a > 0 && b > 0) {
                    linkage.addUnique((int) (off[i] + a), (int) (off[i] + b), g.w()[e], g.key()[e], g.sum()[e], g.count()[e]);
                } else {
                    w.graph.add(a > 0 ? off[i] + a : a, b > 0 ? off[i] + b : b, g.w()[e], g.key()[e], g.sum()[e], g.count()[e], 0, 0);
                }
            }
        }
        for (int e = 0; e < across.size(); e++) {
            linkage.addUnique(across.a()[e], across.b()[e], across.w()[e], across.key()[e], across.sum()[e], across.count()[e]);
            w.candidates.add(across.a()[e], across.b()[e], across.w()[e], across.key()[e], 0, 0, across.a()[e], across.b()[e]);
        }
        RegionGraph.Edges sorted = linkage.sorted(true);
        Linkage.run(sets, sorted, p, w.frozenRoot, pending, w.log);
        for (int e = 0; e < sorted.size(); e++) {
            w.graph.add(sorted.a()[e], sorted.b()[e], sorted.w()[e], sorted.key()[e], sorted.sum()[e], sorted.count()[e], 0, 0);
        }
        for (int i = 0; i < kids.size(); i++) {
            Links c = kids.get(i).candidates();
            for (int e = 0; e < c.size(); e++) {
                w.candidates.add(shift(c.a()[e], off[i]), shift(c.b()[e], off[i]), c.w()[e], c.key()[e], 0, 0, shift(c.va()[e], off[i]),
                        shift(c.vb()[e], off[i]));
            }
            Links t = kids.get(i).decided();
            for (int e = 0; e < t.size(); e++) {
                w.decided.add(shift(t.a()[e], off[i]), shift(t.b()[e], off[i]), t.w()[e], t.key()[e], 0, 0, 0, 0);
            }
        }
        Output out = w.settle(keepGraph);
        // the block's outer faces and lower-face affinities, assembled from its children's
        int[][] planes = new int[6][];
        float[][] lower = new float[3][];
        for (int d = 0; d < 6; d++) {
            if (!w.inner(d)) {
                continue;
            }
            int a = d % 3;
            int[] ps = box.shape();
            ps[a] = 1;
            planes[d] = new int[ps[0] * ps[1] * ps[2]];
            if (d < 3) {
                lower[a] = new float[planes[d].length];
            }
            for (int i = 0; i < kids.size(); i++) {
                MergeState k = kids.get(i);
                if (!onFace(k.box(), box, d)) {
                    continue;
                }
                int[] ks = k.box().shape();
                ks[a] = 1;
                int[] kp = k.planes()[d];
                int q = 0;
                for (int z = 0; z < ks[0]; z++) {
                    for (int y = 0; y < ks[1]; y++) {
                        for (int x = 0; x < ks[2]; x++, q++) {
                            int[] at = {k.box().min(0) + z - box.min(0), k.box().min(1) + y - box.min(1), k.box().min(2) + x - box.min(2)};
                            at[a] = 0;
                            int to = (at[0] * ps[1] + at[1]) * ps[2] + at[2];
                            planes[d][to] = kp[q] == 0 ? 0 : w.openOf(off[i] + kp[q]);
                            if (d < 3) {
                                lower[a][to] = k.lowerAffinity()[a][q];
                            }
                        }
                    }
                }
            }
        }
        return w.withFaces(out, planes, lower);
    }

    /** The children's growth, ids in this task's numbering, in the edge order. */
    private static Linkage.Growth childGrowth(List<MergeState> kids, int[] off) {
        int m = 0;
        for (MergeState k : kids) {
            m += k.growth().size();
        }
        float[] w = new float[m];
        long[] key = new long[m];
        int[] id = new int[m];
        long[] voxels = new long[m];
        int q = 0;
        for (int i = 0; i < kids.size(); i++) {
            Linkage.Growth g = kids.get(i).growth();
            for (int e = 0; e < g.size(); e++, q++) {
                w[q] = g.w()[e];
                key[q] = g.key()[e];
                id[q] = off[i] + g.id()[e];
                voxels[q] = g.voxels()[e];
            }
        }
        return Work.ordered(w, key, id, voxels, Links.order(w, key, m));
    }

    private static long shift(long ref, int offset) {
        return ref > 0 ? ref + offset : ref;
    }

    /** True when box {@code hi} lies directly above box {@code lo} along axis a, with the same extent on the others. */
    private static boolean above(Box lo, Box hi, int a) {
        if (lo.max(a) != hi.min(a)) {
            return false;
        }
        for (int b = 0; b < 3; b++) {
            if (b != a && (lo.min(b) != hi.min(b) || lo.max(b) != hi.max(b))) {
                return false;
            }
        }
        return true;
    }

    /** True when a child's face d lies on its block's face d. */
    private static boolean onFace(Box child, Box block, int d) {
        int a = d % 3;
        return d < 3 ? child.min(a) == block.min(a) : child.max(a) == block.max(a);
    }

    /** The face between child i (below) and child j (above) along axis a, as FaceStitcher's acrossFaces. */
    private static void acrossFace(Work w, RegionGraph faces, int i, int j, int a) {
        MergeState lower = w.kids.get(i);
        MergeState upper = w.kids.get(j);
        float[] aff = upper.lowerAffinity()[a];
        int[] pu = upper.planes()[a];
        int[] pl = lower.planes()[a + 3];
        int[] lo = upper.box().min();
        int[] ps = upper.box().shape();
        ps[a] = 1;
        for (int k = 0; k < aff.length; k++) {
            if (pu[k] != 0 && pl[k] != 0) {
                int gu = w.kidOffset[j] + pu[k];
                int gl = w.kidOffset[i] + pl[k];
                long at = w.globalIndex(lo[0] + k / (ps[1] * ps[2]), lo[1] + k / ps[2] % ps[1], lo[2] + k % ps[2]);
                faces.add(gu, gl, aff[k], 3 * at + a);
                if (aff[k] >= w.params.tHigh()) {
                    w.sets.union(gu, gl);
                }
            }
        }
    }

    /**
     * The children's plateau voxels: a plateau that lies wholly in the block is divided between its exits as
     * FaceStitcher divides it (an exit whose target lies beyond the block becomes a crossing); one that reaches beyond
     * is handed up whole.
     */
    private static void plateaus(Work w) {
        int m = 0;
        for (MergeState k : w.kids) {
            m += k.plateaus().size();
        }
        if (m == 0) {
            return;
        }
        long[] where = new long[m];
        int[] edges = new int[m];
        int[] exit = new int[m];
        int[] label = new int[m];
        int[] exitLabel = new int[m];
        Links.PairIndex index = new Links.PairIndex(m);
        int q = 0;
        for (int i = 0; i < w.kids.size(); i++) {
            MergeState.Plateaus pv = w.kids.get(i).plateaus();
            for (int k = 0; k < pv.size(); k++, q++) {
                where[q] = pv.voxel()[k];
                edges[q] = pv.edges()[k];
                exit[q] = pv.exit()[k];
                label[q] = w.kidOffset[i] + pv.label()[k];
                exitLabel[q] = pv.exitLabel()[k] == 0 ? 0 : w.kidOffset[i] + pv.exitLabel()[k];
                index.put(where[q], 0, q);
            }
        }
        // exit targets inside the block are looked up now (they lie on a child's face)
        for (int v = 0; v < m; v++) {
            if (exit[v] >= 0 && exitLabel[v] == 0) {
                int[] t = w.coords(where[v]);
                int[] s = STEP[exit[v]];
                if (w.box.contains(t[0] + s[0], t[1] + s[1], t[2] + s[2])) {
                    exitLabel[v] = w.labelAt(t[0] + s[0], t[1] + s[1], t[2] + s[2]);
                }
            }
        }
        int[] dist = new int[m];
        Arrays.fill(dist, -1);
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
            boolean closed = true;
            for (int h = 0; h < comp.size(); h++) {
                int v = comp.get(h);
                for (int d = 0; d < 6; d++) {
                    if ((edges[v] & (1 << d)) != 0) {
                        int u = w.neighbour(index, where[v], d);
                        if (u == -2) {
                            closed = false;
                        } else if (!seen[u]) {
                            seen[u] = true;
                            comp.add(u);
                        }
                    }
                }
            }
            if (!closed) {
                for (int h = 0; h < comp.size(); h++) {
                    int v = comp.get(h);
                    w.carryPlateau(where[v], edges[v], exit[v], label[v], exitLabel[v]);
                }
                continue;
            }
            int tail = 0;
            for (int h = 0; h < comp.size(); h++) {
                int v = comp.get(h);
                if (exit[v] >= 0) {
                    dist[v] = 0;
                    queue[tail++] = v;
                }
            }
            if (tail == 0) {
                for (int h = 1; h < comp.size(); h++) {
                    w.sets.union(label[comp.get(0)], label[comp.get(h)]);
                }
                continue;
            }
            for (int head = 0; head < tail; head++) {
                int v = queue[head];
                for (int d = 0; d < 6; d++) {
                    if ((edges[v] & (1 << d)) != 0) {
                        int u = w.neighbour(index, where[v], d);
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
                    if (exitLabel[v] != 0) {
                        w.sets.union(label[v], exitLabel[v]);
                    } else {
                        w.carryCrossing(where[v], exit[v], label[v]); // its exit's target lies beyond the block
                    }
                    continue;
                }
                for (int d = 0; d < 6; d++) {
                    if ((edges[v] & (1 << d)) != 0) {
                        int u = w.neighbour(index, where[v], d);
                        if (dist[u] == dist[v] - 1) {
                            w.sets.union(label[v], label[u]);
                            break;
                        }
                    }
                }
            }
        }
    }

    /** The label on a face plane of a box (FaceStitcher's lookup): the voxel must lie on one that is given. */
    static int labelAt(Box core, int[][] planes, int z, int y, int x, String what) {
        int lz = z - core.min(0);
        int ly = y - core.min(1);
        int lx = x - core.min(2);
        int sy = core.size(1);
        int sx = core.size(2);
        if (planes[0] != null && lz == 0 || planes[3] != null && lz == core.size(0) - 1) {
            return planes[lz == 0 && planes[0] != null ? 0 : 3][ly * sx + lx];
        } else if (planes[1] != null && ly == 0 || planes[4] != null && ly == sy - 1) {
            return planes[ly == 0 && planes[1] != null ? 1 : 4][lz * sx + lx];
        } else if (planes[2] != null && lx == 0 || planes[5] != null && lx == sx - 1) {
            return planes[lx == 0 && planes[2] != null ? 2 : 5][lz * sy + ly];
        }
        throw new IllegalArgumentException("voxel (z,y,x) " + z + "," + y + "," + x + " is not on an inner face of " + what);
    }

    /** One task's working state: the ids it was given, their sets, and what it collects to hand up or out. */
    private static final class Work {
        final int task;
        final Box box;
        final int[] volume;
        final WatershedParams params;
        final int n;
        final long[] sizes;
        final DisjointSets sets;
        final boolean[] frozenRoot;
        final GrowthLog log = new GrowthLog();
        final Links.Builder graph = new Links.Builder();
        final Links.Builder candidates = new Links.Builder();
        final Links.Builder decided = new Links.Builder();
        final LongList crossVoxel = new LongList();
        final IntList crossDir = new IntList();
        final IntList crossLabel = new IntList();
        final LongList plateauVoxel = new LongList();
        final IntList plateauEdges = new IntList();
        final IntList plateauExit = new IntList();
        final IntList plateauLabel = new IntList();
        final IntList plateauExitLabel = new IntList();
        List<MergeState> kids = List.of();
        int[] kidOffset = new int[0];
        int[] resolution;

        Work(int task, Box box, int[] volume, WatershedParams params, int n, long[] sizes) {
            this.task = task;
            this.box = box;
            this.volume = volume;
            this.params = params;
            this.n = n;
            this.sizes = sizes;
            sets = new DisjointSets(sizes);
            frozenRoot = new boolean[n + 1];
        }

        long globalIndex(int z, int y, int x) {
            return ((long) z * volume[1] + y) * volume[2] + x;
        }

        int[] coords(long v) {
            long sz = (long) volume[1] * volume[2];
            return new int[] {(int) (v / sz), (int) (v / volume[2] % volume[1]), (int) (v % volume[2])};
        }

        /** Whether face d of the block is not the volume's edge. */
        boolean inner(int d) {
            int a = d % 3;
            return d < 3 ? box.min(a) > 0 : box.max(a) < volume[a];
        }

        /** The id (this task's numbering) of the segment at a voxel of the block that lies on a child's face. */
        int labelAt(int z, int y, int x) {
            for (int i = 0; i < kids.size(); i++) {
                MergeState k = kids.get(i);
                if (k.box().contains(z, y, x)) {
                    int v = MergeTask.labelAt(k.box(), k.planes(), z, y, x, "task " + k.task());
                    return v == 0 ? 0 : kidOffset[i] + v;
                }
            }
            throw new IllegalArgumentException("no child of task " + task + " holds voxel (z,y,x) " + z + "," + y + "," + x);
        }

        /** The plateau voxel next to {@code where} in direction d: its index, or -2 when it lies outside the block. */
        int neighbour(Links.PairIndex index, long where, int d) {
            int[] t = coords(where);
            int[] s = STEP[d];
            if (!box.contains(t[0] + s[0], t[1] + s[1], t[2] + s[2])) {
                return -2;
            }
            long u = globalIndex(t[0] + s[0], t[1] + s[1], t[2] + s[2]);
            int i = index.get(u, 0);
            if (i < 0) {
                throw new IllegalArgumentException("plateau voxel " + u + " missing: the chunks disagree about a plateau crossing a face");
            }
            return i;
        }

        /** Segments waiting on a crossing or plateau voxel handed up are frozen (their sets' roots). */
        void markCarried() {
            for (int i = 0; i < crossLabel.size(); i++) {
                frozenRoot[sets.find(crossLabel.get(i))] = true;
            }
            for (int i = 0; i < plateauLabel.size(); i++) {
                frozenRoot[sets.find(plateauLabel.get(i))] = true;
                if (plateauExitLabel.get(i) != 0) {
                    frozenRoot[sets.find(plateauExitLabel.get(i))] = true;
                }
            }
        }

        static Linkage.Growth ordered(float[] w, long[] key, int[] id, long[] voxels, int[] order) {
            int m = order.length;
            Linkage.Growth out = new Linkage.Growth(new float[m], new long[m], new int[m], new long[m]);
            for (int j = 0; j < m; j++) {
                out.w()[j] = w[order[j]];
                out.key()[j] = key[order[j]];
                out.id()[j] = id[order[j]];
                out.voxels()[j] = voxels[order[j]];
            }
            return out;
        }

        void carryCrossing(long voxel, int dir, int label) {
            crossVoxel.add(voxel);
            crossDir.add(dir);
            crossLabel.add(label);
        }

        void carryPlateau(long voxel, int edges, int exit, int label, int exitLabel) {
            plateauVoxel.add(voxel);
            plateauEdges.add(edges);
            plateauExit.add(exit);
            plateauLabel.add(label);
            plateauExitLabel.add(exitLabel);
        }

        /** The open id an id went up as (it must be open: a face label, a crossing's or plateau's segment). */
        int openOf(int id) {
            int r = resolution[id];
            if (r <= 0) {
                throw new IllegalStateException("task " + task + ": segment " + id + " is on a face or handed up but not open");
            }
            return r;
        }

        /** A reference in this task's numbering, renamed to what goes up or out: open id, final reference, or 0 (dust). */
        long rename(long ref) {
            if (ref < 0) {
                return ref;
            }
            int r = resolution[(int) ref];
            return r > 0 ? r : r < 0 ? finalRef(task, -r) : 0;
        }

        /** Numbers the sets, renames every edge, settles the region graph and the forest; faces come after. */
        Output settle(boolean keepGraph) {
            resolution = new int[n + 1];
            int[] of = new int[n + 1];
            boolean[] named = new boolean[n + 1];
            int open = 0;
            int finals = 0;
            LongList upSizes = new LongList();
            upSizes.add(0);
            for (int id = 1; id <= n; id++) {
                int r = sets.find(id);
                if (!named[r]) {
                    named[r] = true;
                    if (frozenRoot[r]) {
                        of[r] = ++open;
                        upSizes.add(sets.size(r));
                    } else {
                        of[r] = sets.size(r) < params.tDust() ? 0 : -(++finals);
                    }
                }
                resolution[id] = of[r];
            }
            long[] openSizes = upSizes.toArray();
            long[] bases = openSizes.clone();
            Linkage.Growth growth = log.handedUp(this, of, bases);
            // the region graph: ends renamed, pairs that became one added up; final pairs out, the rest up
            Links.Builder graphOut = new Links.Builder();
            Links.Builder graphUp = new Links.Builder();
            Links.PairIndex pairs = new Links.PairIndex(graph.size);
            Links.Builder merged = new Links.Builder();
            for (int e = 0; e < graph.size; e++) {
                long a = rename(graph.a[e]);
                long b = rename(graph.b[e]);
                if (a == 0 || b == 0 || a == b) {
                    continue;
                }
                long x = Math.min(a, b);
                long y = Math.max(a, b);
                int at = pairs.get(x, y);
                if (at < 0) {
                    pairs.put(x, y, merged.add(x, y, graph.w[e], graph.key[e], graph.sum[e], graph.count[e], 0, 0));
                } else {
                    float w = graph.w[e];
                    if (Links.before(w, graph.key[e], merged.w[at], merged.key[at])) {
                        merged.w[at] = w;
                        merged.key[at] = graph.key[e];
                    }
                    merged.sum[at] = Math.addExact(merged.sum[at], graph.sum[e]);
                    merged.count[at] += graph.count[e];
                }
            }
            for (int e = 0; e < merged.size; e++) {
                long a = merged.a[e];
                long b = merged.b[e];
                if (a > 0 && b > 0 || (keepGraph && (a > 0 || b > 0))) {
                    graphUp.add(a, b, merged.w[e], merged.key[e], merged.sum[e], merged.count[e], 0, 0);
                } else if (keepGraph && a < 0 && b < 0) {
                    graphOut.add(a, b, merged.w[e], merged.key[e], merged.sum[e], merged.count[e], 0, 0);
                }
            }
            Links.Builder treeOut = new Links.Builder();
            Links.Builder decidedUp = new Links.Builder();
            Links.Builder candidatesUp = new Links.Builder();
            forest(openSizes, treeOut, decidedUp, candidatesUp);
            MergeState state = new MergeState(task, box, open, bases, growth, new int[6][], new float[3][],
                    new MergeState.Crossings(crossVoxel.toArray(), crossDir.toArray(), renamedOpen(crossLabel)),
                    new MergeState.Plateaus(plateauVoxel.toArray(), plateauEdges.toArray(), plateauExit.toArray(), renamedOpen(plateauLabel),
                            renamedOpen(plateauExitLabel)),
                    graphUp.build(true, false), candidatesUp.build(false, true), decidedUp.build(false, false));
            return new Output(state, resolution, finals, treeOut.build(false, false), graphOut.build(true, false));
        }

        private int[] renamedOpen(IntList ids) {
            int[] out = new int[ids.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ids.get(i) == 0 ? 0 : openOf(ids.get(i));
            }
            return out;
        }

        Output withFaces(Output o, int[][] planes, float[][] lower) {
            MergeState s = o.state();
            MergeState state = new MergeState(s.task(), s.box(), s.openCount(), s.sizes(), s.growth(), planes, lower, s.crossings(), s.plateaus(), s.graph(),
                    s.candidates(), s.decided());
            return new Output(state, o.resolution(), o.finalCount(), o.tree(), o.graph());
        }

        /**
         * The maximum spanning forest's part here: Kruskal over the candidates (renamed), then the forest's edges on no
         * path between terminals decided, paths through non-terminals of two forest edges handed up as their weakest.
         */
        private void forest(long[] openSizes, Links.Builder treeOut, Links.Builder decidedUp, Links.Builder candidatesUp) {
            long dust = params.tDust();
            int m = candidates.size;
            long[] ra = new long[m];
            long[] rb = new long[m];
            long[] va = new long[m];
            long[] vb = new long[m];
            boolean[] keep = new boolean[m];
            for (int e = 0; e < m; e++) {
                va[e] = rename(candidates.va[e]);
                vb[e] = rename(candidates.vb[e]);
                ra[e] = rename(candidates.a[e]);
                rb[e] = rename(candidates.b[e]);
                keep[e] = va[e] != 0 && vb[e] != 0 && va[e] != vb[e];
                if (keep[e] && (ra[e] == 0 || rb[e] == 0 || ra[e] == rb[e])) {
                    throw new IllegalStateException("task " + task + ": a forest candidate's own ends vanished while its path's did not");
                }
            }
            int[] order = Links.order(candidates.w, candidates.key, m);
            Links.PairIndex vertexOf = new Links.PairIndex(2 * m);
            LongList vertices = new LongList();
            int[] ea = new int[m];
            int[] eb = new int[m];
            IntList terminalsLater = new IntList();
            IntList forestEdges = new IntList();
            DisjointSets kruskal = new DisjointSets(2 * m + 1);
            for (int oi = 0; oi < m; oi++) {
                int e = order[oi];
                if (!keep[e]) {
                    continue;
                }
                ea[e] = vertex(vertexOf, vertices, va[e]);
                eb[e] = vertex(vertexOf, vertices, vb[e]);
                boolean mayVanish = (va[e] > 0 && openSizes[(int) va[e]] < dust) || (vb[e] > 0 && openSizes[(int) vb[e]] < dust);
                if (mayVanish) {
                    // through a segment that may still become dust: its cycles may break, keep it as it is
                    candidatesUp.add(ra[e], rb[e], candidates.w[e], candidates.key[e], 0, 0, va[e], vb[e]);
                    terminalsLater.add(ea[e]);
                    terminalsLater.add(eb[e]);
                    continue;
                }
                if (kruskal.find(ea[e]) != kruskal.find(eb[e])) {
                    kruskal.union(ea[e], eb[e]);
                    forestEdges.add(e);
                }
            }
            int nv = vertices.size();
            boolean[] terminal = new boolean[nv];
            for (int v = 0; v < nv; v++) {
                terminal[v] = vertices.get(v) > 0;
            }
            for (int i = 0; i < terminalsLater.size(); i++) {
                terminal[terminalsLater.get(i)] = true;
            }
            // the forest as adjacency lists (edge positions in forestEdges)
            int f = forestEdges.size();
            int[] degree = new int[nv];
            for (int i = 0; i < f; i++) {
                int e = forestEdges.get(i);
                degree[ea[e]]++;
                degree[eb[e]]++;
            }
            int[] start = new int[nv + 1];
            for (int v = 0; v < nv; v++) {
                start[v + 1] = start[v] + degree[v];
            }
            int[] adj = new int[2 * f];
            int[] fill = Arrays.copyOf(start, nv);
            for (int i = 0; i < f; i++) {
                int e = forestEdges.get(i);
                adj[fill[ea[e]]++] = i;
                adj[fill[eb[e]]++] = i;
            }
            boolean[] gone = new boolean[f];
            // leaves that are not terminals, repeatedly: their edge is decided
            IntList leaves = new IntList();
            for (int v = 0; v < nv; v++) {
                if (!terminal[v] && degree[v] == 1) {
                    leaves.add(v);
                }
            }
            for (int h = 0; h < leaves.size(); h++) {
                int v = leaves.get(h);
                if (degree[v] != 1) {
                    continue;
                }
                int i = live(adj, start, gone, v);
                gone[i] = true;
                int e = forestEdges.get(i);
                decide(e, ra, rb, treeOut, decidedUp);
                int u = ea[e] == v ? eb[e] : ea[e];
                degree[v]--;
                degree[u]--;
                if (!terminal[u] && degree[u] == 1) {
                    leaves.add(u);
                }
            }
            // paths through non-terminals of degree 2: the weakest edge goes up between the path's ends, the rest decided
            boolean[] walked = new boolean[f];
            IntList path = new IntList();
            for (int i0 = 0; i0 < f; i0++) {
                if (gone[i0] || walked[i0]) {
                    continue;
                }
                path.clear();
                path.add(i0);
                walked[i0] = true;
                int e0 = forestEdges.get(i0);
                int[] ends = {ea[e0], eb[e0]};
                for (int side = 0; side < 2; side++) {
                    int prev = i0;
                    int v = ends[side];
                    while (!terminal[v] && degree[v] == 2) {
                        int next = -1;
                        for (int k = start[v]; k < start[v + 1]; k++) {
                            if (!gone[adj[k]] && adj[k] != prev) {
                                next = adj[k];
                            }
                        }
                        walked[next] = true;
                        path.add(next);
                        int e = forestEdges.get(next);
                        v = ea[e] == v ? eb[e] : ea[e];
                        prev = next;
                    }
                    ends[side] = v;
                }
                int weakest = -1;
                for (int k = 0; k < path.size(); k++) {
                    int e = forestEdges.get(path.get(k));
                    if (weakest < 0 || Links.before(candidates.w[weakest], candidates.key[weakest], candidates.w[e], candidates.key[e])) {
                        weakest = e;
                    }
                }
                for (int k = 0; k < path.size(); k++) {
                    int e = forestEdges.get(path.get(k));
                    if (e != weakest) {
                        decide(e, ra, rb, treeOut, decidedUp);
                    }
                }
                candidatesUp.add(ra[weakest], rb[weakest], candidates.w[weakest], candidates.key[weakest], 0, 0, vertices.get(ends[0]),
                        vertices.get(ends[1]));
            }
            // the children's decided edges: out once both ends are final
            for (int e = 0; e < decided.size; e++) {
                long a = rename(decided.a[e]);
                long b = rename(decided.b[e]);
                if (a == 0 || b == 0 || a == b) {
                    throw new IllegalStateException("task " + task + ": a decided forest edge lost an end");
                }
                (a < 0 && b < 0 ? treeOut : decidedUp).add(a, b, decided.w[e], decided.key[e], 0, 0, 0, 0);
            }
        }

        private void decide(int e, long[] ra, long[] rb, Links.Builder treeOut, Links.Builder decidedUp) {
            (ra[e] < 0 && rb[e] < 0 ? treeOut : decidedUp).add(ra[e], rb[e], candidates.w[e], candidates.key[e], 0, 0, 0, 0);
        }

        private static int live(int[] adj, int[] start, boolean[] gone, int v) {
            for (int k = start[v]; k < start[v + 1]; k++) {
                if (!gone[adj[k]]) {
                    return adj[k];
                }
            }
            throw new IllegalStateException("no live edge");
        }

        private static int vertex(Links.PairIndex index, LongList vertices, long ref) {
            int v = index.get(ref, 0);
            if (v < 0) {
                v = vertices.size();
                vertices.add(ref);
                index.put(ref, 0, v);
            }
            return v;
        }
    }

    /**
     * What the frozen sets gained during a task's linkage, by member id; handed up per open segment in the edge order,
     * from the first point at which the segment is at or above the size limit folded into one (a parent then only asks
     * whether it is at or above the limit, which its voxels gained later do not change).
     */
    static final class GrowthLog implements Linkage.GrowthSink {
        private float[] w = new float[16];
        private long[] key = new long[16];
        private int[] member = new int[16];
        private long[] voxels = new long[16];
        private int size;

        @Override
        public void grew(float weight, long k, int m, long v) {
            if (size == w.length) {
                w = Arrays.copyOf(w, size * 2);
                key = Arrays.copyOf(key, size * 2);
                member = Arrays.copyOf(member, size * 2);
                voxels = Arrays.copyOf(voxels, size * 2);
            }
            w[size] = weight;
            key[size] = k;
            member[size] = m;
            voxels[size++] = v;
        }

        /** The growth handed up, ids renamed to open ids ({@code of} by root); {@code sizes} (totals) become the bases. */
        Linkage.Growth handedUp(Work work, int[] of, long[] sizes) {
            int[] order = Links.order(w, key, size);
            int[] open = new int[size];
            int[] count = new int[sizes.length + 1];
            for (int e = 0; e < size; e++) {
                int r = work.sets.find(member[e]);
                if (!work.frozenRoot[r] || of[r] <= 0) {
                    throw new IllegalStateException("task " + work.task + ": a set grew while frozen but is not open");
                }
                open[e] = of[r];
                count[open[e] + 1]++;
                sizes[open[e]] -= voxels[e];
            }
            for (int o = 0; o < sizes.length; o++) {
                count[o + 1] += count[o];
            }
            // per open segment (stable: the edge order within each), then fold from where it is at or above the limit
            int[] byOpen = new int[size];
            int[] fill = Arrays.copyOf(count, sizes.length);
            for (int j = 0; j < size; j++) {
                int e = order[j];
                byOpen[fill[open[e]]++] = e;
            }
            boolean[] keep = new boolean[size];
            long[] folded = Arrays.copyOf(voxels, size);
            for (int o = 1; o < sizes.length; o++) {
                long view = sizes[o];
                for (int j = count[o]; j < count[o + 1]; j++) {
                    int e = byOpen[j];
                    keep[e] = true;
                    if (view >= work.params.sizeThreshold(w[e])) {
                        for (int k = j + 1; k < count[o + 1]; k++) {
                            folded[e] += voxels[byOpen[k]];
                        }
                        break;
                    }
                    view += voxels[e];
                }
            }
            int kept = 0;
            for (int e = 0; e < size; e++) {
                kept += keep[e] ? 1 : 0;
            }
            int[] at = new int[kept];
            int q = 0;
            for (int j = 0; j < size; j++) {
                if (keep[order[j]]) {
                    at[q++] = order[j];
                }
            }
            return Work.ordered(w, key, open, folded, at);
        }
    }

    /** A growable list of longs. */
    static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
