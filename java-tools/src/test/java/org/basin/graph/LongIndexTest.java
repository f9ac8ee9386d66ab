package org.basin.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongIndexTest {
    @Test
    void indicesFollowFirstAdditionThroughGrowthForAnyNonZeroId() {
        Random rnd = new Random(11);
        LongIndex index = new LongIndex(4);
        Map<Long, Integer> expected = new HashMap<>();
        long[] order = new long[50_000];
        int n = 0;
        for (int i = 0; i < 200_000; i++) {
            // small ids collide in the low bits, huge and negative ones (uint64 above 2^63) in the high bits
            long id = switch (rnd.nextInt(3)) {
                case 0 -> 1 + rnd.nextInt(30_000);
                case 1 -> (1 + rnd.nextInt(10_000)) * 4096L;
                default -> rnd.nextLong() | 1;
            };
            if (n == order.length && !expected.containsKey(id)) {
                continue;
            }
            Integer want = expected.get(id);
            if (want == null) {
                want = n;
                expected.put(id, n);
                order[n++] = id;
            }
            assertEquals(want, index.add(id));
        }
        assertEquals(n, index.size());
        for (Map.Entry<Long, Integer> e : expected.entrySet()) {
            assertEquals(e.getValue(), index.indexOf(e.getKey()));
        }
        assertArrayEquals(Arrays.copyOf(order, n), index.ids());
        assertEquals(-1, index.indexOf(0));
        assertEquals(-1, index.indexOf(30_001 * 7919L + 3));
        assertThrows(IllegalArgumentException.class, () -> index.add(0));
    }
}
