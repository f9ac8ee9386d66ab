package org.basin.omni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DendrogramTest {
    @Test
    void keepsTheEdgesInsideTheRegionInLocalIds() {
        // the region holds global segments 40, 7 and 12: local ids 1, 2, 3 in order of global id
        Relabeling region = Relabeling.of(new long[] {0, 40, 40, 7, 12, 12, 0});
        assertArrayEquals(new long[] {0, 7, 12, 40}, region.globalOfLocal());
        long[] edges = {7, 40, 12, 99, 7, 12, 3, 5};
        float[] affinity = {0.9f, 0.8f, 0.7f, 0.6f};
        Dendrogram d = Dendrogram.restrict(edges, affinity, region);
        assertEquals(2, d.size());
        // row 0: first ids, row 1: second ids
        assertArrayEquals(new int[] {1, 1, 3, 2}, d.ids());
        assertArrayEquals(new float[] {0.9f, 0.7f}, d.values());
    }
}
