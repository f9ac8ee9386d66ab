package org.basin.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RegionGraphTest {
    @Test
    void keepsTheMaximumPerPairInEitherOrderAndSortsByWeightThenKey() {
        RegionGraph g = new RegionGraph(4);
        g.add(3, 1, 0.2f, 1);
        g.add(1, 3, 0.7f, 40);
        g.add(1, 3, 0.5f, 2);
        g.add(1, 3, 0.7f, 30); // as strong, smaller key: it defines the edge
        g.add(1, 3, 0.7f, 35);
        g.add(2, 5, 0.7f, 33);
        g.add(9, 4, -0.5f, 7);
        g.add(1, 2, 0.9f, 50);
        assertEquals(4, g.size());
        RegionGraph.Edges e = g.sorted();
        assertArrayEquals(new int[] {1, 1, 2, 4}, e.a());
        assertArrayEquals(new int[] {2, 3, 5, 9}, e.b());
        assertArrayEquals(new float[] {0.9f, 0.7f, 0.7f, -0.5f}, e.w());
        assertArrayEquals(new long[] {50, 30, 33, 7}, e.key());
    }

    @Test
    void uniquePairsSortWithTheOthersTiesByKey() {
        RegionGraph g = new RegionGraph(4);
        g.reserveUnique(40); // more room than the graph has yet: one resize
        g.add(7, 3, 0.5f, 9);
        g.addUnique(2, 1, 0.5f, 12, 0, 1);
        g.addUnique(4, 9, 0.8f, 3, 0, 1);
        g.add(1, 5, 0.8f, 4);
        g.add(5, 1, 0.3f, 1);
        g.addUnique(3, 4, 0.5f, 2, 0, 1);
        g.addUnique(6, 8, -0.0f, 5, 0, 1);
        g.add(6, 7, 0.0f, 6);
        g.add(6, 7, -0.0f, 0); // -0 is +0: a tie, and the smaller key wins
        assertEquals(7, g.size());
        RegionGraph.Edges e = g.sorted();
        assertArrayEquals(new int[] {4, 1, 3, 3, 1, 6, 6}, e.a());
        assertArrayEquals(new int[] {9, 5, 4, 7, 2, 7, 8}, e.b());
        assertArrayEquals(new float[] {0.8f, 0.8f, 0.5f, 0.5f, 0.5f, 0.0f, 0.0f}, e.w());
        assertArrayEquals(new long[] {3, 4, 2, 9, 12, 0, 5}, e.key());
        RegionGraph.Edges order = g.sorted(false);
        assertArrayEquals(e.a(), order.a());
        assertArrayEquals(e.b(), order.b());
        assertEquals(null, order.key());
    }

    @Test
    void sumsAndCountsAddExactlyWhateverTheOrderAndThePath() {
        // the same voxel edges in two orders, one graph through add, the other partly through the stats add and
        // addUnique (as the merge step takes a chunk's graph): equal fixed-point sums, bit for bit
        float[] w = {0.1f, 0.3f, 0.7f, 0.3f, 1e-3f, 0.9999f};
        RegionGraph forward = new RegionGraph();
        RegionGraph backward = new RegionGraph();
        for (int i = 0; i < w.length; i++) {
            forward.add(1, 2, w[i], 10 + i);
        }
        long s = 0;
        for (int i = w.length - 1; i >= 3; i--) {
            backward.add(2, 1, w[i], 10 + i);
        }
        for (int i = 0; i < 3; i++) {
            s += RegionGraph.fixed(w[i]);
        }
        backward.add(1, 2, 0.7f, 12, s, 3);
        RegionGraph.Edges f = forward.sorted();
        RegionGraph.Edges b = backward.sorted();
        long expected = 0;
        for (float v : w) {
            expected += Math.round(v * 4294967296.0);
        }
        assertArrayEquals(new long[] {expected}, f.sum());
        assertArrayEquals(new long[] {expected}, b.sum());
        assertArrayEquals(new long[] {6}, f.count());
        assertArrayEquals(new long[] {6}, b.count());
        assertArrayEquals(new float[] {0.9999f}, b.w());
        assertArrayEquals(new long[] {15}, b.key());
        assertEquals(3006477056L, RegionGraph.fixed(0.7f), "0.7f (0.699999988...) in fixed point");
        assertEquals((0.1f + 0.3f + 0.7f + 0.3f + 1e-3f + 0.9999f) / 6, f.mean(0), 1e-7);
        // renaming 3 and 1 both to 1 adds the pairs' sums: (1,2) and (2,3) become one
        RegionGraph g = new RegionGraph();
        g.add(1, 2, 0.5f, 4);
        g.add(1, 2, 0.25f, 5);
        g.add(2, 3, 0.75f, 9);
        g.add(3, 4, 0.125f, 1);
        RegionGraph.Edges r = RegionGraph.renamed(g.sorted(), new int[] {0, 1, 2, 1, 0}, new boolean[] {false, true, false});
        assertArrayEquals(new int[] {1}, r.a());
        assertArrayEquals(new int[] {2}, r.b());
        assertArrayEquals(new float[] {0.75f}, r.w());
        assertArrayEquals(new long[] {9}, r.key());
        assertArrayEquals(new long[] {6442450944L}, r.sum(), "(0.5 + 0.25 + 0.75) x 2^32");
        assertArrayEquals(new long[] {3}, r.count());
    }

    @Test
    void manyPairsThroughTheRecentCacheAndTableGrowthMatchAPlainMap() {
        // more distinct pairs than the cache holds, revisited in random order: every maximum and its smallest key
        // must survive eviction
        Random r = new Random(7);
        RegionGraph g = new RegionGraph(16);
        Map<Long, float[]> expected = new HashMap<>(); // pair -> {weight, key}
        for (int i = 0; i < 200_000; i++) {
            int a = 1 + r.nextInt(3000);
            int b = 1 + r.nextInt(3000);
            if (a == b) {
                continue;
            }
            float w = r.nextInt(1000) / 1000f;
            long key = 3L * i + r.nextInt(3);
            if (r.nextBoolean()) {
                key = 3L * (400_000 - i);
            }
            g.add(a, b, w, key);
            expected.merge(((long) Math.min(a, b) << 32) | Math.max(a, b), new float[] {w, key},
                    (x, y) -> x[0] > y[0] || (x[0] == y[0] && x[1] < y[1]) ? x : y);
        }
        RegionGraph.Edges e = g.sorted();
        assertEquals(expected.size(), e.size());
        for (int i = 0; i < e.size(); i++) {
            float[] want = expected.get(((long) e.a()[i] << 32) | e.b()[i]);
            assertEquals(want[0], e.w()[i]);
            assertEquals((long) want[1], e.key()[i]);
            if (i > 0) {
                boolean ordered = e.w()[i - 1] > e.w()[i] || (e.w()[i - 1] == e.w()[i] && e.key()[i - 1] < e.key()[i]);
                assertEquals(true, ordered, "edge " + i + " out of order");
            }
        }
    }

    /** Past 2^20 pairs the arrays grow by an eighth, not twice (the merge step's memory): nothing is lost in the copies. */
    @Test
    void pairsPastAMillionSurviveTheGrowthByEighths() {
        RegionGraph g = new RegionGraph(16);
        int n = (1 << 20) + 300_000; // three growths by an eighth after the doublings
        long sum = 0;
        for (int i = 0; i < n; i++) {
            float w = (i % 997) / 997f;
            g.addUnique(i + 1, i + 2, w, 3L * i, RegionGraph.fixed(w) * 2, 2);
            sum += RegionGraph.fixed(w) * 2;
        }
        g.add(1, n + 5, 1f, 5L); // one more pair, through the index, after the unique ones
        RegionGraph.Edges e = g.sorted();
        assertEquals(n + 1, e.size());
        long sums = 0;
        long counts = 0;
        for (int i = 0; i < e.size(); i++) {
            sums += e.sum()[i];
            counts += e.count()[i];
            assertEquals(i == 0 ? n + 5 : e.a()[i] + 1, e.b()[i], "edge " + i);
        }
        assertEquals(sum + RegionGraph.fixed(1f), sums);
        assertEquals(2L * n + 1, counts);
        assertEquals(1f, e.w()[0]);
        assertEquals(1, e.a()[0], "the pair of weight 1 sorts first");
    }

    @Test
    void renamingEqualsAddingTheRenamedEdgesAgain() {
        // random graphs, random renamings that join ids, drop some (0 and -1) and reorder the rest: the same edges,
        // weights, keys and order as building a new graph from the renamed edges
        for (long seed = 0; seed < 60; seed++) {
            Random r = new Random(seed);
            int ids = 2 + r.nextInt(300);
            RegionGraph g = new RegionGraph(16);
            for (int i = 0; i < r.nextInt(3000); i++) {
                int a = 1 + r.nextInt(ids);
                int b = 1 + r.nextInt(ids);
                if (a != b) {
                    g.add(a, b, r.nextInt(seed % 2 == 0 ? 5 : 1000) / 8f, 3L * r.nextInt(1 << 20) + r.nextInt(3));
                }
            }
            RegionGraph.Edges e = g.sorted();
            int joins = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(ids);
            int newIds = Math.max(1, ids - joins);
            int[] to = new int[ids + 1];
            boolean[] shared = new boolean[newIds + 1];
            boolean[] taken = new boolean[newIds + 1];
            for (int id = 1; id <= ids; id++) {
                to[id] = r.nextInt(20) == 0 ? -r.nextInt(2) : 1 + (joins == 0 ? (id * 7919) % newIds : r.nextInt(newIds));
                if (to[id] > 0) {
                    shared[to[id]] |= taken[to[id]];
                    taken[to[id]] = true;
                }
            }
            RegionGraph expected = new RegionGraph(16);
            for (int i = 0; i < e.size(); i++) {
                int a = to[e.a()[i]];
                int b = to[e.b()[i]];
                if (a > 0 && b > 0 && a != b) {
                    expected.add(a, b, e.w()[i], e.key()[i]);
                }
            }
            RegionGraph.Edges want = expected.sorted();
            RegionGraph.Edges got = RegionGraph.renamed(e, to, shared);
            assertArrayEquals(want.a(), got.a(), "seed " + seed);
            assertArrayEquals(want.b(), got.b(), "seed " + seed);
            assertArrayEquals(want.w(), got.w(), "seed " + seed);
            assertArrayEquals(want.key(), got.key(), "seed " + seed);
        }
    }
}
