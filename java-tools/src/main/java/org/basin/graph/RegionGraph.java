package org.basin.graph;

import java.util.Arrays;

/**
 * Edges between segments, each weighted by the maximum affinity across their shared boundary. Built by
 * {@link #add} (keeps the maximum per pair) and read back sorted by decreasing weight.
 */
public final class RegionGraph {
    // Neighbouring voxels mostly repeat the same few pairs: a small direct-mapped cache in front of the table keeps
    // their maxima and touches the table only when a pair is evicted (a 256^3 watershed: ~6M adds, ~150k pairs).
    private static final int RECENT = 1 << 13;
    private final long[] recentKeys = new long[RECENT];
    private final float[] recentWeights = new float[RECENT];
    private long[] keys;
    private float[] weights;
    private int size;
    private int mask;

    public RegionGraph() {
        this(1024);
    }

    public RegionGraph(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        weights = new float[cap];
        Arrays.fill(keys, -1L);
        Arrays.fill(recentKeys, -1L);
        mask = cap - 1;
    }

    private static long key(int a, int b) {
        return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Records an edge between segments a and b (both non-zero, different) of weight w; keeps the maximum. */
    public void add(int a, int b, float w) {
        long k = key(a, b);
        int slot = (int) (k * 0x9E3779B97F4A7C15L >>> 51); // 13 bits
        long old = recentKeys[slot];
        if (old == k) {
            if (w > recentWeights[slot]) {
                recentWeights[slot] = w;
            }
            return;
        }
        if (old != -1L) {
            put(old, recentWeights[slot]);
        }
        recentKeys[slot] = k;
        recentWeights[slot] = w;
    }

    private void flush() {
        for (int i = 0; i < RECENT; i++) {
            if (recentKeys[i] != -1L) {
                put(recentKeys[i], recentWeights[i]);
                recentKeys[i] = -1L;
            }
        }
    }

    private void put(long k, float w) {
        int i = hash(k) & mask;
        while (true) {
            if (keys[i] == -1L) {
                keys[i] = k;
                weights[i] = w;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            if (keys[i] == k) {
                if (w > weights[i]) {
                    weights[i] = w;
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    private float weight(long k) {
        int i = hash(k) & mask;
        while (keys[i] != k) {
            i = (i + 1) & mask;
        }
        return weights[i];
    }

    private void grow() {
        long[] ok = keys;
        float[] ow = weights;
        keys = new long[ok.length * 2];
        weights = new float[ok.length * 2];
        Arrays.fill(keys, -1L);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != -1L) {
                put(ok[i], ow[i]);
            }
        }
    }

    /** The number of distinct pairs. */
    public int size() {
        flush();
        return size;
    }

    /** The edges sorted by decreasing weight, ties by (a, b): a deterministic order. */
    public Edges sorted() {
        flush();
        // Two primitive sorts instead of one with a comparator: pairs by key give the tie order (their rank), then
        // (descending weight, rank) packed in one long.
        long[] ks = new long[size];
        int n = 0;
        for (long k : keys) {
            if (k != -1L) {
                ks[n++] = k;
            }
        }
        Arrays.sort(ks);
        float[] ws = new float[n];
        long[] order = new long[n];
        for (int r = 0; r < n; r++) {
            ws[r] = weight(ks[r]);
            int bits = Float.floatToIntBits(ws[r]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // orders as the floats do
            order[r] = ((long) ~ascending << 32) | r;
        }
        Arrays.sort(order);
        Edges e = new Edges(new int[n], new int[n], new float[n]);
        for (int i = 0; i < n; i++) {
            int r = (int) order[i];
            e.a[i] = (int) (ks[r] >>> 32);
            e.b[i] = (int) ks[r];
            e.w[i] = ws[r];
        }
        return e;
    }

    /** Parallel arrays of edges: a[i] < b[i], weight w[i]. */
    public record Edges(int[] a, int[] b, float[] w) {
        public int size() {
            return a.length;
        }
    }
}
