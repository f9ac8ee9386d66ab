package org.basin.agglomerate;

import java.util.Arrays;
import org.basin.error.BasinException;
import org.basin.graph.RegionGraph;

/**
 * Mean-affinity agglomeration (waterz; Lee, Zung, Li, Jain &amp; Seung 2017, arXiv 1706.00120): repeatedly merge the
 * two adjacent segments whose boundary has the highest mean affinity (the sum of the affinities of all voxel edges
 * between them over their number), the merged segment's boundaries being the sums of its parts', until the best mean
 * is below the lowest threshold. One pass serves every threshold: the segmentation at threshold t is the merges
 * before the first one whose mean is below t (the order of merges does not depend on t).
 *
 * <p>Exact and chunk-independent: means are compared as fractions of the region graph's integer fixed-point sums
 * (128-bit cross products, never rounded), and equal means are taken in the order of the key of the pair's strongest
 * voxel edge (smallest key among equals: the watershed's canonical order, global voxel indices), so the merges are
 * the same whichever chunking made the region graph. Segment ids themselves are never used to break a tie.
 *
 * <p>Sees only the region graph (segments 1..count): after the merge step that graph is global, so this runs once
 * per volume, and its output is a small table per threshold (segment -> agglomerated segment) that the parallel
 * relabel step applies.
 */
public final class MeanAffinity {
    private MeanAffinity() {
    }

    /**
     * The merges in the order made: {@code a[i]} and {@code b[i]} (segment ids, each naming its group at that
     * moment: the merges form a forest over the segments), the boundary's affinity sum (fixed point) and count,
     * and {@code level[i]}: the smallest mean of merges 0..i, in double (merge i is in the segmentation at threshold t
     * when level[i] >= t, so a viewer's slider over the levels follows the agglomeration; {@link #cut} decides it
     * exactly on the integer sums).
     */
    public record Merges(int segments, int[] a, int[] b, long[] sum, long[] count, double[] level) {
        public int size() {
            return a.length;
        }

        /** The mean affinity of merge i's boundary. */
        public double mean(int i) {
            return sum[i] / RegionGraph.SCALE / count[i];
        }

        /** How many merges threshold t keeps: those before the first whose mean is below t (compared exactly). */
        public int cut(float t) {
            long ft = RegionGraph.fixed(t);
            for (int i = 0; i < a.length; i++) {
                if (compare(sum[i], count[i], ft, 1) < 0) {
                    return i;
                }
            }
            return a.length;
        }

        /**
         * The segmentation at threshold t as a table: entry s the agglomerated id of segment s (entry 0 is 0), ids
         * 1..k numbered in the order of their smallest segment.
         */
        public long[] table(float t) {
            int k = cut(t);
            int[] parent = new int[segments + 1];
            for (int s = 0; s <= segments; s++) {
                parent[s] = s;
            }
            for (int i = 0; i < k; i++) {
                int ra = find(parent, a[i]);
                int rb = find(parent, b[i]);
                parent[Math.max(ra, rb)] = Math.min(ra, rb); // the root is the group's smallest id
            }
            long[] out = new long[segments + 1];
            long next = 0;
            for (int s = 1; s <= segments; s++) {
                int r = find(parent, s);
                out[s] = r == s ? ++next : out[r];
            }
            return out;
        }
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    /** Compares sa/ca with sb/cb (counts positive) exactly: the sign of sa * cb - sb * ca in 128 bits. */
    static int compare(long sa, long ca, long sb, long cb) {
        long h1 = Math.multiplyHigh(sa, cb);
        long l1 = sa * cb;
        long h2 = Math.multiplyHigh(sb, ca);
        long l2 = sb * ca;
        return h1 != h2 ? Long.compare(h1, h2) : Long.compareUnsigned(l1, l2);
    }

    /**
     * Agglomerates segments 1..{@code segments} over {@code graph} (pairs a &lt; b, each with its strongest affinity
     * w and its key, and its fixed-point sum and count) until the best mean is below {@code lowest}.
     */
    public static Merges run(int segments, RegionGraph.Edges graph, float lowest) {
        return new Run(segments, graph).until(RegionGraph.fixed(lowest));
    }

    /** The state of one agglomeration: live edges in an indexed heap, adjacency lists, a pair -> edge table. */
    private static final class Run {
        final int segments;
        final int[] ea;
        final int[] eb;
        final float[] ew;
        final long[] key;
        final long[] sum;
        final long[] count;
        final boolean[] alive;
        final int[][] adjacent; // per group root: its edges (some dead, dropped when the list is rebuilt)
        final int[] adjacentSize;
        final int[] parent;
        final int[] heap;
        final int[] heapAt; // edge -> position in heap, -1 when out
        int heapSize;
        final PairTable pairs;

        Run(int segments, RegionGraph.Edges g) {
            int m = g.size();
            if (m > 0 && (g.sum() == null || g.key() == null)) {
                throw new IllegalArgumentException("the region graph has no affinity sums or keys");
            }
            this.segments = segments;
            ea = g.a().clone();
            eb = g.b().clone();
            ew = g.w().clone();
            key = m == 0 ? new long[0] : g.key().clone();
            sum = m == 0 ? new long[0] : g.sum().clone();
            count = m == 0 ? new long[0] : g.count().clone();
            alive = new boolean[m];
            parent = new int[segments + 1];
            for (int s = 0; s <= segments; s++) {
                parent[s] = s;
            }
            adjacentSize = new int[segments + 1];
            pairs = new PairTable(m);
            for (int i = 0; i < m; i++) {
                int a = ea[i];
                int b = eb[i];
                if (a <= 0 || b <= 0 || a > segments || b > segments || a == b) {
                    throw BasinException.badInput("region-graph edge " + i + " joins segments " + a + " and " + b + " (segments are 1.." + segments + ")");
                }
                if (count[i] <= 0) {
                    throw BasinException.badInput("region-graph edge " + i + " (" + a + ", " + b + ") has " + count[i] + " voxel edges");
                }
                if (pairs.get(a, b) >= 0) {
                    throw BasinException.badInput("region-graph pair (" + a + ", " + b + ") given twice");
                }
                pairs.put(a, b, i);
                alive[i] = true;
                adjacentSize[a]++;
                adjacentSize[b]++;
            }
            adjacent = new int[segments + 1][];
            for (int s = 1; s <= segments; s++) {
                adjacent[s] = new int[adjacentSize[s]];
                adjacentSize[s] = 0;
            }
            for (int i = 0; i < m; i++) {
                adjacent[ea[i]][adjacentSize[ea[i]]++] = i;
                adjacent[eb[i]][adjacentSize[eb[i]]++] = i;
            }
            heap = new int[m];
            heapAt = new int[m];
            for (int i = 0; i < m; i++) {
                heap[i] = i;
                heapAt[i] = i;
            }
            heapSize = m;
            for (int i = m / 2 - 1; i >= 0; i--) {
                down(i);
            }
        }

        /** Whether edge e goes before edge f: higher mean, equal means by smaller key. */
        boolean before(int e, int f) {
            int c = compare(sum[e], count[e], sum[f], count[f]);
            return c != 0 ? c > 0 : key[e] < key[f];
        }

        void up(int i) {
            int e = heap[i];
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!before(e, heap[p])) {
                    break;
                }
                heap[i] = heap[p];
                heapAt[heap[i]] = i;
                i = p;
            }
            heap[i] = e;
            heapAt[e] = i;
        }

        void down(int i) {
            int e = heap[i];
            while (true) {
                int c = 2 * i + 1;
                if (c >= heapSize) {
                    break;
                }
                if (c + 1 < heapSize && before(heap[c + 1], heap[c])) {
                    c++;
                }
                if (!before(heap[c], e)) {
                    break;
                }
                heap[i] = heap[c];
                heapAt[heap[i]] = i;
                i = c;
            }
            heap[i] = e;
            heapAt[e] = i;
        }

        void remove(int e) {
            int i = heapAt[e];
            heapAt[e] = -1;
            int last = heap[--heapSize];
            if (i < heapSize) {
                heap[i] = last;
                heapAt[last] = i;
                up(i);
                down(heapAt[last]);
            }
        }

        void changed(int e) {
            up(heapAt[e]);
            down(heapAt[e]);
        }

        Merges until(long lowestFixed) {
            int cap = Math.max(16, Math.min(segments, heap.length));
            int[] ma = new int[cap];
            int[] mb = new int[cap];
            long[] ms = new long[cap];
            long[] mc = new long[cap];
            double[] level = new double[cap];
            int n = 0;
            double low = Double.POSITIVE_INFINITY;
            while (heapSize > 0) {
                int e = heap[0];
                if (compare(sum[e], count[e], lowestFixed, 1) < 0) {
                    break;
                }
                if (n == ma.length) {
                    int c = n * 2;
                    ma = Arrays.copyOf(ma, c);
                    mb = Arrays.copyOf(mb, c);
                    ms = Arrays.copyOf(ms, c);
                    mc = Arrays.copyOf(mc, c);
                    level = Arrays.copyOf(level, c);
                }
                ma[n] = ea[e];
                mb[n] = eb[e];
                ms[n] = sum[e];
                mc[n] = count[e];
                low = Math.min(low, sum[e] / RegionGraph.SCALE / count[e]);
                level[n++] = low;
                merge(e);
            }
            return new Merges(segments, Arrays.copyOf(ma, n), Arrays.copyOf(mb, n), Arrays.copyOf(ms, n), Arrays.copyOf(mc, n),
                    Arrays.copyOf(level, n));
        }

        /** Joins the two groups of edge e: the one with fewer edges into the other, boundaries to a common neighbour added up. */
        void merge(int e) {
            remove(e);
            alive[e] = false;
            int u = ea[e];
            int v = eb[e];
            pairs.remove(u, v);
            int keep = adjacentSize[u] >= adjacentSize[v] ? u : v;
            int gone = keep == u ? v : u;
            parent[gone] = keep;
            int[] list = adjacent[gone];
            for (int j = 0; j < adjacentSize[gone]; j++) {
                int f = list[j];
                if (!alive[f]) {
                    continue;
                }
                int w = ea[f] == gone ? eb[f] : ea[f];
                pairs.remove(gone, w);
                int g = pairs.get(keep, w);
                if (g >= 0) {
                    // one boundary now: sums and counts add, the strongest voxel edge (smallest key of equals) names it
                    sum[g] = Math.addExact(sum[g], sum[f]);
                    count[g] += count[f];
                    if (ew[f] > ew[g] || (ew[f] == ew[g] && key[f] < key[g])) {
                        ew[g] = ew[f];
                        key[g] = key[f];
                    }
                    alive[f] = false;
                    remove(f);
                    changed(g);
                } else {
                    // the edge now joins keep and w (ends kept ordered a < b)
                    ea[f] = Math.min(w, keep);
                    eb[f] = Math.max(w, keep);
                    pairs.put(keep, w, f);
                    append(keep, f);
                }
            }
            adjacent[gone] = null;
            adjacentSize[gone] = 0;
        }

        void append(int s, int f) {
            int[] list = adjacent[s];
            if (adjacentSize[s] == list.length) {
                // drop the dead edges first; grow only when most are alive
                int k = 0;
                for (int j = 0; j < adjacentSize[s]; j++) {
                    if (alive[list[j]]) {
                        list[k++] = list[j];
                    }
                }
                adjacentSize[s] = k;
                if (k * 2 > list.length || list.length == 0) {
                    list = Arrays.copyOf(list, Math.max(4, list.length * 2));
                    adjacent[s] = list;
                }
            }
            list[adjacentSize[s]++] = f;
        }
    }

    /** Open addressing from a pair of segment ids to an edge, with deletion by backward shift (no tombstones). */
    static final class PairTable {
        private long[] keys;
        private int[] values;
        private int mask;

        PairTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            keys = new long[cap];
            values = new int[cap];
            Arrays.fill(keys, -1L);
            mask = cap - 1;
        }

        private static long pair(int a, int b) {
            return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
        }

        private int slot(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }

        int get(int a, int b) {
            long k = pair(a, b);
            for (int i = slot(k); keys[i] != -1L; i = (i + 1) & mask) {
                if (keys[i] == k) {
                    return values[i];
                }
            }
            return -1;
        }

        /** Puts a pair not in the table (the number of pairs never grows beyond the graph's edges). */
        void put(int a, int b, int value) {
            long k = pair(a, b);
            int i = slot(k);
            while (keys[i] != -1L) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            values[i] = value;
        }

        void remove(int a, int b) {
            long k = pair(a, b);
            int i = slot(k);
            while (keys[i] != k) {
                if (keys[i] == -1L) {
                    return;
                }
                i = (i + 1) & mask;
            }
            // shift later entries of the run back over the hole where their home slot allows
            int hole = i;
            for (int j = (i + 1) & mask; keys[j] != -1L; j = (j + 1) & mask) {
                int home = slot(keys[j]);
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    keys[hole] = keys[j];
                    values[hole] = values[j];
                    hole = j;
                }
            }
            keys[hole] = -1L;
        }
    }
}
