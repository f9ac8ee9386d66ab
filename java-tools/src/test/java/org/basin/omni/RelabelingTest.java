package org.basin.omni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RelabelingTest {
    @Test
    void localIdsFollowAscendingGlobalIdsForRunsAndScatteredValues() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            long[] g = new long[5000];
            for (int i = 0; i < g.length;) {
                long v = rnd.nextInt(3) == 0 ? 0 : (trial % 2 == 0 ? 1 + rnd.nextInt(40) : rnd.nextLong() >>> 1);
                int run = 1 + rnd.nextInt(trial < 10 ? 3 : 60);
                for (int k = 0; k < run && i < g.length; k++) {
                    g[i++] = v;
                }
            }
            long[] ids = Arrays.stream(g).filter(v -> v != 0).distinct().sorted().toArray();
            Relabeling rl = Relabeling.of(g);
            assertEquals(ids.length, rl.count());
            assertArrayEquals(ids, Arrays.copyOfRange(rl.globalOfLocal(), 1, ids.length + 1));
            for (int i = 0; i < g.length; i++) {
                assertEquals(g[i] == 0 ? 0 : Arrays.binarySearch(ids, g[i]) + 1, rl.local()[i]);
            }
        }
        assertEquals(0, Relabeling.of(new long[] {0, 0, 0}).count());
        assertArrayEquals(new int[] {2, 2, 0, 1, 2}, Relabeling.of(new long[] {9, 9, 0, 3, 9}).local());
        // uint64 ids above 2^63 keep the signed order the map back has always had
        Relabeling big = Relabeling.of(new long[] {-5, 7, 0, -5});
        assertArrayEquals(new long[] {0, -5, 7}, big.globalOfLocal());
        assertArrayEquals(new int[] {1, 2, 0, 1}, big.local());
        assertArrayEquals(new int[] {2, 0, 1, 1}, Relabeling.localIds(new long[] {7, 0, -5, -5}, big.globalOfLocal()));
        assertNull(Relabeling.localIds(new long[] {7, 8}, big.globalOfLocal()));
    }
}
