package org.basin.omni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.basin.chunk.Chunk;
import org.basin.volume.Box;
import org.junit.jupiter.api.Test;

class RegionGridTest {
    @Test
    void divsSplitEvenlyAndOverlapReachesUpward() {
        List<Chunk> r = RegionGrid.regions(new int[] {10, 9, 8}, new int[] {1, 3, 2}, new int[] {0, 2, 1});
        assertEquals(6, r.size());
        Chunk first = r.get(0);
        assertEquals(new Box(new int[] {0, 0, 0}, new int[] {10, 3, 4}), first.core());
        assertEquals(new Box(new int[] {0, 0, 0}, new int[] {10, 5, 5}), first.padded());
        Chunk last = r.get(5);
        assertEquals(new Box(new int[] {0, 6, 4}, new int[] {10, 9, 8}), last.padded(), "clipped at the volume edge");
    }

    @Test
    void relabelingNumbersByAscendingGlobalId() {
        Relabeling rl = Relabeling.of(new long[] {900, 0, 42, 900, 1L << 40});
        assertArrayEquals(new int[] {2, 0, 1, 2, 3}, rl.local());
        assertArrayEquals(new long[] {0, 42, 900, 1L << 40}, rl.globalOfLocal());
    }

    @Test
    void omniCommandFileCarriesOffsetAndResolutionInNanometresXyz() {
        String cmd = OmniCommandFile.text("p.omni", "channel.h5", "segmentation.h5",
                new Box(new int[] {2, 10, 20}, new int[] {6, 20, 40}), new double[] {40, 4, 5});
        assertEquals("create:p.omni\nloadHDF5chann:channel.h5\nsetChanResolution:1,5,4,40\nsetChanAbsOffset:1,100,40,80\n"
                + "loadHDF5seg:segmentation.h5\nsetSegResolution:1,5,4,40\nsetSegAbsOffset:1,100,40,80\nmesh\nquit\n", cmd);
    }
}
