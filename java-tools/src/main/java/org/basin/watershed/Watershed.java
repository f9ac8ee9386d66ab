package org.basin.watershed;

import java.util.Arrays;
import org.basin.error.BasinException;
import org.basin.graph.DisjointSets;
import org.basin.graph.IntList;
import org.basin.graph.RegionGraph;
import org.basin.volume.Box;

/**
 * Watershed on an affinity graph after Zlateski &amp; Seung (arXiv 1505.00249): steepest-ascent edges, plateau
 * division, basins, region graph, size-dependent single linkage, dust removal, relabelling.
 *
 * <p>Affinities follow the basin convention: {@code aff[c][v]} joins voxel v and {@code v - e_c}, e_0 = z,
 * e_1 = y, e_2 = x; higher means more likely the same object.
 *
 * <p>Every tie is broken by a rule that looks only at the affinities, never at the order voxels or basins are
 * visited in, so the answer does not depend on where a volume is cut into chunks: a plateau voxel goes to the
 * nearest exit of its plateau (ties: the first direction in the order -z, -y, -x, +z, +y, +x), a voxel with
 * several steepest edges takes the first in that order, and single linkage takes edges of equal affinity one at a
 * time in the order of the global index of the voxel edge that defines each (see {@link Linkage}). For a chunk,
 * the parts whose answer depends on voxels beyond the core are left to the merge step: plateaus that cross a face
 * ({@link Result#deferred}), edges that leave the core ({@link Result#crossings}) and segments whose size or
 * neighbours are not all known ({@link Result#frozen}).
 */
public final class Watershed {
    // Per-voxel state while the basins are found. Directions: 0..2 towards -z, -y, -x; 3..5 towards +z, +y, +x.
    private static final int EDGES = 0x3f; // kept steepest-ascent edges, bit d = direction d
    private static final int HIGH = 1 << 6; // best edge >= T_high: all kept edges are >= T_high
    private static final int PLATEAU = 1 << 7; // below T_high, some kept edge kept both ways
    private static final int DEFERRED = 1 << 8; // on a plateau that crosses an inner face of the core
    private static final int SEEN = 1 << 9;
    private static final int ROOT = 1 << 10; // no single edge out: high voxel, minimum plateau or deferred
    private static final int DIR_SHIFT = 11; // 3 bits: the chosen edge's direction + 1
    private static final int DIR_MASK = 7 << DIR_SHIFT;
    private static final int DIST_SET = 1 << 14;
    private static final int DIST_SHIFT = 15; // 2 bits: distance to the plateau's exits, mod 3
    private static final int OUTSIDE = 1 << 17; // not in the core
    private static final int ASSIGNED = 1 << 31; // the rest of the word is the basin id

    // DIR for a voxel whose first kept edge (the lowest bit of its edge bits) is its chosen edge. A table, not
    // Integer.numberOfTrailingZeros: the quick JIT calls that per voxel (steepest ascent: 0.43 -> 0.38 s on 256^3)
    private static final int[] FIRST_EDGE = new int[64];

    static {
        for (int b = 1; b < 64; b++) {
            FIRST_EDGE[b] = (Integer.numberOfTrailingZeros(b) + 1) << DIR_SHIFT;
        }
    }

    private Watershed() {
    }

    /**
     * Voxels of plateaus that cross a face of the core, all core-local. {@code plateauEdges}: bit d set where the
     * edge in direction d is kept both ways; {@code exit}: the direction of the first kept edge leaving the
     * plateau, or -1; {@code label}: the voxel's segment (its own, plus the voxels that drain into it);
     * {@code exitLabel}: the segment of the exit's target when that lies in the core, else 0.
     */
    public record PlateauVoxels(int[] index, int[] plateauEdges, int[] exit, int[] label, int[] exitLabel) {
        public static final PlateauVoxels NONE = new PlateauVoxels(new int[0], new int[0], new int[0], new int[0], new int[0]);

        public int size() {
            return index.length;
        }
    }

    /**
     * The result over the core: labels 1..count (0 = background), voxel count per label, the region graph between
     * labels (keys over core-local voxel indices), which labels are frozen (their fate is the merge step's),
     * {@code crossings} as pairs (core-local voxel index, direction) of voxels whose single edge leaves the core,
     * the deferred plateau voxels, and for each axis the affinities across the core's lower face (channel a on the
     * core's first plane; null where that face is the volume's edge).
     */
    public record Result(int[] labels, int count, long[] sizes, RegionGraph.Edges regionGraph, boolean[] frozen, int[] crossings,
            PlateauVoxels deferred, float[][] lowerFaceAffinity) {
        /** The number of frozen labels. */
        public int frozenCount() {
            int n = 0;
            for (int i = 1; i < frozen.length; i++) {
                n += frozen[i] ? 1 : 0;
            }
            return n;
        }
    }

    /** The whole volume at once. */
    public static Result run(float[] aff, int[] shape, WatershedParams p) {
        return run(aff, shape, Box.ofShape(shape), p);
    }

    /**
     * One chunk: {@code aff} covers the padded box (shape {@code shape}), {@code core} is the part this chunk owns,
     * in the array's coordinates. Every face of the core that is not a face of the array is an inner face; the
     * array must reach two voxels beyond it (or end at the volume's edge one voxel beyond it), so that the steepest
     * edges of the core's neighbours are known.
     */
    public static Result run(float[] aff, int[] shape, Box core, WatershedParams p) {
        int n = shape[0] * shape[1] * shape[2];
        if (aff.length != 3 * n) {
            throw new IllegalArgumentException("affinity length " + aff.length + " != 3 x " + n);
        }
        if (!Box.ofShape(shape).contains(core)) {
            throw new IllegalArgumentException("core " + core + " outside the array " + Arrays.toString(shape));
        }
        Geometry g = new Geometry(shape, core);
        boolean[] plateauRows = new boolean[shape[0] * shape[1]];
        int[] seg = steepestAscent(aff, shape, p.tLow(), p.tHigh(), plateauRows, g.lo, g.hi);
        IntList deferred = dividePlateaus(seg, g, plateauRows);
        IntList crossings = new IntList();
        RegionGraph rg = new RegionGraph(1024);
        long[] basinSizes = findBasins(seg, g, crossings, aff, rg);
        int basins = basinSizes.length - 1;
        boolean[] frozen = new boolean[basins + 1];
        PlateauVoxels plateaus = deferredVoxels(seg, g, deferred, frozen);
        g.markFaces(seg, frozen);
        int[] cross = crossings.toArray();
        for (int i = 0; i < cross.length; i += 2) {
            cross[i] = g.coreIndex(cross[i]);
        }
        return mergeAndRelabel(seg, g, basins, basinSizes, rg.sorted(), p, frozen, cross, plateaus, g.lowerFaces(aff));
    }

    /** Index arithmetic between the padded array and its core. */
    private static final class Geometry {
        final int[] shape;
        final int[] lo;
        final int[] hi;
        final int[] off;
        final int n;
        final boolean whole;

        Geometry(int[] shape, Box core) {
            this.shape = shape.clone();
            lo = core.min();
            hi = core.max();
            n = shape[0] * shape[1] * shape[2];
            int sz = shape[1] * shape[2];
            off = new int[] {-sz, -shape[2], -1, sz, shape[2], 1};
            whole = core.equals(Box.ofShape(shape));
        }

        int coreSize(int a) {
            return hi[a] - lo[a];
        }

        int coreVoxels() {
            return coreSize(0) * coreSize(1) * coreSize(2);
        }

        int coreIndex(int v) {
            if (whole) {
                return v;
            }
            int x = v % shape[2];
            int y = v / shape[2] % shape[1];
            int z = v / (shape[1] * shape[2]);
            return ((z - lo[0]) * coreSize(1) + (y - lo[1])) * coreSize(2) + (x - lo[2]);
        }

        boolean innerFace(int d) {
            return d < 3 ? lo[d] > 0 : hi[d - 3] < shape[d - 3];
        }

        /** Voxel-edge keys (3 v + c) from the array's voxel indices to the core's, which the merge step makes global. */
        void coreKeys(long[] keys) {
            if (whole) {
                return;
            }
            for (int i = 0; i < keys.length; i++) {
                keys[i] = 3L * coreIndex((int) (keys[i] / 3)) + keys[i] % 3;
            }
        }

        /** Basins with a voxel on an inner face may continue beyond the core (seg: ASSIGNED | id over the core). */
        void markFaces(int[] seg, boolean[] frozen) {
            if (whole) {
                return;
            }
            for (int z = lo[0]; z < hi[0]; z++) {
                for (int y = lo[1]; y < hi[1]; y++) {
                    int row = (z * shape[1] + y) * shape[2];
                    boolean edgeRow = (z == lo[0] && innerFace(0)) || (z == hi[0] - 1 && innerFace(3))
                            || (y == lo[1] && innerFace(1)) || (y == hi[1] - 1 && innerFace(4));
                    if (edgeRow) {
                        for (int x = lo[2]; x < hi[2]; x++) {
                            frozen[seg[row + x] & ~ASSIGNED] = true;
                        }
                    } else {
                        if (innerFace(2)) {
                            frozen[seg[row + lo[2]] & ~ASSIGNED] = true;
                        }
                        if (innerFace(5)) {
                            frozen[seg[row + hi[2] - 1] & ~ASSIGNED] = true;
                        }
                    }
                }
            }
            frozen[0] = false;
        }

        /** Channel a of the affinities on the core's first plane along a (edges to the chunk below), per axis. */
        float[][] lowerFaces(float[] aff) {
            float[][] out = new float[3][];
            for (int a = 0; a < 3; a++) {
                if (!innerFace(a)) {
                    continue;
                }
                int[] plo = lo.clone();
                int[] phi = hi.clone();
                phi[a] = lo[a] + 1;
                float[] plane = new float[(phi[0] - plo[0]) * (phi[1] - plo[1]) * (phi[2] - plo[2])];
                int i = 0;
                for (int z = plo[0]; z < phi[0]; z++) {
                    for (int y = plo[1]; y < phi[1]; y++) {
                        for (int x = plo[2]; x < phi[2]; x++) {
                            plane[i++] = aff[a * n + (z * shape[1] + y) * shape[2] + x];
                        }
                    }
                }
                out[a] = plane;
            }
            return out;
        }
    }

    private static BasinException notFinite(float[] aff, int[] s) {
        int n = s[0] * s[1] * s[2];
        for (int i = 0; i < aff.length; i++) {
            if (!Float.isFinite(aff[i])) {
                int v = i % n;
                return BasinException.badInput("affinity " + aff[i] + " in channel " + i / n + " at voxel (x,y,z) " + v % s[2] + ","
                        + v / s[2] % s[1] + "," + v / (s[1] * s[2]));
            }
        }
        return BasinException.badInput("affinities too large to add up (not affinities in [0, 1]?)");
    }

    /**
     * Per voxel, the edges whose affinity is the voxel's best (ties all kept) or at least T_high, and the voxel's
     * class: HIGH | ROOT where the best is at least T_high; PLATEAU where a kept edge is kept both ways (the
     * neighbour has the same best affinity); otherwise the first kept edge as its direction. Both ends of an edge
     * are known once the later voxel in scan order is, so the plateau test looks only backwards (-z, -y, -x).
     * Voxels outside the core [lo, hi) are marked OUTSIDE row by row, right after each row (no pass of its own).
     */
    static int[] steepestAscent(float[] aff, int[] s, float low, float high, boolean[] plateauRows, int[] lo, int[] hi) {
        int[] seg = new int[s[0] * s[1] * s[2]];
        // one call per row: short methods reach the optimising JIT early, where one long loop waits for on-stack replacement
        for (int z = 0; z < s[0]; z++) {
            for (int y = 0; y < s[1]; y++) {
                steepestRow(aff, s, z, y, low, high, seg, plateauRows);
                int row = (z * s[1] + y) * s[2];
                if (z < lo[0] || z >= hi[0] || y < lo[1] || y >= hi[1]) {
                    markOutside(seg, row, row + s[2]);
                } else {
                    markOutside(seg, row, row + lo[2]);
                    markOutside(seg, row + hi[2], row + s[2]);
                }
            }
        }
        return seg;
    }

    private static void markOutside(int[] seg, int from, int to) {
        for (int v = from; v < to; v++) {
            seg[v] |= OUTSIDE;
        }
    }

    /** One row of {@link #steepestAscent}; plateauRows (one per row, z * ny + y) is set for rows it marks PLATEAU in. */
    private static void steepestRow(float[] aff, int[] s, int z, int y, float low, float high, int[] seg, boolean[] plateauRows) {
        int nz = s[0];
        int ny = s[1];
        int nx = s[2];
        int n = nz * ny * nx;
        int sz = ny * nx;
        final float none = Float.NEGATIVE_INFINITY;
        boolean innerRow = z > 0 && z < nz - 1 && y > 0 && y < ny - 1;
        for (int x = 0, v = (z * ny + y) * nx; x < nx; x++, v++) {
            // the six edges: towards -z, -y, -x (stored at v) and +z, +y, +x (stored at the neighbour)
            float a0 = aff[v];
            float a1 = aff[n + v];
            float a2 = aff[2 * n + v];
            float sum = a0 + a1 + a2;
            if (sum - sum != 0) { // NaN or infinite: each value is some voxel's own, so one test per voxel sees all
                throw notFinite(aff, s);
            }
            float w0;
            float w1;
            float w2;
            float w3;
            float w4;
            float w5;
            if (innerRow && x > 0 && x < nx - 1) { // most voxels: no edge of the array to test for
                w0 = a0;
                w1 = a1;
                w2 = a2;
                w3 = aff[v + sz];
                w4 = aff[n + v + nx];
                w5 = aff[2 * n + v + 1];
            } else {
                w0 = z > 0 ? a0 : none;
                w1 = y > 0 ? a1 : none;
                w2 = x > 0 ? a2 : none;
                w3 = z < nz - 1 ? aff[v + sz] : none;
                w4 = y < ny - 1 ? aff[n + v + nx] : none;
                w5 = x < nx - 1 ? aff[2 * n + v + 1] : none;
            }
            // plain comparisons, not Math.max: values are finite here, and a -0/+0 tie is still a tie under ==
            float m01 = w0 > w1 ? w0 : w1;
            float m23 = w2 > w3 ? w2 : w3;
            float m45 = w4 > w5 ? w4 : w5;
            float m = m01 > m23 ? m01 : m23;
            m = m > m45 ? m : m45;
            if (m <= low) {
                continue;
            }
            if (m >= high) {
                seg[v] = (w0 >= high ? 1 : 0) | (w1 >= high ? 2 : 0) | (w2 >= high ? 4 : 0) | (w3 >= high ? 8 : 0)
                        | (w4 >= high ? 16 : 0) | (w5 >= high ? 32 : 0) | HIGH | ROOT;
                continue;
            }
            int b = (w0 == m ? 1 : 0) | (w1 == m ? 2 : 0) | (w2 == m ? 4 : 0) | (w3 == m ? 8 : 0) | (w4 == m ? 16 : 0)
                    | (w5 == m ? 32 : 0);
            boolean plateau = false;
            if ((b & 1) != 0 && (seg[v - sz] & 8) != 0) {
                seg[v - sz] = (seg[v - sz] & ~DIR_MASK) | PLATEAU;
                plateauRows[(z - 1) * ny + y] = true;
                plateau = true;
            }
            if ((b & 2) != 0 && (seg[v - nx] & 16) != 0) {
                seg[v - nx] = (seg[v - nx] & ~DIR_MASK) | PLATEAU;
                plateauRows[z * ny + y - 1] = true;
                plateau = true;
            }
            if ((b & 4) != 0 && (seg[v - 1] & 32) != 0) {
                seg[v - 1] = (seg[v - 1] & ~DIR_MASK) | PLATEAU;
                plateau = true;
            }
            if (plateau) {
                seg[v] = b | PLATEAU;
                plateauRows[z * ny + y] = true;
            } else {
                seg[v] = b | FIRST_EDGE[b];
            }
        }
    }

    /** The kept edges of v that its neighbour keeps too (both voxels have the same best affinity). */
    private static int plateauEdges(int[] seg, int v, int[] off) {
        int bits = seg[v] & EDGES;
        int out = 0;
        while (bits != 0) {
            int d = Integer.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            if ((seg[v + off[d]] & REVERSE[d]) != 0) {
                out |= 1 << d;
            }
        }
        return out;
    }

    private static final int[] REVERSE = {1 << 3, 1 << 4, 1 << 5, 1, 1 << 1, 1 << 2};

    /**
     * Splits each plateau between its exits: every voxel takes the edge towards a neighbour one step nearer an exit
     * (the first such direction), every exit its first edge leaving the plateau. A plateau without exits is one
     * basin (a root); one that crosses an inner face is deferred to the merge step, its voxels returned.
     */
    private static IntList dividePlateaus(int[] seg, Geometry g, boolean[] plateauRows) {
        IntList deferred = new IntList();
        IntList comp = new IntList();
        int[] off = g.off;
        int[] s = g.shape;
        for (int z = g.lo[0]; z < g.hi[0]; z++) {
            for (int y = g.lo[1]; y < g.hi[1]; y++) {
                if (!plateauRows[z * s[1] + y]) {
                    continue;
                }
                for (int x = g.lo[2], v0 = (z * s[1] + y) * s[2] + x; x < g.hi[2]; x++, v0++) {
                    if ((seg[v0] & (PLATEAU | SEEN)) != PLATEAU) {
                        continue;
                    }
                    comp.clear();
                    comp.add(v0);
                    seg[v0] |= SEEN;
                    boolean crosses = false;
                    int exits = 0;
                    for (int h = 0; h < comp.size(); h++) {
                        int v = comp.get(h);
                        int pm = plateauEdges(seg, v, off);
                        if ((seg[v] & EDGES & ~pm) != 0) {
                            exits++;
                        }
                        for (int d = 0; d < 6; d++) {
                            if ((pm & (1 << d)) != 0) {
                                int u = v + off[d];
                                if ((seg[u] & OUTSIDE) != 0) {
                                    crosses = true;
                                } else if ((seg[u] & SEEN) == 0) {
                                    seg[u] |= SEEN;
                                    comp.add(u);
                                }
                            }
                        }
                    }
                    if (crosses) {
                        // (voxel, plateau edges, first exit or -1) while the kept edges are still known
                        for (int h = 0; h < comp.size(); h++) {
                            int v = comp.get(h);
                            int pm = plateauEdges(seg, v, off);
                            int out = seg[v] & EDGES & ~pm;
                            deferred.add(v);
                            deferred.add(pm);
                            deferred.add(out == 0 ? -1 : Integer.numberOfTrailingZeros(out));
                        }
                        for (int h = 0; h < comp.size(); h++) {
                            seg[comp.get(h)] |= DEFERRED | ROOT;
                        }
                    } else if (exits == 0) {
                        for (int h = 0; h < comp.size(); h++) {
                            seg[comp.get(h)] |= ROOT;
                        }
                    } else {
                        divide(seg, comp, off);
                    }
                }
            }
        }
        return deferred;
    }

    /** Breadth first from the exits; distances mod 3 tell a neighbour one step nearer from one as near or farther. */
    private static void divide(int[] seg, IntList comp, int[] off) {
        int[] queue = new int[comp.size()];
        int tail = 0;
        for (int h = 0; h < comp.size(); h++) {
            int v = comp.get(h);
            int out = seg[v] & EDGES & ~plateauEdges(seg, v, off);
            if (out != 0) {
                seg[v] |= DIST_SET | FIRST_EDGE[out];
                queue[tail++] = v;
            }
        }
        for (int head = 0; head < tail; head++) {
            int v = queue[head];
            int next = ((((seg[v] >>> DIST_SHIFT) & 3) + 1) % 3) << DIST_SHIFT;
            int pm = plateauEdges(seg, v, off);
            for (int d = 0; d < 6; d++) {
                if ((pm & (1 << d)) != 0) {
                    int u = v + off[d];
                    if ((seg[u] & DIST_SET) == 0) {
                        seg[u] |= DIST_SET | next;
                        queue[tail++] = u;
                    }
                }
            }
        }
        for (int h = 0; h < comp.size(); h++) {
            int v = comp.get(h);
            if ((seg[v] >>> DIR_SHIFT & 7) != 0) {
                continue; // an exit
            }
            int nearer = (((seg[v] >>> DIST_SHIFT) & 3) + 2) % 3;
            int pm = plateauEdges(seg, v, off);
            for (int d = 0; d < 6; d++) {
                if ((pm & (1 << d)) != 0 && ((seg[v + off[d]] >>> DIST_SHIFT) & 3) == nearer) {
                    seg[v] |= (d + 1) << DIR_SHIFT;
                    break;
                }
            }
        }
    }

    /**
     * Follows every voxel's edge to a root and numbers the basins: a high voxel's or a minimum plateau's root takes
     * its whole component (through the kept edges, inside the core), a deferred voxel or one whose edge leaves the
     * core is a basin of its own (recorded in {@code crossings}). seg becomes ASSIGNED | id. Returns sizes by id.
     */
    private static long[] findBasins(int[] seg, Geometry g, IntList crossings, float[] aff, RegionGraph rg) {
        int[] off = g.off;
        int[] s = g.shape;
        int n = g.n;
        int sy = s[2];
        int sz = s[1] * s[2];
        long[] sizes = new long[1024];
        int[] next = {0}; // the last basin id
        IntList path = new IntList();
        IntList flood = new IntList();
        for (int z = g.lo[0]; z < g.hi[0]; z++) {
            for (int y = g.lo[1]; y < g.hi[1]; y++) {
                for (int x = g.lo[2], v = (z * s[1] + y) * s[2] + x; x < g.hi[2]; x++, v++) {
                    int sv = seg[v];
                    if (sv > 0) { // not yet assigned (0: background)
                        int st = (sv & ROOT) == 0 ? seg[v + off[(sv >>> DIR_SHIFT & 7) - 1]] : 0;
                        if (st < 0) { // most voxels: the edge leads to a voxel already assigned
                            sv = st;
                            seg[v] = st;
                            sizes[st & ~ASSIGNED]++;
                        } else {
                            sizes = follow(seg, v, off, path, flood, crossings, sizes, next);
                            sv = seg[v];
                        }
                    }
                    if (sv < 0) {
                        // the region graph on the way: the neighbours before v in scan order are final
                        if (x > g.lo[2]) {
                            int b = seg[v - 1];
                            if (b < 0 && b != sv) {
                                rg.add(sv & ~ASSIGNED, b & ~ASSIGNED, aff[2 * n + v], 3L * v + 2);
                            }
                        }
                        if (y > g.lo[1]) {
                            int b = seg[v - sy];
                            if (b < 0 && b != sv) {
                                rg.add(sv & ~ASSIGNED, b & ~ASSIGNED, aff[n + v], 3L * v + 1);
                            }
                        }
                        if (z > g.lo[0]) {
                            int b = seg[v - sz];
                            if (b < 0 && b != sv) {
                                rg.add(sv & ~ASSIGNED, b & ~ASSIGNED, aff[v], 3L * v);
                            }
                        }
                    }
                }
            }
        }
        return Arrays.copyOf(sizes, next[0] + 1);
    }

    /**
     * Follows v's edges to an assigned voxel, a root (a new basin, flooded) or out of the core (a new basin of one
     * voxel, a crossing), and assigns the path. {@code next[0]}: the last basin id, updated. Returns sizes (grown).
     */
    private static long[] follow(int[] seg, int v, int[] off, IntList path, IntList flood, IntList crossings, long[] sizes, int[] next) {
        path.clear();
        int u = v;
        int label;
        while (true) {
            int su = seg[u];
            if (su < 0) {
                label = su & ~ASSIGNED;
                break;
            }
            if ((su & ROOT) != 0) {
                label = ++next[0];
                if (label >= sizes.length) {
                    sizes = Arrays.copyOf(sizes, sizes.length * 2);
                }
                sizes[label] += floodRoot(seg, u, label, off, flood);
                break;
            }
            int d = (su >>> DIR_SHIFT & 7) - 1;
            int t = u + off[d];
            int st = seg[t];
            if (st >= 0 && (st & OUTSIDE) != 0) {
                label = ++next[0];
                if (label >= sizes.length) {
                    sizes = Arrays.copyOf(sizes, sizes.length * 2);
                }
                seg[u] = ASSIGNED | label;
                sizes[label]++;
                crossings.add(u);
                crossings.add(d);
                break;
            }
            path.add(u);
            u = t;
        }
        for (int i = 0; i < path.size(); i++) {
            seg[path.get(i)] = ASSIGNED | label;
        }
        sizes[label] += path.size();
        return sizes;
    }

    private static int floodRoot(int[] seg, int root, int label, int[] off, IntList flood) {
        int bits = seg[root];
        seg[root] = ASSIGNED | label;
        if ((bits & DEFERRED) != 0) {
            return 1;
        }
        // high component or minimum plateau: all kept edges lead to the same component; pairs of (voxel, bits)
        flood.clear();
        flood.add(root);
        flood.add(bits);
        int count = 1;
        for (int h = 0; h < flood.size(); h += 2) {
            int v = flood.get(h);
            int b = flood.get(h + 1);
            for (int d = 0; d < 6; d++) {
                if ((b & (1 << d)) != 0) {
                    int u = v + off[d];
                    int su = seg[u];
                    if (su >= 0 && (su & OUTSIDE) == 0) {
                        seg[u] = ASSIGNED | label;
                        flood.add(u);
                        flood.add(su);
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** The deferred plateau voxels with their labels; their segments and their exits' segments are frozen. */
    private static PlateauVoxels deferredVoxels(int[] seg, Geometry g, IntList deferred, boolean[] frozen) {
        int m = deferred.size() / 3;
        if (m == 0) {
            return PlateauVoxels.NONE;
        }
        int[] index = new int[m];
        int[] edges = new int[m];
        int[] exit = new int[m];
        int[] label = new int[m];
        int[] exitLabel = new int[m];
        for (int i = 0; i < m; i++) {
            int v = deferred.get(3 * i);
            index[i] = g.coreIndex(v);
            edges[i] = deferred.get(3 * i + 1);
            exit[i] = deferred.get(3 * i + 2);
            label[i] = seg[v] & ~ASSIGNED;
            frozen[label[i]] = true;
            if (exit[i] >= 0) {
                int t = seg[v + g.off[exit[i]]];
                if (t < 0) {
                    exitLabel[i] = t & ~ASSIGNED;
                    frozen[exitLabel[i]] = true;
                }
            }
        }
        return new PlateauVoxels(index, edges, exit, label, exitLabel);
    }

    /**
     * Single linkage, dust removal and the final labels over the core, read from seg (every core voxel 0 or
     * ASSIGNED | basin): written into seg itself when the core is the whole array, else into a core-sized array.
     */
    private static Result mergeAndRelabel(int[] seg, Geometry g, int basins, long[] sizes, RegionGraph.Edges edges, WatershedParams p,
            boolean[] frozen, int[] crossings, PlateauVoxels plateaus, float[][] lowerFaces) {
        DisjointSets sets = new DisjointSets(sizes);
        boolean[] rootFrozen = frozen.clone();
        Linkage.run(sets, edges, p, rootFrozen);
        // Relabel roots 1..count in order of first appearance; dust goes to background unless frozen.
        int[] newId = new int[basins + 1];
        int count = 0;
        long[] newSizes = new long[basins + 1];
        boolean[] newFrozen = new boolean[basins + 1];
        int lastB = 0; // neighbours along x mostly share a basin: the last one's new id saves a lookup
        int lastId = 0;
        int[] labels = g.whole ? seg : new int[g.coreVoxels()];
        int at = 0;
        for (int z = g.lo[0]; z < g.hi[0]; z++) {
            for (int y = g.lo[1]; y < g.hi[1]; y++) {
                for (int x = g.lo[2], v = (z * g.shape[1] + y) * g.shape[2] + x; x < g.hi[2]; x++, v++, at++) {
                    int b = seg[v] & ~ASSIGNED;
                    if (b == 0) {
                        labels[at] = 0;
                        continue;
                    }
                    if (b == lastB) {
                        labels[at] = lastId;
                        continue;
                    }
                    int id = newId[b];
                    if (id == 0) {
                        int r = sets.find(b);
                        id = newId[r];
                        if (id == 0) {
                            id = sets.size(r) < p.tDust() && !rootFrozen[r] ? -1 : ++count;
                            newId[r] = id;
                            if (id > 0) {
                                newFrozen[id] = rootFrozen[r];
                                newSizes[id] = sets.size(r); // a basin's voxels all go to its root's id
                            }
                        }
                        newId[b] = id;
                    }
                    lastB = b;
                    lastId = Math.max(id, 0);
                    labels[at] = lastId;
                }
            }
        }
        // each basin's final id, and which final segments hold several basins (only their edges can repeat)
        int[] finalOf = new int[basins + 1];
        boolean[] shared = new boolean[count + 1];
        boolean[] taken = new boolean[count + 1];
        for (int b = 1; b <= basins; b++) {
            int id = newId[sets.find(b)];
            finalOf[b] = id;
            if (id > 0) {
                shared[id] |= taken[id];
                taken[id] = true;
            }
        }
        RegionGraph.Edges finalGraph = RegionGraph.renamed(edges, finalOf, shared);
        g.coreKeys(finalGraph.key());
        PlateauVoxels renamed = plateaus;
        if (plateaus.size() > 0) {
            int[] l = new int[plateaus.size()];
            int[] e = new int[plateaus.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = newId[sets.find(plateaus.label()[i])];
                e[i] = plateaus.exitLabel()[i] == 0 ? 0 : newId[sets.find(plateaus.exitLabel()[i])];
            }
            renamed = new PlateauVoxels(plateaus.index(), plateaus.plateauEdges(), plateaus.exit(), l, e);
        }
        return new Result(labels, count, Arrays.copyOf(newSizes, count + 1), finalGraph, Arrays.copyOf(newFrozen, count + 1), crossings,
                renamed, lowerFaces);
    }
}
