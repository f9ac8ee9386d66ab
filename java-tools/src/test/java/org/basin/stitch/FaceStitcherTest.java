package org.basin.stitch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.basin.chunk.Chunk;
import org.basin.chunk.ChunkGrid;
import org.basin.graph.RegionGraph;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.watershed.WatershedParams;
import org.junit.jupiter.api.Test;

class FaceStitcherTest {
    static final RegionGraph.Edges NONE = new RegionGraph.Edges(new int[0], new int[0], new float[0]);

    /** Labels over a chunk's padded box: local id 1 on row y=0, 2 on row y=1, background on x == gapX. */
    static Block labels(Chunk c, int gapX) {
        Box p = c.padded();
        long[] v = new long[(int) p.voxels()];
        int i = 0;
        for (int z = p.min(0); z < p.max(0); z++) {
            for (int y = p.min(1); y < p.max(1); y++) {
                for (int x = p.min(2); x < p.max(2); x++, i++) {
                    v[i] = x == gapX ? 0 : y + 1;
                }
            }
        }
        return Block.of(v, p);
    }

    @Test
    void objectsCrossingAFaceGetOneIdEach() {
        int[] shape = {2, 2, 8};
        ChunkGrid grid = ChunkGrid.withOverlap(shape, new int[] {2, 2, 4}, new int[] {1, 1, 1});
        FaceStitcher s = new FaceStitcher(new int[] {1, 1, 1}, new WatershedParams(0.99f, 0.1f, 0.5f, 0, 0, WatershedParams.SizeRule.SQUARE));
        for (Chunk c : grid.chunks()) {
            s.add(c, labels(c, -1), 2, NONE);
        }
        s.resolve();
        assertEquals(2, s.count());
        long[] left = s.relabelCore(0, labels(grid.chunks().get(0), -1)).longs();
        long[] right = s.relabelCore(1, labels(grid.chunks().get(1), -1)).longs();
        // row y=0 is one object, row y=1 another, on both sides of the face at x = 4
        assertArrayEquals(new long[] {1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2}, left);
        assertArrayEquals(left, right);
    }

    @Test
    void objectsSeparatedAtTheFaceStayApart() {
        int[] shape = {1, 1, 8};
        ChunkGrid grid = ChunkGrid.withOverlap(shape, new int[] {2, 2, 4}, new int[] {1, 1, 1});
        FaceStitcher s = new FaceStitcher(new int[] {1, 1, 1}, new WatershedParams(0.99f, 0.1f, 0.5f, 0, 0, WatershedParams.SizeRule.SQUARE));
        // the shared voxel x = 4 is background in both chunks: nothing to unite
        for (Chunk c : grid.chunks()) {
            s.add(c, labels(c, 4), 1, NONE);
        }
        s.resolve();
        assertEquals(2, s.count());
        assertArrayEquals(new long[] {1, 1, 1, 1}, s.relabelCore(0, labels(grid.chunks().get(0), 4)).longs());
        assertArrayEquals(new long[] {0, 2, 2, 2}, s.relabelCore(1, labels(grid.chunks().get(1), 4)).longs());
    }

    @Test
    void spanningTreeKeepsTheStrongestEdgeBetweenFinalSegmentsAndNoCycle() {
        // global ids 1..6 -> final segments: 1,2 -> 1; 3 -> 2; 4 -> 3; 5 -> 4; 6 -> dust (0)
        int[] finalIds = {0, 1, 1, 2, 3, 4, 0};
        RegionGraph g = new RegionGraph();
        g.add(1, 2, 0.95f); // inside final segment 1: not a tree edge
        g.add(2, 3, 0.9f);  // 1-2
        g.add(1, 3, 0.6f);  // 1-2 again, weaker
        g.add(3, 4, 0.8f);  // 2-3
        g.add(1, 4, 0.7f);  // 1-3: would close the cycle 1-2-3
        g.add(4, 6, 0.85f); // to dust: not in the tree
        g.add(5, 6, 0.5f);  // segment 4 touches only dust: left out
        RegionGraph.Edges t = FaceStitcher.spanningTree(g.sorted(), finalIds, 4);
        assertArrayEquals(new int[] {1, 2}, t.a());
        assertArrayEquals(new int[] {2, 3}, t.b());
        assertArrayEquals(new float[] {0.9f, 0.8f}, t.w());
    }
}
