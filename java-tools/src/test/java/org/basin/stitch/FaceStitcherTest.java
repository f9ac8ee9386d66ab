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
