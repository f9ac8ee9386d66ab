package org.basin.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Box;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkGridTest {
    @ParameterizedTest
    @CsvSource({"10,11,12,4,5,6,1,2,3", "7,7,7,7,7,7,0,0,0", "5,9,13,2,4,5,1,3,4", "1,1,1,1,1,1,0,0,0"})
    void everyVoxelIsInExactlyOneCoreAndHalosAreClipped(int z, int y, int x, int cz, int cy, int cx, int hz, int hy, int hx) {
        int[] shape = {z, y, x};
        ChunkGrid grid = ChunkGrid.withHalo(shape, new int[] {cz, cy, cx}, new int[] {hz, hy, hx});
        int[] owners = new int[z * y * x];
        List<Chunk> chunks = grid.chunks();
        assertEquals(grid.count(), chunks.size());
        for (Chunk c : chunks) {
            Box core = c.core();
            for (int a = 0; a < 3; a++) {
                int lo = Math.max(0, core.min(a) - new int[] {hz, hy, hx}[a]);
                int hi = Math.min(shape[a], core.max(a) + new int[] {hz, hy, hx}[a]);
                assertEquals(lo, c.padded().min(a), "padded min, axis " + a);
                assertEquals(hi, c.padded().max(a), "padded max, axis " + a);
            }
            for (int k = core.min(0); k < core.max(0); k++) {
                for (int j = core.min(1); j < core.max(1); j++) {
                    for (int i = core.min(2); i < core.max(2); i++) {
                        owners[(k * y + j) * x + i]++;
                    }
                }
            }
        }
        for (int v : owners) {
            assertEquals(1, v);
        }
    }

    @Test
    void partialChunksAtTheFarEdge() {
        ChunkGrid grid = ChunkGrid.withOverlap(new int[] {10, 10, 10}, new int[] {4, 4, 4}, new int[] {1, 1, 1});
        assertArrayEquals(new int[] {3, 3, 3}, grid.gridShape());
        Chunk last = grid.chunk(new int[] {2, 2, 2});
        assertArrayEquals(new int[] {2, 2, 2}, last.core().shape());
        assertArrayEquals(new int[] {2, 2, 2}, last.padded().shape(), "overlap clipped at the volume edge");
        Chunk first = grid.chunk(new int[] {0, 0, 0});
        assertArrayEquals(new int[] {5, 5, 5}, first.padded().shape());
        assertEquals("chunk_0_0_0", first.name());
        assertEquals("chunk_2_1_0", grid.chunk(new int[] {0, 1, 2}).name(), "names are x_y_z");
    }

    @Test
    void haloNotSmallerThanChunkIsABadArgument() {
        BasinException e = assertThrows(BasinException.class,
                () -> ChunkGrid.withHalo(new int[] {10, 10, 10}, new int[] {4, 4, 4}, new int[] {1, 4, 1}));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertTrue(e.getMessage().contains("smaller than the chunk 4,4,4"), e.getMessage());
    }
}
