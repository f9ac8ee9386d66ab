package org.basin.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.basin.volume.Box;
import org.junit.jupiter.api.Test;

class GridBlockTest {
    @Test
    void tilesCoverTheGridOnceWithBlocksAsCubicAsTheBudgetAllows() {
        int[] grid = {3, 5, 4};
        List<GridBlock> blocks = GridBlock.tile(grid, new int[] {64, 128, 128}, 8);
        Set<String> seen = new HashSet<>();
        for (GridBlock b : blocks) {
            for (int[] p : b.positions()) {
                assertEquals(true, seen.add(p[0] + "," + p[1] + "," + p[2]), "chunk " + java.util.Arrays.toString(p) + " in two blocks");
            }
            assertEquals(true, b.count() <= 8);
        }
        assertEquals(3 * 5 * 4, seen.size());
        // z chunks are half as deep: 8 chunks of 64x128x128 make a 256x256x256 block as 4 (z) x 2 x 1
        assertArrayEquals(new int[] {2, 1, 0}, blocks.get(0).last());
        assertEquals("chunk_0_0_0-chunk_0_1_2", blocks.get(0).name());
        assertEquals("0,0,0,0,1,2", blocks.get(0).xyz());
        assertEquals(blocks.get(0), GridBlock.parse("0,0,0,0,1,2"));
        assertEquals(GridBlock.of(new int[] {1, 2, 3}), GridBlock.parse("3,2,1"));
        assertThrows(IllegalArgumentException.class, () -> GridBlock.parse("1,2"));
        assertThrows(IllegalArgumentException.class, () -> GridBlock.parse("1,1,1,0,0,0"));
    }

    @Test
    void blockBoxesAreTheUnionsOfTheirChunksBoxes() {
        ChunkGrid grid = ChunkGrid.withHalo(new int[] {20, 50, 50}, new int[] {10, 16, 16}, new int[] {2, 2, 2});
        GridBlock b = new GridBlock(new int[] {1, 2, 2}, new int[] {1, 3, 3});
        assertEquals(new Box(new int[] {10, 32, 32}, new int[] {20, 50, 50}), b.core(grid));
        assertEquals(new Box(new int[] {8, 30, 30}, new int[] {20, 50, 50}), b.padded(grid));
        assertEquals(2, grid.chunksMeeting(new Box(new int[] {9, 15, 0}, new int[] {10, 17, 5})).size());
        assertArrayEquals(new int[] {64, 96, 100}, ChunkGrid.storeChunk(new int[] {64, 192, 100}, 128));
    }
}
