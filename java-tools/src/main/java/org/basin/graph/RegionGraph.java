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
 *
 * <p>Each pair also keeps the sum and count of all its voxel edges' affinities (mean-affinity agglomeration). The sum
 * is in fixed point ({@link #fixed}: the affinity times 2^32, rounded): integer sums, so a pair's sum is the same
 * whichever chunks and in whichever order its voxel edges were added, bit for bit.
 */
public final class RegionGraph {
    // Neighbouring voxels mostly repeat the same few pairs: a small direct-mapped cache in front of the table keeps
    // their maxima and touches the table only when a pair is evicted (a 256^3 watershed: ~6M adds, ~150k pairs).
    private static final int RECENT = 1 << 13;
    private final long[] recentKeys = new long[RECENT];
    private final float[] recentWeights = new float[RECENT];
    private final long[] recentEdges = new long[RECENT];
    private final long[] recentSums = new long[RECENT];
    private final long[] recentCounts = new long[RECENT];
    // The pairs in dense arrays, in the order they came, and an open-addressing index over those that came through
    // add (1 + their position; 0: empty): 20 bytes a pair and 4 a slot, where 20 bytes a slot at load <= 1/2 cost a
    // 64^3 chunk's watershed 18% more allocation than before the voxel-edge keys (now 8%).
    private long[] keys;
    private float[] weights;
    private long[] edges; // the key of the pair's defining voxel edge
    private long[] sums; // fixed point, see fixed()
    private long[] counts;
    private int size;
    private int[] slots;
    private int mask;
    private int indexed; // pairs in slots

    public RegionGraph() {
        this(1024);
    }

    public RegionGraph(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        slots = new int[cap];
        mask = cap - 1;
        int dense = Math.max(16, expected);
        keys = new long[dense];
        weights = new float[dense];
        edges = new long[dense];
        sums = new long[dense];
        counts = new long[dense];
        Arrays.fill(recentKeys, -1L);
    }

    /** The fixed-point scale of the sums: an affinity w counts as round(w * 2^32). */
    public static final double SCALE = 0x1p32;

    /** An affinity in the sums' fixed point: round(w * 2^32), exact for every float32 w of at least 2^-8. */
    public static long fixed(float w) {
        return Math.round(w * SCALE);
    }

    /** a + b, or a clear error where the fixed-point sums of a pair overflow (affinities far outside [0, 1]). */
    static long add(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw new ArithmeticException("region-graph affinity sum overflows 64 bits (affinities far outside [0, 1]?)");
        }
        return r;
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
        long fw = fixed(w);
        if (old == k) {
            float ow = recentWeights[slot];
            if (w > ow) {
                recentWeights[slot] = w;
                recentEdges[slot] = edge;
            } else if (w == ow && edge < recentEdges[slot]) {
                recentEdges[slot] = edge;
            }
            recentSums[slot] += fw; // one chunk's voxel edges: at most 2^31 of at most 2^32 each
            recentCounts[slot]++;
            return;
        }
        if (old != -1L) {
            put(old, recentWeights[slot], recentEdges[slot], recentSums[slot], recentCounts[slot]);
        }
        recentKeys[slot] = k;
        recentWeights[slot] = w;
        recentEdges[slot] = edge;
        recentSums[slot] = fw;
        recentCounts[slot] = 1;
    }

    /**
     * Records an edge that stands for {@code count} voxel edges of affinity sum {@code sum} (fixed point), the
     * strongest of weight w with key {@code edge}: a pair from another graph (the merge step's face edges, a chunk's).
     */
    public void add(int a, int b, float w, long edge, long sum, long count) {
        flushSlot(key(a, b));
        put(key(a, b), w + 0f, edge, sum, count);
    }

    private void flushSlot(long k) {
        int slot = (int) (k * 0x9E3779B97F4A7C15L >>> 51);
        if (recentKeys[slot] == k) {
            put(k, recentWeights[slot], recentEdges[slot], recentSums[slot], recentCounts[slot]);
            recentKeys[slot] = -1L;
        }
    }

    /** Makes room for {@code more} pairs at once (no doubling, no copies left behind), e.g. before {@link #addUnique}. */
    public void reserveUnique(int more) {
        if (size + more > keys.length) {
            resize(size + more);
        }
    }

    /**
     * Records an edge the caller guarantees no other call records (the same pair neither here nor through
     * {@link #add}): kept as is, without the index (a merge step adding every chunk's already distinct edges).
     */
    public void addUnique(int a, int b, float w, long edge, long sum, long count) {
        append(key(a, b), w + 0f, edge, sum, count);
    }

    private int append(long k, float w, long edge, long sum, long count) {
        if (size == keys.length) {
            // doubling past 2^20 pairs: an eighth more (a merge step reserved its chunks' edges and adds the faces')
            resize(size < 1 << 20 ? Math.max(16, size * 2) : size + (size >> 3));
        }
        keys[size] = k;
        weights[size] = w;
        edges[size] = edge;
        sums[size] = sum;
        counts[size] = count;
        return ++size;
    }

    private void resize(int cap) {
        keys = Arrays.copyOf(keys, cap);
        weights = Arrays.copyOf(weights, cap);
        edges = Arrays.copyOf(edges, cap);
        sums = Arrays.copyOf(sums, cap);
        counts = Arrays.copyOf(counts, cap);
    }

    private void flush() {
        for (int i = 0; i < RECENT; i++) {
            if (recentKeys[i] != -1L) {
                put(recentKeys[i], recentWeights[i], recentEdges[i], recentSums[i], recentCounts[i]);
                recentKeys[i] = -1L;
            }
        }
    }

    private void put(long k, float w, long edge, long sum, long count) {
        int i = hash(k) & mask;
        while (true) {
            int at = slots[i] - 1;
            if (at < 0) {
                slots[i] = append(k, w, edge, sum, count);
                if (++indexed * 2 > slots.length) {
                    grow();
                }
                return;
            }
            if (keys[at] == k) {
                if (w > weights[at]) {
                    weights[at] = w;
                    edges[at] = edge;
                } else if (w == weights[at] && edge < edges[at]) {
                    edges[at] = edge;
                }
                sums[at] = add(sums[at], sum);
                counts[at] += count;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Twice the slots, the indexed pairs placed again from the dense arrays (which stay as they are). */
    private void grow() {
        int[] old = slots;
        slots = new int[old.length * 2];
        mask = slots.length - 1;
        for (int s : old) {
            if (s != 0) {
                int i = hash(keys[s - 1]) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = s;
            }
        }
    }

    /** The number of distinct pairs. */
    public int size() {
        flush();
        return size;
    }

    /** The edges sorted by decreasing weight, ties by increasing key: the order single linkage takes them in. */
    public Edges sorted() {
        return sorted(true);
    }

    /**
     * As {@link #sorted()}; {@code withKeys} false leaves {@link Edges#key} null, for a caller that needs only the
     * order (the merge step: 8 bytes an edge less at its peak).
     */
    public Edges sorted(boolean withKeys) {
        flush();
        // Stable LSD radix sorts, by key and then by descending weight, O(n) where a comparison sort of 760k merge-step
        // edges cost ~70 ms. The records (key, weight digit, position) move physically, read in order and written to
        // 2^11 runs: sorting positions and reading the keys through them cost a cache miss per edge and pass, half of
        // the merge step at 268 Mvoxels.
        int n = size;
        long[] key = new long[n];
        int[] wd = new int[n];
        int[] at = new int[n];
        long all = 0;
        for (int i = 0; i < n; i++) {
            key[i] = edges[i];
            wd[i] = descending(weights[i]);
            at[i] = i;
            all |= edges[i];
        }
        long[] key2 = new long[n];
        int[] wd2 = new int[n];
        int[] at2 = new int[n];
        int[] count = new int[1 << 11];
        for (int shift = 0; shift < 64 && (all >>> shift) != 0; shift += 11) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) (key[i] >>> shift) & 0x7FF]++;
            }
            if (spread(count, n)) {
                for (int i = 0; i < n; i++) {
                    int d = count[(int) (key[i] >>> shift) & 0x7FF]++;
                    key2[d] = key[i];
                    wd2[d] = wd[i];
                    at2[d] = at[i];
                }
                long[] tk = key;
                key = key2;
                key2 = tk;
                int[] tw = wd;
                wd = wd2;
                wd2 = tw;
                int[] ta = at;
                at = at2;
                at2 = ta;
            }
        }
        key = null; // the weight passes need only the digits and the positions
        key2 = null;
        for (int shift = 0; shift < 32; shift += 11) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(wd[i] >>> shift) & 0x7FF]++;
            }
            if (spread(count, n)) {
                for (int i = 0; i < n; i++) {
                    int d = count[(wd[i] >>> shift) & 0x7FF]++;
                    wd2[d] = wd[i];
                    at2[d] = at[i];
                }
                int[] tw = wd;
                wd = wd2;
                wd2 = tw;
                int[] ta = at;
                at = at2;
                at2 = ta;
            }
        }
        int[] src = at;
        Edges e = new Edges(new int[n], new int[n], new float[n], withKeys ? new long[n] : null, new long[n], new long[n]);
        for (int i = 0; i < n; i++) {
            int j = src[i];
            e.a[i] = (int) (keys[j] >>> 32);
            e.b[i] = (int) keys[j];
            e.w[i] = weights[j];
            e.sum[i] = sums[j];
            e.count[i] = counts[j];
            if (withKeys) {
                e.key[i] = edges[j];
            }
        }
        return e;
    }

    /**
     * Turns digit counts into each digit's first position; false (nothing to move) where all n have one digit. A
     * pass that moves nothing is skipped: weights in [0, 1] share their top digit, small keys their high ones.
     */
    private static boolean spread(int[] count, int n) {
        for (int d = 0, sum = 0; d < count.length; d++) {
            int c = count[d];
            if (c == n) {
                return false;
            }
            count[d] = sum;
            sum += c;
        }
        return true;
    }

    /** An int that orders, as unsigned, as the weight does in reverse. */
    private static int descending(float w) {
        return ~ascending(w) ^ Integer.MIN_VALUE;
    }

    /**
     * The sorted edges with their ends renamed through {@code to} (an end renamed to 0 or less drops the edge, as
     * do ends that become one), a pair that repeats keeping its first edge: the strongest, of those the smallest key,
     * so the order stays that of {@link #sorted}, and adding its sum and count. Only pairs with an end in
     * {@code shared} (new ids that several old ones became) can repeat, and only those are looked up: a renaming that
     * joins little costs a pass, not a table. Keys may be null (then none come out).
     */
    public static Edges renamed(Edges sorted, int[] to, boolean[] shared) {
        int m = sorted.size();
        boolean stats = sorted.sum() != null;
        boolean keyed = sorted.key() != null;
        Edges out = new Edges(new int[m], new int[m], new float[m], keyed ? new long[m] : null, stats ? new long[m] : null,
                stats ? new long[m] : null);
        long[] seen = null; // open addressing over the pairs with a shared end; sized so it never fills
        int[] seenAt = null; // where each seen pair went in out
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
                    seenAt = new int[seen.length];
                    Arrays.fill(seen, -1L);
                    mask = seen.length - 1;
                }
                long key = key(a, b);
                int h = hash(key) & mask;
                while (seen[h] != -1L && seen[h] != key) {
                    h = (h + 1) & mask;
                }
                if (seen[h] == key) {
                    // an earlier edge of the pair came first in the order: it stays, this one's voxel edges join it
                    if (stats) {
                        out.sum[seenAt[h]] = add(out.sum[seenAt[h]], sorted.sum()[i]);
                        out.count[seenAt[h]] += sorted.count()[i];
                    }
                    continue;
                }
                seen[h] = key;
                seenAt[h] = k;
            }
            out.a[k] = Math.min(a, b);
            out.b[k] = Math.max(a, b);
            out.w[k] = sorted.w()[i];
            if (keyed) {
                out.key[k] = sorted.key()[i];
            }
            if (stats) {
                out.sum[k] = sorted.sum()[i];
                out.count[k] = sorted.count()[i];
            }
            k++;
        }
        return k == m ? out : out.first(k);
    }

    /** An int that orders as the float does (-0 just below +0, though add stores no -0). */
    private static int ascending(float w) {
        int bits = Float.floatToIntBits(w);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /**
     * Parallel arrays of edges: a[i] < b[i], weight w[i] (the largest affinity between them), the key of the voxel
     * edge that defines it key[i] (key null where the edges' order was all that was wanted), and the sum (fixed
     * point, see {@link RegionGraph#fixed}) and count of all the voxel edges between them (null where not kept).
     */
    public record Edges(int[] a, int[] b, float[] w, long[] key, long[] sum, long[] count) {
        public static final Edges NONE = new Edges(new int[0], new int[0], new float[0], new long[0], new long[0], new long[0]);

        /** Edges without sums and counts. */
        public Edges(int[] a, int[] b, float[] w, long[] key) {
            this(a, b, w, key, null, null);
        }

        public int size() {
            return a.length;
        }

        /** The mean affinity of edge i: its sum over its count. */
        public double mean(int i) {
            return sum[i] / SCALE / count[i];
        }

        /** The first k edges. */
        public Edges first(int k) {
            return new Edges(Arrays.copyOf(a, k), Arrays.copyOf(b, k), Arrays.copyOf(w, k), key == null ? null : Arrays.copyOf(key, k),
                    sum == null ? null : Arrays.copyOf(sum, k), count == null ? null : Arrays.copyOf(count, k));
        }
    }
}
