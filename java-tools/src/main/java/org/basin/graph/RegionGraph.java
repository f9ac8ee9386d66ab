package org.basin.graph;

import java.util.Arrays;

/**
 * Edges between segments, each weighted by the maximum affinity across their shared boundary. Built by
 * {@link #add} (keeps the maximum per pair) and read back sorted by decreasing weight.
 */
public final class RegionGraph {
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
                add((int) (ok[i] >>> 32), (int) ok[i], ow[i]);
            }
        }
    }

    public int size() {
        return size;
    }

    /** The edges sorted by decreasing weight, ties by (a, b): a deterministic order. */
    public Edges sorted() {
        Edges e = new Edges(new int[size], new int[size], new float[size]);
        int n = 0;
        Integer[] order = new Integer[size];
        long[] ks = new long[size];
        float[] ws = new float[size];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != -1L) {
                ks[n] = keys[i];
                ws[n] = weights[i];
                order[n] = n;
                n++;
            }
        }
        Arrays.sort(order, (x, y) -> {
            int c = Float.compare(ws[y], ws[x]);
            return c != 0 ? c : Long.compare(ks[x], ks[y]);
        });
        for (int i = 0; i < n; i++) {
            e.a[i] = (int) (ks[order[i]] >>> 32);
            e.b[i] = (int) ks[order[i]];
            e.w[i] = ws[order[i]];
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
