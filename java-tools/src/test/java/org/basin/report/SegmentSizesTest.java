package org.basin.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.basin.volume.Box;
import org.junit.jupiter.api.Test;

class SegmentSizesTest {
    @Test
    void log2BinsCountTheSizesGiven() {
        Histogram h = Histogram.log2(new long[] {1, 2, 3, 4, 7, 8, 1000, 0});
        assertArrayEquals(new long[] {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, h.lower());
        assertArrayEquals(new long[] {1, 2, 2, 1, 0, 0, 0, 0, 0, 1}, h.counts());
        assertEquals(7, h.total());
        assertEquals(1024, h.upper(9));
    }

    @Test
    void blockCountsAndBoxesSumOverBlocks() {
        // block A: z 0..1, y 0..2, x 0..3 ; block B: z 1..2 (same y, x)
        long[] a = {5, 5, 0, 0, 5, 8};
        long[] b = {8, 8, 8, 5, 0, 0};
        SegmentCounts ca = new SegmentCounts();
        ca.add(a, new Box(new int[] {0, 0, 0}, new int[] {1, 2, 3}));
        SegmentCounts cb = new SegmentCounts();
        cb.add(b, new Box(new int[] {1, 0, 0}, new int[] {2, 2, 3}));
        List<Segment> sa = ca.segments();
        assertEquals(2, sa.size());
        assertEquals(5, sa.get(0).id());
        assertEquals(3, sa.get(0).voxels());
        assertArrayEquals(new int[] {0, 0, 0}, sa.get(0).min());
        assertArrayEquals(new int[] {1, 2, 2}, sa.get(0).max());

        SegmentSizes sizes = new SegmentSizes();
        for (List<Segment> block : List.of(sa, cb.segments())) {
            block.forEach(s -> sizes.add(s.id(), s.voxels()));
        }
        assertEquals(2, sizes.segments());
        assertEquals(4, sizes.voxels(5));
        assertEquals(4, sizes.voxels(8));
        long[] top = sizes.largest(1);
        assertArrayEquals(new long[] {5}, top, "equal sizes: the smaller id first");
        for (List<Segment> block : List.of(sa, cb.segments())) {
            block.forEach(s -> sizes.addBounds(s, new long[] {5, 8}));
        }
        List<Segment> both = sizes.segments(new long[] {8, 5});
        assertArrayEquals(new int[] {0, 0, 0}, both.get(0).min());
        assertArrayEquals(new int[] {2, 2, 3}, both.get(0).max());
        assertArrayEquals(new int[] {0, 0, 0}, both.get(1).min());
        assertArrayEquals(new int[] {2, 2, 2}, both.get(1).max());
        assertEquals(4, both.get(1).voxels());
    }

    @Test
    void manySegmentsGrowTheTablesAndKeepTheLargestInOrder() {
        long[] labels = new long[100_000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = 1 + (i % 5000) / (1 + (i % 7)); // many ids, uneven sizes
        }
        SegmentCounts c = new SegmentCounts();
        c.add(labels, new Box(new int[] {0, 0, 0}, new int[] {10, 100, 100}));
        long[] expected = new long[5001];
        for (long v : labels) {
            expected[(int) v]++;
        }
        SegmentSizes sizes = new SegmentSizes();
        for (Segment s : c.segments()) {
            assertEquals(expected[(int) s.id()], s.voxels(), "segment " + s.id());
            sizes.add(s.id(), s.voxels());
        }
        long[] top = sizes.largest(10);
        for (int i = 1; i < top.length; i++) {
            assertTrue(sizes.voxels(top[i - 1]) >= sizes.voxels(top[i]));
        }
        long best = 0;
        for (long v : expected) {
            best = Math.max(best, v);
        }
        assertEquals(best, sizes.voxels(top[0]));
        assertThrows(IllegalArgumentException.class, () -> sizes.add(0, 1));
    }

    @Test
    void tablesRoundTripAndBadRowsAreNamed() {
        List<Segment> s = List.of(new Segment(3, 10, new int[] {1, 2, 3}, new int[] {4, 5, 6}));
        List<Object[]> rows = SegmentTable.rows(s);
        assertArrayEquals(new Object[] {"3", 10L, 3, 2, 1, 6, 5, 4}, rows.get(0));
        String[] text = Arrays.stream(rows.get(0)).map(String::valueOf).toArray(String[]::new);
        Segment back = SegmentTable.segments(List.of(SegmentTable.COLUMNS), List.<String[]>of(text), "t.tsv").get(0);
        assertArrayEquals(new int[] {1, 2, 3}, back.min());
        assertArrayEquals(new int[] {4, 5, 6}, back.max());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentTable.segments(List.of(SegmentTable.COLUMNS), List.<String[]>of(new String[] {"3", "x", "0", "0", "0", "1", "1", "1"}), "t.tsv"));
        assertTrue(e.getMessage().startsWith("t.tsv: row 2 '3\tx"), e.getMessage());
    }
}
