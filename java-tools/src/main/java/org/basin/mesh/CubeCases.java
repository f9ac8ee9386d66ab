package org.basin.mesh;

import java.util.ArrayList;
import java.util.List;

/**
 * The marching-cubes case table, built from one rule rather than copied: on every cube face the inside corners are
 * cut off one by one (two diagonal inside corners of a face are separated, never joined). The segments a face gets
 * depend only on that face's four corners, so the two cells sharing a face draw the same segments there, and the
 * surface of every label is closed (the classic Lorensen table is not: its ambiguous faces leave holes).
 *
 * <p>Corner {@code c} of a cell sits at (x, y, z) = (c &amp; 1, c &gt;&gt; 1 &amp; 1, c &gt;&gt; 2 &amp; 1). Edge {@code e} runs along axis
 * {@code e / 4} (0 x, 1 y, 2 z) from corner {@link #edgeLow} to {@link #edgeHigh}. A case is the bit set of the inside
 * corners; {@link #triangles} lists its triangles as edge triples, counter-clockwise seen from outside (normals point
 * away from the inside corners).
 */
public final class CubeCases {
    private static final int[] EDGE_LOW = new int[12];
    private static final int[] EDGE_HIGH = new int[12];
    private static final int[][] TRIANGLES = new int[256][];

    static {
        for (int axis = 0; axis < 3; axis++) {
            int b = (axis + 1) % 3;
            int c = (axis + 2) % 3;
            for (int q = 0; q < 4; q++) {
                int low = ((q & 1) << b) | ((q >> 1) << c);
                EDGE_LOW[axis * 4 + q] = low;
                EDGE_HIGH[axis * 4 + q] = low | (1 << axis);
            }
        }
        int[][] faceCorners = new int[6][];
        for (int axis = 0; axis < 3; axis++) {
            int b = (axis + 1) % 3;
            int c = (axis + 2) % 3;
            for (int side = 0; side < 2; side++) {
                int base = side << axis;
                // counter-clockwise seen from outside: around +axis (e_b x e_c = e_axis) on the upper side, reversed below
                int[] ring = {base, base | (1 << b), base | (1 << b) | (1 << c), base | (1 << c)};
                if (side == 0) {
                    ring = new int[] {ring[0], ring[3], ring[2], ring[1]};
                }
                faceCorners[axis * 2 + side] = ring;
            }
        }
        for (int mask = 0; mask < 256; mask++) {
            TRIANGLES[mask] = build(mask, faceCorners);
        }
    }

    private CubeCases() {
    }

    public static int edgeLow(int edge) {
        return EDGE_LOW[edge];
    }

    public static int edgeHigh(int edge) {
        return EDGE_HIGH[edge];
    }

    public static int edgeAxis(int edge) {
        return edge >> 2;
    }

    /** The triangles of case {@code mask} as edge triples (a shared array: do not change it). */
    public static int[] triangles(int mask) {
        return TRIANGLES[mask];
    }

    static int edgeBetween(int c0, int c1) {
        for (int e = 0; e < 12; e++) {
            if ((EDGE_LOW[e] == c0 && EDGE_HIGH[e] == c1) || (EDGE_LOW[e] == c1 && EDGE_HIGH[e] == c0)) {
                return e;
            }
        }
        throw new IllegalArgumentException("corners " + c0 + " and " + c1 + " share no edge");
    }

    private static int[] build(int mask, int[][] faceCorners) {
        // next[e]: the crossing point that follows edge e's point on the polygon boundary
        int[] next = new int[12];
        java.util.Arrays.fill(next, -1);
        int[] faceOf = new int[12 * 2];
        java.util.Arrays.fill(faceOf, -1);
        for (int f = 0; f < 6; f++) {
            int[] ring = faceCorners[f];
            for (int k = 0; k < 4; k++) {
                int from = ring[k];
                int to = ring[(k + 1) % 4];
                boolean in0 = (mask >> from & 1) != 0;
                boolean in1 = (mask >> to & 1) != 0;
                if (!in0 && in1) {
                    // the inside run that starts here ends at the next edge leaving the inside
                    int entry = edgeBetween(from, to);
                    for (int j = 1; j < 4; j++) {
                        int a = ring[(k + j) % 4];
                        int bb = ring[(k + j + 1) % 4];
                        if ((mask >> a & 1) != 0 && (mask >> bb & 1) == 0) {
                            next[entry] = edgeBetween(a, bb);
                            break;
                        }
                    }
                }
                int e = edgeBetween(from, to);
                if (in0 != in1) {
                    faceOf[e * 2 + (faceOf[e * 2] < 0 ? 0 : 1)] = f;
                }
            }
        }
        List<int[]> tris = new ArrayList<>();
        boolean[] done = new boolean[12];
        for (int e = 0; e < 12; e++) {
            if (next[e] < 0 || done[e]) {
                continue;
            }
            List<Integer> cycle = new ArrayList<>();
            for (int p = e; !done[p]; p = next[p]) {
                done[p] = true;
                cycle.add(p);
            }
            int n = cycle.size();
            // a fan whose diagonals never join two points of one face: such a diagonal could be drawn by the cell
            // on the other side of the face as well, and its edge would then have four triangles
            int start = -1;
            for (int s = 0; s < n && start < 0; s++) {
                boolean ok = true;
                for (int i = 2; i <= n - 2 && ok; i++) {
                    ok = !shareFace(cycle.get(s), cycle.get((s + i) % n), faceOf);
                }
                if (ok) {
                    start = s;
                }
            }
            if (start < 0) {
                throw new IllegalStateException("case " + mask + ": no fan without a face diagonal");
            }
            for (int i = 1; i + 1 < n; i++) {
                // the boundary runs entry -> exit on each face, which winds counter-clockwise seen from outside
                tris.add(new int[] {cycle.get(start), cycle.get((start + i) % n), cycle.get((start + i + 1) % n)});
            }
        }
        int[] out = new int[tris.size() * 3];
        for (int i = 0; i < tris.size(); i++) {
            System.arraycopy(tris.get(i), 0, out, i * 3, 3);
        }
        return out;
    }

    private static boolean shareFace(int e0, int e1, int[] faceOf) {
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                if (faceOf[e0 * 2 + i] >= 0 && faceOf[e0 * 2 + i] == faceOf[e1 * 2 + j]) {
                    return true;
                }
            }
        }
        return false;
    }
}
