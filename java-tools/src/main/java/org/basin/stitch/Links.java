package org.basin.stitch;

import java.util.Arrays;

/**
 * Edges of the hierarchical merge whose ends are segment references (see {@link MergeTask}): a positive reference is
 * a still-open segment of the state that holds the edges (1..openCount), a negative one a segment already final
 * ({@link MergeTask#finalRef}). Each edge has its weight (largest affinity), the key of its defining voxel edge (the
 * canonical order: decreasing weight, then increasing key), and where kept the fixed-point sum and count of all its
 * voxel edges; tree candidates also carry the ends they stand between ({@code va}, {@code vb}: a candidate may stand
 * for a path of the tree, see {@link MergeTask}). Columns not kept are null.
 */
public record Links(long[] a, long[] b, float[] w, long[] key, long[] sum, long[] count, long[] va, long[] vb) {
    public static final Links NONE = new Links(new long[0], new long[0], new float[0], new long[0], null, null, null, null);

    public int size() {
        return a.length;
    }

    /** Bytes the columns hold. */
    public long bytes() {
        long n = size();
        return n * (8 + 8 + 4 + 8) + (sum == null ? 0 : n * 16) + (va == null ? 0 : n * 16);
    }

    /** True when edge i comes before edge j in the canonical order (decreasing weight, then increasing key). */
    static boolean before(float wi, long ki, float wj, long kj) {
        return wi > wj || (wi == wj && ki < kj);
    }

    /** The edges' positions in the canonical order (a stable merge sort, no boxing). */
    static int[] order(float[] w, long[] key, int n) {
        int[] at = new int[n];
        for (int i = 0; i < n; i++) {
            at[i] = i;
        }
        int[] buf = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    buf[k++] = before(w[at[j]], key[at[j]], w[at[i]], key[at[i]]) ? at[j++] : at[i++];
                }
                while (i < mid) {
                    buf[k++] = at[i++];
                }
                while (j < hi) {
                    buf[k++] = at[j++];
                }
            }
            int[] t = at;
            at = buf;
            buf = t;
        }
        return at;
    }

    /** A growable list of edges with every column; {@link #build} drops the ones not asked for. */
    static final class Builder {
        long[] a = new long[16];
        long[] b = new long[16];
        float[] w = new float[16];
        long[] key = new long[16];
        long[] sum = new long[16];
        long[] count = new long[16];
        long[] va = new long[16];
        long[] vb = new long[16];
        int size;

        int add(long ea, long eb, float ew, long ekey, long esum, long ecount, long eva, long evb) {
            if (size == a.length) {
                int cap = size * 2;
                a = Arrays.copyOf(a, cap);
                b = Arrays.copyOf(b, cap);
                w = Arrays.copyOf(w, cap);
                key = Arrays.copyOf(key, cap);
                sum = Arrays.copyOf(sum, cap);
                count = Arrays.copyOf(count, cap);
                va = Arrays.copyOf(va, cap);
                vb = Arrays.copyOf(vb, cap);
            }
            a[size] = ea;
            b[size] = eb;
            w[size] = ew;
            key[size] = ekey;
            sum[size] = esum;
            count[size] = ecount;
            va[size] = eva;
            vb[size] = evb;
            return size++;
        }

        Links build(boolean stats, boolean ends) {
            int n = size;
            return new Links(Arrays.copyOf(a, n), Arrays.copyOf(b, n), Arrays.copyOf(w, n), Arrays.copyOf(key, n),
                    stats ? Arrays.copyOf(sum, n) : null, stats ? Arrays.copyOf(count, n) : null, ends ? Arrays.copyOf(va, n) : null,
                    ends ? Arrays.copyOf(vb, n) : null);
        }
    }

    /** Open addressing from a pair of longs to a position (0: absent), for aggregating edges by their two ends. */
    static final class PairIndex {
        private long[] ka;
        private long[] kb;
        private int[] at;
        private int mask;
        private int used;

        PairIndex(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            ka = new long[cap];
            kb = new long[cap];
            at = new int[cap];
            mask = cap - 1;
        }

        private static int hash(long x, long y) {
            long h = x * 0x9E3779B97F4A7C15L + y * 0xC2B2AE3D27D4EB4FL;
            return (int) (h ^ (h >>> 29));
        }

        /** The position stored for (x, y), or -1. */
        int get(long x, long y) {
            int i = hash(x, y) & mask;
            while (at[i] != 0) {
                if (ka[i] == x && kb[i] == y) {
                    return at[i] - 1;
                }
                i = (i + 1) & mask;
            }
            return -1;
        }

        void put(long x, long y, int position) {
            if (2 * (used + 1) > at.length) {
                grow();
            }
            int i = hash(x, y) & mask;
            while (at[i] != 0) {
                if (ka[i] == x && kb[i] == y) {
                    at[i] = position + 1;
                    return;
                }
                i = (i + 1) & mask;
            }
            ka[i] = x;
            kb[i] = y;
            at[i] = position + 1;
            used++;
        }

        private void grow() {
            long[] oa = ka;
            long[] ob = kb;
            int[] oat = at;
            ka = new long[oa.length * 2];
            kb = new long[oa.length * 2];
            at = new int[oa.length * 2];
            mask = at.length - 1;
            for (int s = 0; s < oat.length; s++) {
                if (oat[s] != 0) {
                    int i = hash(oa[s], ob[s]) & mask;
                    while (at[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    ka[i] = oa[s];
                    kb[i] = ob[s];
                    at[i] = oat[s];
                }
            }
        }
    }
}
