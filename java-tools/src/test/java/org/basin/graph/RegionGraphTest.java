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
    void keepsTheMaximumPerPairInEitherOrderAndSortsByWeightThenPair() {
        RegionGraph g = new RegionGraph(4);
        g.add(3, 1, 0.2f);
        g.add(1, 3, 0.7f);
        g.add(1, 3, 0.5f);
        g.add(2, 5, 0.7f);
        g.add(9, 4, -0.5f);
        g.add(1, 2, 0.9f);
        assertEquals(4, g.size());
        RegionGraph.Edges e = g.sorted();
        assertArrayEquals(new int[] {1, 1, 2, 4}, e.a());
        assertArrayEquals(new int[] {2, 3, 5, 9}, e.b());
        assertArrayEquals(new float[] {0.9f, 0.7f, 0.7f, -0.5f}, e.w());
    }

    @Test
    void uniquePairsSortWithTheOthersTiesByPair() {
        RegionGraph g = new RegionGraph(4);
        g.add(7, 3, 0.5f);
        g.addUnique(2, 1, 0.5f);
        g.addUnique(4, 9, 0.8f);
        g.add(1, 5, 0.8f);
        g.add(5, 1, 0.3f);
        g.addUnique(3, 4, 0.5f);
        g.addUnique(6, 8, -0.0f);
        g.add(6, 7, 0.0f);
        assertEquals(7, g.size());
        RegionGraph.Edges e = g.sorted();
        assertArrayEquals(new int[] {1, 4, 1, 3, 3, 6, 6}, e.a());
        assertArrayEquals(new int[] {5, 9, 2, 4, 7, 7, 8}, e.b());
        assertArrayEquals(new float[] {0.8f, 0.8f, 0.5f, 0.5f, 0.5f, 0.0f, -0.0f}, e.w());
    }

    @Test
    void manyPairsThroughTheRecentCacheAndTableGrowthMatchAPlainMap() {
        // more distinct pairs than the cache holds, revisited in random order: every maximum must survive eviction
        Random r = new Random(7);
        RegionGraph g = new RegionGraph(16);
        Map<Long, Float> expected = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            int a = 1 + r.nextInt(3000);
            int b = 1 + r.nextInt(3000);
            if (a == b) {
                continue;
            }
            float w = r.nextInt(1000) / 1000f;
            g.add(a, b, w);
            expected.merge(((long) Math.min(a, b) << 32) | Math.max(a, b), w, Math::max);
        }
        RegionGraph.Edges e = g.sorted();
        assertEquals(expected.size(), e.size());
        for (int i = 0; i < e.size(); i++) {
            assertEquals(expected.get(((long) e.a()[i] << 32) | e.b()[i]), e.w()[i]);
            if (i > 0) {
                boolean ordered = e.w()[i - 1] > e.w()[i]
                        || (e.w()[i - 1] == e.w()[i] && (e.a()[i - 1] < e.a()[i] || (e.a()[i - 1] == e.a()[i] && e.b()[i - 1] < e.b()[i])));
                assertEquals(true, ordered, "edge " + i + " out of order");
            }
        }
    }
    @Test
    void renamingEqualsAddingTheRenamedEdgesAgain() {
        // random graphs, random renamings that join ids, drop some (0 and -1) and reorder the rest: the same edges,
        // weights and order as building a new graph from the renamed edges
        for (long seed = 0; seed < 60; seed++) {
            Random r = new Random(seed);
            int ids = 2 + r.nextInt(300);
            RegionGraph g = new RegionGraph(16);
            for (int i = 0; i < r.nextInt(3000); i++) {
                int a = 1 + r.nextInt(ids);
                int b = 1 + r.nextInt(ids);
                if (a != b) {
                    g.add(a, b, r.nextInt(seed % 2 == 0 ? 5 : 1000) / 8f);
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
                    expected.add(a, b, e.w()[i]);
                }
            }
            RegionGraph.Edges want = expected.sorted();
            RegionGraph.Edges got = RegionGraph.renamed(e, to, shared);
            assertArrayEquals(want.a(), got.a(), "seed " + seed);
            assertArrayEquals(want.b(), got.b(), "seed " + seed);
            assertArrayEquals(want.w(), got.w(), "seed " + seed);
        }
    }
    @Test
    void radixSortIsUnsignedAndStable() {
        Random r = new Random(3);
        for (int n : new int[] {0, 1, 7, 5000}) {
            int[] keys = new int[n];
            int[] values = new int[n];
            for (int i = 0; i < n; i++) {
                keys[i] = r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(9) - 4; // few distinct keys (ties), negatives
                values[i] = i;
            }
            long[] expected = new long[n]; // unsigned key, then original position: what a stable sort gives
            for (int i = 0; i < n; i++) {
                expected[i] = (Integer.toUnsignedLong(keys[i]) << 20) | i;
            }
            Arrays.sort(expected);
            RegionGraph.radixSort(keys, values);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i] >>> 20, Integer.toUnsignedLong(keys[i]), "key " + i);
                assertEquals(expected[i] & 0xFFFFF, values[i], "value " + i);
            }
        }
    }
}
