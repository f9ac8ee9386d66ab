package org.basin.watershed;

import java.util.Arrays;
import org.basin.graph.DisjointSets;

/**
 * Test helper: Zlateski &amp; Seung's watershed written plainly, for affinities where no voxel between T_low and
 * T_high has two best edges (then no plateau is more than two voxels, and basins need no tie rule), with single
 * linkage taken one voxel edge at a time in decreasing affinity, ties in the canonical order (the voxel edge of
 * {@code aff[c][v]} has key 3 v + c). Shares nothing with basin's code but the parameters record.
 */
final class SequentialReference {
    private SequentialReference() {
    }

    /** Whether every voxel whose best edge lies strictly between T_low and T_high has only one edge that good. */
    static boolean tieSafe(float[] aff, int[] shape, WatershedParams p) {
        int n = shape[0] * shape[1] * shape[2];
        for (int v = 0; v < n; v++) {
            float m = best(aff, shape, v);
            if (m > p.tLow() && m < p.tHigh() && count(aff, shape, v, m) > 1) {
                return false;
            }
        }
        return true;
    }

    /** Lowers tied best edges (all but the first) until {@link #tieSafe}: ties elsewhere stay. */
    static void makeTieSafe(float[] aff, int[] shape, WatershedParams p) {
        int n = shape[0] * shape[1] * shape[2];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int v = 0; v < n; v++) {
                float m = best(aff, shape, v);
                if (m > p.tLow() && m < p.tHigh() && count(aff, shape, v, m) > 1) {
                    boolean first = true;
                    for (int d = 0; d < 6; d++) {
                        int e = edge(shape, v, d);
                        if (e >= 0 && aff[e] == m) {
                            if (!first) {
                                aff[e] = m * 0.5f;
                                changed = true;
                            }
                            first = false;
                        }
                    }
                }
            }
        }
    }

    /** The final labels (0: background), each segment some positive id. */
    static int[] labels(float[] aff, int[] shape, WatershedParams p) {
        int n = shape[0] * shape[1] * shape[2];
        if (!tieSafe(aff, shape, p)) {
            throw new IllegalArgumentException("a voxel has tied best edges");
        }
        // basins: each voxel joins its best neighbour, a voxel whose best is at least T_high all its edges that are
        DisjointSets basins = new DisjointSets(n);
        boolean[] background = new boolean[n];
        for (int v = 0; v < n; v++) {
            float m = best(aff, shape, v);
            background[v] = m <= p.tLow();
            for (int d = 0; d < 6 && !background[v]; d++) {
                int e = edge(shape, v, d);
                if (e >= 0 && (m >= p.tHigh() ? aff[e] >= p.tHigh() : aff[e] == m)) {
                    basins.union(v, neighbour(shape, v, d));
                }
            }
        }
        long[] size = new long[n];
        for (int v = 0; v < n; v++) {
            if (!background[v]) {
                size[basins.find(v)]++;
            }
        }
        // every voxel edge between two basins, strongest first, ties by key
        long[] keys = new long[3 * n];
        int m = 0;
        for (int v = 0; v < n; v++) {
            for (int c = 0; c < 3; c++) {
                int e = edge(shape, v, c);
                if (e >= 0 && !background[v] && !background[neighbour(shape, v, c)]) {
                    keys[m++] = 3L * v + c;
                }
            }
        }
        Long[] order = new Long[m];
        for (int i = 0; i < m; i++) {
            order[i] = keys[i];
        }
        Arrays.sort(order, (x, y) -> {
            int byWeight = Float.compare(aff[affIndex(n, y)] + 0f, aff[affIndex(n, x)] + 0f);
            return byWeight != 0 ? byWeight : Long.compare(x, y);
        });
        int[] parent = new int[n];
        for (int v = 0; v < n; v++) {
            parent[v] = basins.find(v);
        }
        DisjointSets sets = new DisjointSets(n);
        long[] setSize = size.clone();
        for (Long k : order) {
            int v = (int) (k / 3);
            int c = (int) (k % 3);
            float w = aff[affIndex(n, k)];
            int a = sets.find(parent[v]);
            int b = sets.find(parent[neighbour(shape, v, c)]);
            if (a == b) {
                continue;
            }
            double limit = switch (p.sizeRule()) {
                case CONSTANT -> w >= p.tMerge() ? p.tSize() : 0;
                case SQUARE -> w > p.tLow() ? p.tSize() * (double) w * w : 0;
            };
            if (w >= p.tHigh() || setSize[a] < limit || setSize[b] < limit) {
                int r = sets.union(a, b);
                setSize[r] = setSize[a] + setSize[b];
            }
        }
        int[] out = new int[n];
        for (int v = 0; v < n; v++) {
            if (!background[v]) {
                int r = sets.find(parent[v]);
                out[v] = setSize[r] < p.tDust() ? 0 : r + 1;
            }
        }
        return out;
    }

    private static int affIndex(int n, long key) {
        return (int) (key % 3) * n + (int) (key / 3);
    }

    /** The affinity index of v's edge in direction d (0..2: -z, -y, -x; 3..5: +z, +y, +x), or -1 off the volume. */
    private static int edge(int[] s, int v, int d) {
        int n = s[0] * s[1] * s[2];
        int[] at = {v / (s[1] * s[2]), v / s[2] % s[1], v % s[2]};
        int a = d % 3;
        if (d < 3) {
            return at[a] > 0 ? a * n + v : -1;
        }
        return at[a] < s[a] - 1 ? a * n + neighbour(s, v, d) : -1;
    }

    private static int neighbour(int[] s, int v, int d) {
        int[] step = {s[1] * s[2], s[2], 1};
        return d < 3 ? v - step[d] : v + step[d - 3];
    }

    private static float best(float[] aff, int[] s, int v) {
        float m = Float.NEGATIVE_INFINITY;
        for (int d = 0; d < 6; d++) {
            int e = edge(s, v, d);
            if (e >= 0) {
                m = Math.max(m, aff[e]);
            }
        }
        return m;
    }

    private static int count(float[] aff, int[] s, int v, float m) {
        int k = 0;
        for (int d = 0; d < 6; d++) {
            int e = edge(s, v, d);
            k += e >= 0 && aff[e] == m ? 1 : 0;
        }
        return k;
    }
}
