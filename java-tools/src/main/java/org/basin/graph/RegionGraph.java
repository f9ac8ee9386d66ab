package org.basin.graph;

import java.util.Arrays;

/**
 * Edges between segments, each weighted by the maximum affinity across their shared boundary and keyed by the voxel
 * edge that defines it (of those with that affinity, the one of smallest key). Built by {@link #add} and read back
 * sorted by decreasing weight, equal weights by increasing key.
 *
 * <p>A voxel edge's key is {@code 3 * v + c} for the affinity {@code aff[c][v]}: with v a global voxel index, one
 * order every chunk and the merge step agree on (a chunk may use its own array's indices, which order its voxels as
 * the global ones do, and the merge step makes them global).
 */
public final class RegionGraph {
    // Neighbouring voxels mostly repeat the same few pairs: a small direct-mapped cache in front of the table keeps
    // their maxima and touches the table only when a pair is evicted (a 256^3 watershed: ~6M adds, ~150k pairs).
    private static final int RECENT = 1 << 13;
    private final long[] recentKeys = new long[RECENT];
    private final float[] recentWeights = new float[RECENT];
    private final long[] recentEdges = new long[RECENT];
    private long[] keys;
    private float[] weights;
    private long[] edges; // per pair: the key of its defining voxel edge
    private int size;
    private int mask;
    // pairs the caller guarantees are added once and never through add (a chunk's own edges in the merge step)
    private long[] uniqueKeys = new long[0];
    private float[] uniqueWeights = new float[0];
    private long[] uniqueEdges = new long[0];
    private int uniqueCount;

    public RegionGraph() {
        this(1024);
    }

    public RegionGraph(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        weights = new float[cap];
        edges = new long[cap];
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

    /**
     * Records an edge between segments a and b (both non-zero, different) of weight w, defined by the voxel edge of
     * key {@code edge}; keeps the maximum weight, and of equal weights the smallest key.
     */
    public void add(int a, int b, float w, long edge) {
        w += 0f; // -0 becomes +0: equal weights are equal bits, whichever voxel edge came first
        long k = key(a, b);
        int slot = (int) (k * 0x9E3779B97F4A7C15L >>> 51); // 13 bits
        long old = recentKeys[slot];
        if (old == k) {
            float ow = recentWeights[slot];
            if (w > ow) {
                recentWeights[slot] = w;
                recentEdges[slot] = edge;
            } else if (w == ow && edge < recentEdges[slot]) {
                recentEdges[slot] = edge;
            }
            return;
        }
        if (old != -1L) {
            put(old, recentWeights[slot], recentEdges[slot]);
        }
        recentKeys[slot] = k;
        recentWeights[slot] = w;
        recentEdges[slot] = edge;
    }

    /**
     * Records an edge the caller guarantees no other call records (the same pair neither here nor through
     * {@link #add}): kept as is, without the table (a merge step adding every chunk's already distinct edges).
     */
    public void addUnique(int a, int b, float w, long edge) {
        if (uniqueCount == uniqueKeys.length) {
            int cap = Math.max(16, uniqueKeys.length * 2);
            uniqueKeys = Arrays.copyOf(uniqueKeys, cap);
            uniqueWeights = Arrays.copyOf(uniqueWeights, cap);
            uniqueEdges = Arrays.copyOf(uniqueEdges, cap);
        }
        uniqueKeys[uniqueCount] = key(a, b);
        uniqueEdges[uniqueCount] = edge;
        uniqueWeights[uniqueCount++] = w + 0f;
    }

    private void flush() {
        for (int i = 0; i < RECENT; i++) {
            if (recentKeys[i] != -1L) {
                put(recentKeys[i], recentWeights[i], recentEdges[i]);
                recentKeys[i] = -1L;
            }
        }
    }

    private void put(long k, float w, long edge) {
        int i = hash(k) & mask;
        while (true) {
            if (keys[i] == -1L) {
                keys[i] = k;
                weights[i] = w;
                edges[i] = edge;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            if (keys[i] == k) {
                if (w > weights[i]) {
                    weights[i] = w;
                    edges[i] = edge;
                } else if (w == weights[i] && edge < edges[i]) {
                    edges[i] = edge;
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] ok = keys;
        float[] ow = weights;
        long[] oe = edges;
        keys = new long[ok.length * 2];
        weights = new float[ok.length * 2];
        edges = new long[ok.length * 2];
        Arrays.fill(keys, -1L);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != -1L) {
                put(ok[i], ow[i], oe[i]);
            }
        }
    }

    /** The number of distinct pairs. */
    public int size() {
        flush();
        return size + uniqueCount;
    }

    /** The edges sorted by decreasing weight, ties by increasing key: the order single linkage takes them in. */
    public Edges sorted() {
        flush();
        // Stable LSD radix sorts of where each pair is (table slot, or table length + i for the i-th unique pair):
        // by key, then by descending weight. O(n), where a comparison sort of 760k merge-step edges cost ~70 ms.
        int n = size + uniqueCount;
        long[] edge = new long[n];
        int[] at = new int[n];
        int m = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != -1L) {
                edge[m] = edges[i];
                at[m++] = i;
            }
        }
        for (int i = 0; i < uniqueCount; i++) {
            edge[m] = uniqueEdges[i];
            at[m++] = keys.length + i;
        }
        radixSort(edge, at);
        int[] weight = new int[n];
        for (int i = 0; i < n; i++) {
            weight[i] = descending(weightAt(at[i]));
        }
        radixSort(weight, at);
        Edges e = new Edges(new int[n], new int[n], new float[n], new long[n]);
        for (int i = 0; i < n; i++) {
            long k = keyAt(at[i]);
            e.a[i] = (int) (k >>> 32);
            e.b[i] = (int) k;
            e.w[i] = weightAt(at[i]);
            e.key[i] = at[i] < keys.length ? edges[at[i]] : uniqueEdges[at[i] - keys.length];
        }
        return e;
    }

    /** Sorts {@code keys} (not negative), carrying {@code values} along, stably: LSD radix in 11-bit digits. */
    static void radixSort(long[] keys, int[] values) {
        int n = keys.length;
        long[] k2 = new long[n];
        int[] v2 = new int[n];
        int[] count = new int[1 << 11];
        long all = 0;
        for (long k : keys) {
            all |= k;
        }
        for (int shift = 0; shift < 64 && (all >>> shift) != 0; shift += 11) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) (keys[i] >>> shift) & 0x7FF]++;
            }
            if (count[(int) (keys[0] >>> shift) & 0x7FF] == n) {
                continue; // every key has this digit: the pass would move nothing
            }
            for (int d = 0, sum = 0; d < count.length; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int d = (int) (keys[i] >>> shift) & 0x7FF;
                int to = count[d]++;
                k2[to] = keys[i];
                v2[to] = values[i];
            }
            System.arraycopy(k2, 0, keys, 0, n);
            System.arraycopy(v2, 0, values, 0, n);
        }
    }

    /** Sorts {@code keys} as unsigned ints, carrying {@code values} along, stably: LSD radix in 11-bit digits. */
    static void radixSort(int[] keys, int[] values) {
        int n = keys.length;
        int[] k2 = new int[n];
        int[] v2 = new int[n];
        int[] count = new int[1 << 11];
        for (int shift = 0; shift < 32; shift += 11) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(keys[i] >>> shift) & 0x7FF]++;
            }
            if (n > 0 && count[(keys[0] >>> shift) & 0x7FF] == n) {
                continue; // every key has this digit: the pass would move nothing
            }
            for (int d = 0, sum = 0; d < count.length; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int d = (keys[i] >>> shift) & 0x7FF;
                int to = count[d]++;
                k2[to] = keys[i];
                v2[to] = values[i];
            }
            System.arraycopy(k2, 0, keys, 0, n);
            System.arraycopy(v2, 0, values, 0, n);
        }
    }

    /** An int that orders, as unsigned, as the weight does in reverse. */
    private static int descending(float w) {
        return ~ascending(w) ^ Integer.MIN_VALUE;
    }

    /**
     * The sorted edges with their ends renamed through {@code to} (an end renamed to 0 or less drops the edge, as
     * do ends that become one), a pair that repeats keeping its first edge: the strongest, of those the smallest key,
     * so the order stays that of {@link #sorted}. Only pairs with an end in {@code shared} (new ids that several old
     * ones became) can repeat, and only those are looked up: a renaming that joins little costs a pass, not a table.
     */
    public static Edges renamed(Edges sorted, int[] to, boolean[] shared) {
        int m = sorted.size();
        Edges out = new Edges(new int[m], new int[m], new float[m], new long[m]);
        long[] seen = null; // open addressing over the pairs with a shared end; sized so it never fills
        int mask = 0;
        int k = 0;
        for (int i = 0; i < m; i++) {
            int a = to[sorted.a()[i]];
            int b = to[sorted.b()[i]];
            if (a <= 0 || b <= 0 || a == b) {
                continue;
            }
            if (shared[a] || shared[b]) {
                if (seen == null) {
                    seen = new long[Integer.highestOneBit(Math.max(16, 2 * (m - i) - 1)) << 1];
                    Arrays.fill(seen, -1L);
                    mask = seen.length - 1;
                }
                long key = key(a, b);
                int h = hash(key) & mask;
                while (seen[h] != -1L && seen[h] != key) {
                    h = (h + 1) & mask;
                }
                if (seen[h] == key) {
                    continue; // an earlier edge of the pair came first in the order
                }
                seen[h] = key;
            }
            out.a[k] = Math.min(a, b);
            out.b[k] = Math.max(a, b);
            out.w[k] = sorted.w()[i];
            out.key[k++] = sorted.key()[i];
        }
        return k == m ? out : new Edges(Arrays.copyOf(out.a, k), Arrays.copyOf(out.b, k), Arrays.copyOf(out.w, k), Arrays.copyOf(out.key, k));
    }

    /** An int that orders as the float does (-0 just below +0, though add stores no -0). */
    private static int ascending(float w) {
        int bits = Float.floatToIntBits(w);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private long keyAt(int at) {
        return at < keys.length ? keys[at] : uniqueKeys[at - keys.length];
    }

    private float weightAt(int at) {
        return at < keys.length ? weights[at] : uniqueWeights[at - keys.length];
    }

    /** Parallel arrays of edges: a[i] < b[i], weight w[i], the key of the voxel edge that defines it key[i]. */
    public record Edges(int[] a, int[] b, float[] w, long[] key) {
        public static final Edges NONE = new Edges(new int[0], new int[0], new float[0], new long[0]);

        public int size() {
            return a.length;
        }
    }
}
