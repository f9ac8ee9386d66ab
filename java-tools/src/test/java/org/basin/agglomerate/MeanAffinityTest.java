package org.basin.agglomerate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.basin.error.BasinException;
import org.basin.graph.RegionGraph;
import org.junit.jupiter.api.Test;

class MeanAffinityTest {
    private static long f(double w) {
        return RegionGraph.fixed((float) w);
    }

    /** Four segments in a row: 1-2 mean 0.9 (one strong edge), 2-3 mean 0.5 exactly (0.875 and 0.125), 3-4 mean 0.7. */
    private static RegionGraph.Edges row() {
        return new RegionGraph.Edges(new int[] {1, 2, 3}, new int[] {2, 3, 4}, new float[] {0.9f, 0.875f, 0.7f}, new long[] {5, 1, 9},
                new long[] {f(0.9), f(0.875) + f(0.125), f(0.7)}, new long[] {1, 2, 1});
    }

    @Test
    void mergesByMeanNotByMaximumAndCutsEveryThresholdFromOnePass() {
        MeanAffinity.Merges m = MeanAffinity.run(4, row(), 0.2f);
        // 1-2 (0.9) first, then 3-4 (0.7), then (12)-(34) across 2-3 (mean 0.5, though its strongest edge is 0.875)
        assertEquals(3, m.size());
        assertEquals(0.9, m.mean(0), 1e-7);
        assertEquals(0.7, m.mean(1), 1e-7);
        assertEquals(0.5, m.mean(2), 1e-7);
        assertArrayEquals(new long[] {0, 1, 1, 2, 3}, m.table(0.8f));
        assertArrayEquals(new long[] {0, 1, 1, 2, 2}, m.table(0.6f));
        assertArrayEquals(new long[] {0, 1, 1, 1, 1}, m.table(0.5f), "a mean equal to the threshold merges");
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, m.table(0.95f));
        assertEquals(3, m.cut(0.2f));
        assertEquals(0, m.cut(1f));
    }

    @Test
    void boundariesToACommonNeighbourAddUp() {
        // 1-2 merge (0.8); 3 touches 1 (0.6, 1 edge) and 2 (0.2, 3 edges): one boundary of mean (0.6 + 0.6) / 4 = 0.3
        RegionGraph.Edges g = new RegionGraph.Edges(new int[] {1, 1, 2}, new int[] {2, 3, 3}, new float[] {0.8f, 0.6f, 0.2f},
                new long[] {1, 2, 3}, new long[] {f(0.8), f(0.6), 3 * f(0.2)}, new long[] {1, 1, 3});
        MeanAffinity.Merges m = MeanAffinity.run(3, g, 0.25f);
        assertEquals(2, m.size());
        assertEquals(f(0.6) + 3 * f(0.2), m.sum()[1]);
        assertEquals(4, m.count()[1]);
        assertEquals(0.3, m.level()[1], 1e-7);
        assertEquals(1, MeanAffinity.run(3, g, 0.31f).size(), "0.3 < 0.31: the second merge is not made");
    }

    @Test
    void equalMeansGoInTheOrderOfTheirKeysNotOfTheirIds() {
        // segment 2 ties 1 and 3 at 0.5; the pair with the smaller voxel-edge key (2-3, key 4) goes first
        RegionGraph.Edges g = new RegionGraph.Edges(new int[] {1, 2}, new int[] {2, 3}, new float[] {0.5f, 0.5f}, new long[] {7, 4},
                new long[] {f(0.5), f(0.5)}, new long[] {1, 1});
        MeanAffinity.Merges m = MeanAffinity.run(3, g, 0.5f);
        assertArrayEquals(new int[] {2, 1}, new int[] {m.a()[0], m.a()[1]});
        assertEquals(3, m.b()[0]);
    }

    @Test
    void levelsNeverRiseSoASliderFollowsTheCuts() {
        // merging 1-2 (0.6) makes 3's boundary to (12) mean (0.9 + 0.9) / 2 = 0.9 > 0.6 when 3-2 was 0.9 alone...
        // here 3 touches 1 at 0.95 (1 edge) and 2 at 0.85 (1 edge), 1-2 at 0.99: after 1-2, (12)-3 is 0.9
        RegionGraph.Edges g = new RegionGraph.Edges(new int[] {1, 1, 2}, new int[] {2, 3, 3}, new float[] {0.99f, 0.95f, 0.85f},
                new long[] {1, 2, 3}, new long[] {f(0.99), f(0.95), f(0.85)}, new long[] {1, 1, 1});
        MeanAffinity.Merges m = MeanAffinity.run(3, g, 0f);
        assertEquals(0.99, m.level()[0], 1e-6);
        assertEquals(0.9, m.mean(1), 1e-6);
        assertEquals(0.9, m.level()[1], 1e-6);
    }

    @Test
    void badGraphsAreNamed() {
        RegionGraph.Edges g = new RegionGraph.Edges(new int[] {1}, new int[] {5}, new float[] {0.5f}, new long[] {1}, new long[] {1}, new long[] {1});
        BasinException e = assertThrows(BasinException.class, () -> MeanAffinity.run(3, g, 0f));
        assertEquals("region-graph edge 0 joins segments 1 and 5 (segments are 1..3)", e.getMessage());
    }

    /** Reference: the textbook loop, every step recomputing all boundaries from the original edges (BigInteger). */
    static List<long[]> reference(int n, RegionGraph.Edges g, float lowest, List<int[]> partitions) {
        int[] group = new int[n + 1];
        for (int s = 0; s <= n; s++) {
            group[s] = s;
        }
        List<long[]> out = new ArrayList<>();
        while (true) {
            Map<Long, long[]> pairs = new HashMap<>(); // sum, count, w bits, key
            for (int i = 0; i < g.size(); i++) {
                int p = group[g.a()[i]];
                int q = group[g.b()[i]];
                if (p == q) {
                    continue;
                }
                long k = ((long) Math.min(p, q) << 32) | Math.max(p, q);
                long[] acc = pairs.computeIfAbsent(k, x -> new long[] {0, 0, Float.floatToIntBits(Float.NEGATIVE_INFINITY), Long.MAX_VALUE});
                acc[0] += g.sum()[i];
                acc[1] += g.count()[i];
                float w = Float.intBitsToFloat((int) acc[2]);
                if (g.w()[i] > w || (g.w()[i] == w && g.key()[i] < acc[3])) {
                    acc[2] = Float.floatToIntBits(g.w()[i]);
                    acc[3] = g.key()[i];
                }
            }
            long bestPair = -1;
            long[] best = null;
            for (Map.Entry<Long, long[]> e : pairs.entrySet()) {
                long[] c = e.getValue();
                if (best == null) {
                    best = c;
                    bestPair = e.getKey();
                    continue;
                }
                int cmp = BigInteger.valueOf(c[0]).multiply(BigInteger.valueOf(best[1])).compareTo(BigInteger.valueOf(best[0]).multiply(BigInteger.valueOf(c[1])));
                if (cmp > 0 || (cmp == 0 && c[3] < best[3])) {
                    best = c;
                    bestPair = e.getKey();
                }
            }
            if (best == null || BigInteger.valueOf(best[0]).compareTo(BigInteger.valueOf(RegionGraph.fixed(lowest)).multiply(BigInteger.valueOf(best[1]))) < 0) {
                return out;
            }
            out.add(new long[] {best[0], best[1]});
            int p = (int) (bestPair >>> 32);
            int q = (int) bestPair;
            for (int s = 1; s <= n; s++) {
                if (group[s] == q) {
                    group[s] = p;
                }
            }
            partitions.add(group.clone());
        }
    }

    /** Whether two labelings of 1..n are the same partition. */
    static void assertSamePartition(long[] a, int[] b, String what) {
        Map<Long, Integer> fw = new HashMap<>();
        Map<Integer, Long> bw = new HashMap<>();
        for (int s = 1; s < a.length; s++) {
            Integer x = fw.putIfAbsent(a[s], b[s]);
            Long y = bw.putIfAbsent(b[s], a[s]);
            if ((x != null && x != b[s]) || (y != null && y != a[s])) {
                throw new AssertionError(what + ": segment " + s + " grouped differently");
            }
        }
    }

    @Property(tries = 300)
    void equalsTheTextbookLoopOnRandomGraphsWithTies(@ForAll @IntRange(min = 1, max = 25) int n, @ForAll @IntRange(min = 0, max = 3) int palette,
            @ForAll long seed) {
        Random r = new Random(seed);
        float[][] values = {{0.5f}, {0.2f, 0.4f, 0.6f, 0.8f}, {0.1f, 0.3f, 0.5f, 0.5f, 0.9f, 1f}, {}};
        Set<Long> seen = new HashSet<>();
        List<int[]> pairs = new ArrayList<>();
        int m = n < 2 ? 0 : r.nextInt(3 * n);
        for (int i = 0; i < m; i++) {
            int a = 1 + r.nextInt(n);
            int b = 1 + r.nextInt(n);
            if (a != b && seen.add(((long) Math.min(a, b) << 32) | Math.max(a, b))) {
                pairs.add(new int[] {Math.min(a, b), Math.max(a, b)});
            }
        }
        int k = pairs.size();
        int[] ea = new int[k];
        int[] eb = new int[k];
        float[] w = new float[k];
        long[] key = new long[k];
        long[] sum = new long[k];
        long[] count = new long[k];
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            keys.add((long) i * 7 + r.nextInt(7));
        }
        java.util.Collections.shuffle(keys, r);
        for (int i = 0; i < k; i++) {
            ea[i] = pairs.get(i)[0];
            eb[i] = pairs.get(i)[1];
            key[i] = keys.get(i);
            int c = 1 + r.nextInt(palette == 0 ? 1 : 4);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                float v = values[palette].length == 0 ? r.nextFloat() : values[palette][r.nextInt(values[palette].length)];
                sum[i] += RegionGraph.fixed(v);
                max = Math.max(max, v);
            }
            count[i] = c;
            w[i] = max;
        }
        RegionGraph.Edges g = new RegionGraph.Edges(ea, eb, w, key, sum, count);
        float lowest = new float[] {0f, 0.3f, 0.5f}[r.nextInt(3)];
        MeanAffinity.Merges fast = MeanAffinity.run(n, g, lowest);
        List<int[]> partitions = new ArrayList<>();
        List<long[]> ref = reference(n, g, lowest, partitions);
        assertEquals(ref.size(), fast.size(), "merges");
        for (int i = 0; i < ref.size(); i++) {
            assertEquals(ref.get(i)[0], fast.sum()[i], "merge " + i + " sum");
            assertEquals(ref.get(i)[1], fast.count()[i], "merge " + i + " count");
            if (i > 0) {
                assertEquals(true, fast.level()[i] <= fast.level()[i - 1], "levels fall");
            }
        }
        // every cut: at each merge's own mean (a boundary case) and at the lowest threshold
        for (int i = 0; i < fast.size(); i++) {
            float t = (float) fast.mean(i);
            int cut = fast.cut(t);
            int[] expected = cut == 0 ? identity(n) : partitions.get(cut - 1);
            assertSamePartition(fast.table(t), expected, "threshold " + t);
        }
    }

    private static int[] identity(int n) {
        int[] out = new int[n + 1];
        for (int s = 0; s <= n; s++) {
            out[s] = s;
        }
        return out;
    }
}
