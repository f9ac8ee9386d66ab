package org.basin.watershed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.basin.error.BasinException;
import org.basin.watershed.WatershedParams.SizeRule;
import org.junit.jupiter.api.Test;

/** Hand-made affinity graphs on a line of voxels along x, where every answer can be worked out on paper. */
class WatershedTest {
    /** Affinities (3, 1, 1, n) whose x channel joins voxel i-1 and i with weight edges[i-1]. */
    static float[] line(float... edges) {
        int n = edges.length + 1;
        float[] aff = new float[3 * n];
        for (int i = 1; i < n; i++) {
            aff[2 * n + i] = edges[i - 1];
        }
        return aff;
    }

    static int[] labels(float[] aff, WatershedParams p) {
        return Watershed.run(aff, new int[] {1, 1, aff.length / 3}, p).labels();
    }

    static WatershedParams params(float high, float low, long size, long dust, SizeRule rule, float merge) {
        return new WatershedParams(high, low, merge, size, dust, rule);
    }

    @Test
    void lowEdgeSeparatesTwoBasins() {
        int[] l = labels(line(0.9f, 0.9f, 0.05f, 0.9f, 0.9f), params(0.99f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f));
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2}, l);
    }

    @Test
    void voxelsWhoseBestEdgeIsAtMostTLowAreBackground() {
        int[] l = labels(line(0.05f, 0.1f, 0.9f, 0.05f), params(0.99f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f));
        assertArrayEquals(new int[] {0, 0, 1, 1, 0}, l);
    }

    @Test
    void edgesAtOrAboveTHighJoinBasins() {
        float[] aff = line(1.0f, 0.995f, 1.0f);
        assertArrayEquals(new int[] {1, 1, 2, 2}, labels(aff, params(0.999f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f)));
        assertArrayEquals(new int[] {1, 1, 1, 1}, labels(aff, params(0.99f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f)));
    }

    @Test
    void plateauIsDividedBreadthFirstFromItsExits() {
        // voxels 2, 3, 4 form a plateau (best edge 0.5) with exits at 2 (towards 1) and 4 (towards 5);
        // the middle voxel is as near to both: it takes the first direction in the fixed order (-x before +x), the lower one.
        int[] l = labels(line(0.9f, 0.5f, 0.5f, 0.5f, 0.5f, 0.9f), params(0.99f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f));
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2}, l);
    }

    @Test
    void squareSizeRuleMergesBelowTSizeTimesWSquared() {
        float[] aff = line(0.9f, 0.9f, 0.5f, 0.9f, 0.9f);
        // threshold 4 * 0.25 = 1: segments of 3 voxels stay apart
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2}, labels(aff, params(0.99f, 0.1f, 4, 0, SizeRule.SQUARE, 0.5f)));
        // threshold 20 * 0.25 = 5 > 3: they merge
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, labels(aff, params(0.99f, 0.1f, 20, 0, SizeRule.SQUARE, 0.5f)));
    }

    @Test
    void constantSizeRuleMergesAcrossEdgesAtOrAboveTMerge() {
        float[] aff = line(0.9f, 0.9f, 0.5f, 0.9f, 0.9f);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, labels(aff, params(0.99f, 0.1f, 4, 0, SizeRule.CONSTANT, 0.4f)));
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2}, labels(aff, params(0.99f, 0.1f, 4, 0, SizeRule.CONSTANT, 0.6f)));
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2}, labels(aff, params(0.99f, 0.1f, 3, 0, SizeRule.CONSTANT, 0.4f)));
    }

    @Test
    void dustBecomesBackgroundAndSurvivorsAreRelabelled() {
        float[] aff = line(0.9f, 0.05f, 0.9f, 0.9f, 0.9f);
        Watershed.Result r = Watershed.run(aff, new int[] {1, 1, 6}, params(0.99f, 0.1f, 0, 3, SizeRule.SQUARE, 0.5f));
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 1}, r.labels());
        assertEquals(1, r.count());
        assertArrayEquals(new long[] {0, 4}, r.sizes());
    }

    @Test
    void regionGraphKeepsTheMaximumAffinityBetweenSegments() {
        // a 2 x 4 sheet: two columns of segments joined by two edges of 0.2 and 0.3
        int n = 8;
        float[] aff = new float[3 * n];
        int[][] inside = {{0, 1}, {2, 3}, {4, 5}, {6, 7}};
        for (int[] e : inside) {
            aff[2 * n + e[1]] = 0.9f; // x edges within a row pair
        }
        // y edges (channel 1) between row 0 (voxels 0..3) and row 1 (voxels 4..7)
        aff[n + 4] = 0.9f;
        aff[n + 5] = 0.9f;
        aff[n + 6] = 0.9f;
        aff[n + 7] = 0.9f;
        aff[2 * n + 2] = 0.2f; // x edge 1-2
        aff[2 * n + 6] = 0.3f; // x edge 5-6
        Watershed.Result r = Watershed.run(aff, new int[] {1, 2, 4}, params(0.99f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f));
        assertArrayEquals(new int[] {1, 1, 2, 2, 1, 1, 2, 2}, r.labels());
        assertEquals(1, r.regionGraph().size());
        assertEquals(0.3f, r.regionGraph().w()[0]);
    }

    @Test
    void segmentsOnInnerFacesAreLeftToTheMergeStep() {
        // the core is voxels 0..3 of 6: voxel 3's steepest edge (0.6, to a voxel whose best is 0.7) leaves the core,
        // so it is a piece of its own; the size merge across 0.5 and the dust rule would need the sizes beyond the
        // face: both pieces are frozen
        float[] aff = line(0.9f, 0.9f, 0.5f, 0.6f, 0.7f);
        WatershedParams p = params(0.99f, 0.1f, 20, 5, SizeRule.SQUARE, 0.5f);
        Watershed.Result r = Watershed.run(aff, new int[] {1, 1, 6}, new org.basin.volume.Box(new int[3], new int[] {1, 1, 4}), p);
        assertArrayEquals(new int[] {1, 1, 1, 2}, r.labels());
        assertArrayEquals(new boolean[] {false, true, true}, r.frozen());
        assertArrayEquals(new int[] {3, 5}, r.crossings(), "voxel 3 points +x");
        assertArrayEquals(new long[] {0, 3, 1}, r.sizes());
        assertEquals(1, r.regionGraph().size());
        assertEquals(0, r.deferred().size());
        assertArrayEquals(new float[3][], r.lowerFaceAffinity(), "no lower face is inner");
        // the same line whole: the size rule joins the two basins (3 < 20 * 0.25)
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, labels(aff, p));
    }

    @Test
    void aVoxelWithTiedEdgesJoinsTheFirstDirection() {
        // basins {0,1}, {2}, {3,4} (voxel 2's edges 0.5 and 0.5 tie: it takes the first direction, -x, so it joins
        // {0,1}); with a size limit of 12 * 0.25 = 3 ...
        float[] aff = line(0.9f, 0.5f, 0.5f, 0.9f);
        assertArrayEquals(new int[] {1, 1, 1, 2, 2}, labels(aff, params(0.99f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f)));
        // ... {0,1,2} (3 voxels) and {3,4} (2 < 3) join across 0.5
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, labels(aff, params(0.99f, 0.1f, 12, 0, SizeRule.SQUARE, 0.5f)));
    }

    @Test
    void tiedEdgesAreTakenOneAtATimeInTheOrderOfTheirVoxelEdges() {
        // A = {0,1} (2 voxels), B = {2,3,4} (a plateau, 3), C = {5,6,7,8} (4), joined by two edges of 0.5: A-B (the
        // x edge at voxel 2) before B-C (at voxel 5); limit 10 * 0.25 = 2.5: A-B joins (A is small), then A+B (5)
        // and C (4) are both at or above the limit
        float[] aff = line(0.9f, 0.5f, 0.9f, 0.9f, 0.5f, 0.9f, 0.9f, 0.9f);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 2, 2, 2, 2}, labels(aff, params(0.99f, 0.1f, 10, 0, SizeRule.SQUARE, 0.5f)));
    }

    @Test
    void aSmallSegmentTiedToTwoLargeOnesJoinsOnlyTheFirst() {
        // A = {0..4} and B = {7..11} (edges 0.95 >= T_high), s = {5,6} (their edge 0.8 is both voxels' best: a
        // minimum of its own), s tied to A and to B at 0.5; limit 12 * 0.25 = 3. s (2) joins A across the first
        // edge (voxel 5's); then A+s (7) and B (5) are both at or above the limit: s does not bridge A and B (deciding
        // both edges on the sizes before either, as basin did, joined all three)
        float[] aff = line(0.95f, 0.95f, 0.95f, 0.95f, 0.5f, 0.8f, 0.5f, 0.95f, 0.95f, 0.95f, 0.95f);
        WatershedParams p = params(0.9f, 0.1f, 12, 0, SizeRule.SQUARE, 0.5f);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, labels(aff, p));
        // the constant rule the same way (both edges at T_merge)
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, labels(aff, params(0.9f, 0.1f, 3, 0, SizeRule.CONSTANT, 0.5f)));
        // along y and z too: the tie order is the voxel edges' global order, whatever the axis
        for (int axis = 0; axis < 2; axis++) {
            int n = aff.length / 3;
            float[] turned = new float[3 * n];
            System.arraycopy(aff, 2 * n, turned, axis * n, n);
            int[] shape = {1, 1, 1};
            shape[axis] = n;
            assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, Watershed.run(turned, shape, p).labels(), "axis " + axis);
        }
    }

    @Test
    void nanAffinityIsBadInput() {
        float[] aff = line(0.9f, Float.NaN, 0.9f);
        assertThrows(BasinException.class, () -> labels(aff, params(0.99f, 0.1f, 0, 0, SizeRule.SQUARE, 0.5f)));
    }

    @Test
    void sizesInVoxelsOfTheFinestAxisScaleWithTheVoxelVolume() {
        WatershedParams p = new WatershedParams(0.9f, 0.01f, 0.5f, 16000, 100, WatershedParams.SizeRule.SQUARE);
        // z 4x coarser (z, y, x or x, y, z alike): a quarter of the voxels
        assertEquals(4000, p.forVoxelSize(new double[] {32, 8, 8}).tSize());
        assertEquals(25, p.forVoxelSize(new double[] {8, 8, 32}).tDust());
        // 4 x 4 x 40 nm (CREMI): a tenth; 6 x 6 x 30 (SNEMI3D): a fifth
        assertEquals(1600, p.forVoxelSize(new double[] {40, 4, 4}).tSize());
        assertEquals(3200, p.forVoxelSize(new double[] {30, 6, 6}).tSize());
        assertEquals(20, p.forVoxelSize(new double[] {30, 6, 6}).tDust());
        // isotropic, in any unit: unchanged, and so is everything else
        WatershedParams iso = p.forVoxelSize(new double[] {5, 5, 5});
        assertEquals(p, iso);
        WatershedParams a = p.forVoxelSize(new double[] {2, 1, 1});
        assertEquals(8000, a.tSize());
        assertEquals(p.tHigh(), a.tHigh());
        assertEquals(p.tLow(), a.tLow());
        assertEquals(p.sizeRule(), a.sizeRule());
    }
}
