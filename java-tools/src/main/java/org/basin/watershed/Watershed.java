package org.basin.watershed;

import org.basin.error.BasinException;
import org.basin.graph.DisjointSets;
import org.basin.graph.RegionGraph;

/**
 * Watershed on an affinity graph after Zlateski &amp; Seung (arXiv 1505.00249): steepest-ascent edges, plateau
 * division, basins, region graph, size-dependent single linkage, dust removal, relabelling.
 *
 * <p>Affinities follow the basin convention: {@code aff[c][v]} joins voxel v and {@code v - e_c}, e_0 = z,
 * e_1 = y, e_2 = x; higher means more likely the same object.
 */
public final class Watershed {
    // Directions: 0..2 towards -z, -y, -x; 3..5 towards +z, +y, +x. Bit d of a voxel = an edge in direction d.
    private static final int VISITED = 0x40;
    private static final int SETTLED = 0x800;
    private static final int ASSIGNED = 0x80000000;

    private Watershed() {
    }

    /** The result: labels 1..count (0 = background), voxel count per label, final region graph. */
    public record Result(int[] labels, int count, long[] sizes, RegionGraph.Edges regionGraph) {
    }

    public static Result run(float[] aff, int[] shape, WatershedParams p) {
        return run(aff, shape, p, new boolean[6]);
    }

    /**
     * As {@link #run(float[], int[], WatershedParams)}, for a chunk of a larger volume: {@code innerFaces} marks
     * the faces (-z, -y, -x, +z, +y, +x) that have a neighbouring chunk. Segments touching those faces may
     * continue beyond the chunk, so their true size is unknown here: they take no part in size-dependent merging
     * and are never dust (after ABISS). Merges across edges at or above T_high still happen.
     */
    public static Result run(float[] aff, int[] shape, WatershedParams p, boolean[] innerFaces) {
        int n = shape[0] * shape[1] * shape[2];
        if (aff.length != 3 * n) {
            throw new IllegalArgumentException("affinity length " + aff.length + " != 3 x " + n);
        }
        int[] seg = steepestAscent(aff, shape, p.tLow(), p.tHigh());
        dividePlateaus(seg, shape);
        long[] basinSizes = findBasins(seg, shape);
        int basins = basinSizes.length - 1;
        RegionGraph rg = regionGraph(aff, seg, shape);
        boolean[] frozen = touching(seg, shape, basins, innerFaces);
        return mergeAndRelabel(seg, basins, basinSizes, rg.sorted(), p, frozen);
    }

    private static int[] offsets(int[] s) {
        int sz = s[1] * s[2];
        int sy = s[2];
        return new int[] {-sz, -sy, -1, sz, sy, 1};
    }

    static int[] steepestAscent(float[] aff, int[] s, float low, float high) {
        int nz = s[0];
        int ny = s[1];
        int nx = s[2];
        int n = nz * ny * nx;
        int sz = ny * nx;
        for (int i = 0; i < aff.length; i++) {
            if (Float.isNaN(aff[i])) {
                int v = i % n;
                throw BasinException.badInput("affinity is NaN in channel " + i / n + " at voxel (z,y,x) " + v / sz + "," + v / nx % ny + "," + v % nx);
            }
        }
        int[] seg = new int[n];
        final float none = Float.NEGATIVE_INFINITY;
        for (int z = 0, v = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, v++) {
                    // the six edges: towards -z, -y, -x (stored at v) and +z, +y, +x (stored at the neighbour)
                    float w0 = z > 0 ? aff[v] : none;
                    float w1 = y > 0 ? aff[n + v] : none;
                    float w2 = x > 0 ? aff[2 * n + v] : none;
                    float w3 = z < nz - 1 ? aff[v + sz] : none;
                    float w4 = y < ny - 1 ? aff[n + v + nx] : none;
                    float w5 = x < nx - 1 ? aff[2 * n + v + 1] : none;
                    float m = Math.max(Math.max(Math.max(w0, w1), Math.max(w2, w3)), Math.max(w4, w5));
                    if (m > low) {
                        seg[v] = (w0 == m || w0 >= high ? 1 : 0) | (w1 == m || w1 >= high ? 2 : 0) | (w2 == m || w2 >= high ? 4 : 0)
                                | (w3 == m || w3 >= high ? 8 : 0) | (w4 == m || w4 >= high ? 16 : 0) | (w5 == m || w5 >= high ? 32 : 0);
                    }
                }
            }
        }
        return seg;
    }

    /** Keeps one edge per plateau voxel, pointing towards the plateau's exit (breadth first from the exits). */
    static void dividePlateaus(int[] seg, int[] s) {
        int n = seg.length;
        int[] off = offsets(s);
        int[] queue = new int[n];
        int tail = 0;
        for (int v = 0; v < n; v++) {
            int bits = seg[v];
            if (bits == 0) {
                continue;
            }
            // A voxel none of whose edges is shared with its neighbour (no plateau) just keeps its first edge; only
            // plateau voxels take part in the breadth-first division, so most voxels are settled here.
            int leaving = 0;
            boolean plateau = false;
            for (int d = 0; d < 6; d++) {
                if ((bits & (1 << d)) != 0) {
                    if ((seg[v + off[d]] & (1 << ((d + 3) % 6))) == 0) {
                        if (leaving == 0) {
                            leaving = 1 << d;
                        }
                    } else {
                        plateau = true;
                    }
                }
            }
            if (!plateau) {
                seg[v] = leaving | SETTLED;
            } else if (leaving != 0) {
                seg[v] |= VISITED;
                queue[tail++] = v;
            }
        }
        // Interior plateau voxels point back to the voxel that reached them (their parent, stored in bits 8..10
        // while queued), so a plateau is split by distance to its exits, ties to the exit queued first. An exit
        // keeps its first edge that leaves the plateau.
        for (int head = 0; head < tail; head++) {
            int v = queue[head];
            int bits = seg[v];
            int keep = 0;
            for (int d = 0; d < 6; d++) {
                if ((bits & (1 << d)) != 0) {
                    int u = v + off[d];
                    int back = (d + 3) % 6;
                    if ((seg[u] & (1 << back)) != 0) {
                        if ((seg[u] & VISITED) == 0) {
                            seg[u] |= VISITED | ((back + 1) << 8);
                            queue[tail++] = u;
                        }
                    } else if (keep == 0) {
                        keep = 1 << d;
                    }
                }
            }
            int parent = (bits >>> 8) & 7;
            seg[v] = parent != 0 ? 1 << (parent - 1) : keep;
        }
        // voxels never reached (plateaus without an exit, i.e. maxima) keep all their edges
        for (int v = 0; v < n; v++) {
            seg[v] &= ~(VISITED | SETTLED);
        }
    }

    /** Follows the edges to basins; seg becomes ASSIGNED | basin id (0 = background). Returns sizes by id. */
    static long[] findBasins(int[] seg, int[] s) {
        int n = seg.length;
        int[] off = offsets(s);
        int[] queue = new int[Math.min(n, 1 << 16)];
        long[] sizes = new long[1024];
        int next = 0;
        for (int v = 0; v < n; v++) {
            if (seg[v] == 0) {
                seg[v] = ASSIGNED;
                sizes[0]++;
                continue;
            }
            if ((seg[v] & ASSIGNED) != 0) {
                continue;
            }
            int tail = 0;
            queue[tail++] = v;
            seg[v] |= VISITED;
            int found = 0;
            boolean hit = false;
            for (int head = 0; head < tail && !hit; head++) {
                int y = queue[head];
                int bits = seg[y];
                for (int d = 0; d < 6; d++) {
                    if ((bits & (1 << d)) != 0) {
                        int u = y + off[d];
                        int su = seg[u];
                        if ((su & ASSIGNED) != 0) {
                            found = su;
                            hit = true;
                            break;
                        }
                        if ((su & VISITED) == 0) {
                            seg[u] = su | VISITED;
                            if (tail == queue.length) {
                                queue = java.util.Arrays.copyOf(queue, Math.min(n, queue.length * 2));
                            }
                            queue[tail++] = u;
                        }
                    }
                }
            }
            int label;
            if (hit) {
                label = found;
            } else {
                label = ASSIGNED | ++next;
                if (next >= sizes.length) {
                    sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
                }
            }
            for (int i = 0; i < tail; i++) {
                seg[queue[i]] = label;
            }
            sizes[label & ~ASSIGNED] += tail;
        }
        for (int v = 0; v < n; v++) {
            seg[v] &= ~ASSIGNED;
        }
        return java.util.Arrays.copyOf(sizes, next + 1);
    }

    static RegionGraph regionGraph(float[] aff, int[] seg, int[] s) {
        int nz = s[0];
        int ny = s[1];
        int nx = s[2];
        int n = seg.length;
        int sz = ny * nx;
        RegionGraph rg = new RegionGraph(1024);
        // Neighbouring voxels usually see the same pair of basins: keep each direction's last pair and its maximum
        // here and touch the hash map only when the pair changes.
        int[] lastA = new int[3];
        int[] lastB = new int[3];
        float[] lastW = new float[3];
        int[] step = {sz, nx, 1};
        for (int z = 0, v = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, v++) {
                    int a = seg[v];
                    if (a == 0) {
                        continue;
                    }
                    for (int c = 0; c < 3; c++) {
                        if (c == 0 ? z == 0 : c == 1 ? y == 0 : x == 0) {
                            continue;
                        }
                        int b = seg[v - step[c]];
                        if (b != 0 && b != a) {
                            float w = aff[c * n + v];
                            if (a == lastA[c] && b == lastB[c]) {
                                if (w > lastW[c]) {
                                    lastW[c] = w;
                                }
                            } else {
                                if (lastA[c] != 0) {
                                    rg.add(lastA[c], lastB[c], lastW[c]);
                                }
                                lastA[c] = a;
                                lastB[c] = b;
                                lastW[c] = w;
                            }
                        }
                    }
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            if (lastA[c] != 0) {
                rg.add(lastA[c], lastB[c], lastW[c]);
            }
        }
        return rg;
    }

    /**
     * Size-dependent single linkage over edges sorted by decreasing weight: edges at or above T_high always join;
     * others join while the size rule allows, unless either side is frozen ({@code frozen} is indexed by set root
     * and kept up to date). Used within a chunk and again over the global region graph.
     */
    public static void singleLinkage(DisjointSets sets, RegionGraph.Edges edges, WatershedParams p, boolean[] frozen) {
        for (int i = 0; i < edges.size(); i++) {
            float w = edges.w()[i];
            double limit = p.sizeThreshold(w);
            if (limit <= 0 && w < p.tHigh()) {
                break;
            }
            int ra = sets.find(edges.a()[i]);
            int rb = sets.find(edges.b()[i]);
            if (ra == rb) {
                continue;
            }
            boolean join = w >= p.tHigh() || (!frozen[ra] && !frozen[rb] && (sets.size(ra) < limit || sets.size(rb) < limit));
            if (join) {
                boolean f = frozen[ra] || frozen[rb];
                frozen[sets.union(ra, rb)] = f;
            }
        }
    }

    /** Which basins have a voxel on one of the marked faces of the chunk. */
    static boolean[] touching(int[] seg, int[] s, int basins, boolean[] faces) {
        boolean[] out = new boolean[basins + 1];
        for (int z = 0, v = 0; z < s[0]; z++) {
            for (int y = 0; y < s[1]; y++) {
                for (int x = 0; x < s[2]; x++, v++) {
                    if ((faces[0] && z == 0) || (faces[1] && y == 0) || (faces[2] && x == 0)
                            || (faces[3] && z == s[0] - 1) || (faces[4] && y == s[1] - 1) || (faces[5] && x == s[2] - 1)) {
                        out[seg[v]] = true;
                    }
                }
            }
        }
        out[0] = false;
        return out;
    }

    static Result mergeAndRelabel(int[] seg, int basins, long[] sizes, RegionGraph.Edges edges, WatershedParams p, boolean[] frozen) {
        DisjointSets sets = new DisjointSets(sizes);
        boolean[] rootFrozen = frozen.clone();
        singleLinkage(sets, edges, p, rootFrozen);
        // Relabel roots 1..count in order of first appearance; dust goes to background.
        int[] newId = new int[basins + 1];
        int count = 0;
        long[] newSizes = new long[basins + 1];
        for (int v = 0; v < seg.length; v++) {
            int b = seg[v];
            if (b == 0) {
                continue;
            }
            int r = sets.find(b);
            if (newId[r] == 0) {
                newId[r] = sets.size(r) < p.tDust() && !rootFrozen[r] ? -1 : ++count;
            }
            int id = newId[r];
            if (id < 0) {
                seg[v] = 0;
            } else {
                seg[v] = id;
                newSizes[id]++;
            }
        }
        RegionGraph finalGraph = new RegionGraph(Math.max(16, edges.size() / 2));
        for (int i = 0; i < edges.size(); i++) {
            int a = newId[sets.find(edges.a()[i])];
            int b = newId[sets.find(edges.b()[i])];
            if (a > 0 && b > 0 && a != b) {
                finalGraph.add(a, b, edges.w()[i]);
            }
        }
        return new Result(seg, count, java.util.Arrays.copyOf(newSizes, count + 1), finalGraph.sorted());
    }
}
