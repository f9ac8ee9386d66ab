package org.basin.stitch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.basin.graph.RegionGraph;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.junit.jupiter.api.Test;

class FaceStitcherTest {
    @Test
    void plateauAcrossAFaceIsDividedAsInTheWholeVolume() {
        // a line of 8 voxels cut into two chunks of 4; voxels 2..5 are a plateau (best edge 0.5) crossing the face
        // between 3 and 4, with exits at 2 (to 1) and 5 (to 6): 3 is one step from exit 2, 4 one step from exit 5
        float[] aff = new float[3 * 8];
        float[] x = {0.9f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.9f};
        System.arraycopy(x, 0, aff, 2 * 8 + 1, 7);
        WatershedParams p = new WatershedParams(0.99f, 0.1f, 0.5f, 0, 0, WatershedParams.SizeRule.SQUARE);
        int[] shape = {1, 1, 8};
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2, 2}, Watershed.run(aff.clone(), shape, p).labels());
        assertArrayEquals(new long[] {1, 1, 1, 1, 2, 2, 2, 2}, ChunkedWatershed.run(aff, shape, new int[] {1, 1, 4}, p));
        // each chunk hands its half of the plateau to the merge step
        Watershed.Result left = Watershed.run(java.util.Arrays.copyOf(aff, aff.length), shape,
                new org.basin.volume.Box(new int[3], new int[] {1, 1, 4}), p);
        assertArrayEquals(new int[] {2, 3}, left.deferred().index());
        assertArrayEquals(new int[] {2, -1}, left.deferred().exit(), "voxel 2 exits towards -x (direction 2); voxel 3 has no exit");
        assertArrayEquals(new int[] {1 << 5, (1 << 2) | (1 << 5)}, left.deferred().plateauEdges(), "plateau edges: 2 to +x; 3 to -x and +x");
    }

    @Test
    void aSmallSegmentTiedToTwoLargeOnesJoinsOnlyTheFirstWhereverTheFacesAre() {
        // A = {0..4}, s = {5,6}, B = {7..11}, s tied to A and B at 0.5 (see WatershedTest): in chunks of every length
        // the merge step takes the tied edges in the same order as the whole volume, so s joins A only
        float[] x = {0.95f, 0.95f, 0.95f, 0.95f, 0.5f, 0.8f, 0.5f, 0.95f, 0.95f, 0.95f, 0.95f};
        float[] aff = new float[3 * 12];
        System.arraycopy(x, 0, aff, 2 * 12 + 1, x.length);
        WatershedParams p = new WatershedParams(0.9f, 0.1f, 0.5f, 12, 0, WatershedParams.SizeRule.SQUARE);
        for (int c = 1; c <= 12; c++) {
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, ChunkedWatershed.run(aff, new int[] {1, 1, 12}, new int[] {1, 1, c}, p),
                    "chunks of " + c);
        }
    }

    @Test
    void spanningTreeKeepsTheStrongestEdgeBetweenFinalSegmentsAndNoCycle() {
        // global ids 1..6 -> final segments: 1,2 -> 1; 3 -> 2; 4 -> 3; 5 -> 4; 6 -> dust (0)
        int[] finalIds = {0, 1, 1, 2, 3, 4, 0};
        RegionGraph g = new RegionGraph();
        g.add(1, 2, 0.95f, 1); // inside final segment 1: not a tree edge
        g.add(2, 3, 0.9f, 2);  // 1-2
        g.add(1, 3, 0.6f, 3);  // 1-2 again, weaker
        g.add(3, 4, 0.8f, 4);  // 2-3
        g.add(1, 4, 0.7f, 5);  // 1-3: would close the cycle 1-2-3
        g.add(4, 6, 0.85f, 6); // to dust: not in the tree
        g.add(5, 6, 0.5f, 7);  // segment 4 touches only dust: left out
        RegionGraph.Edges t = FaceStitcher.spanningTree(g.sorted(), finalIds, 4);
        assertArrayEquals(new int[] {1, 2}, t.a());
        assertArrayEquals(new int[] {2, 3}, t.b());
        assertArrayEquals(new float[] {0.9f, 0.8f}, t.w());
    }
}
