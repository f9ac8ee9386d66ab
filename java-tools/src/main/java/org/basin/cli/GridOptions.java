package org.basin.cli;

import org.basin.chunk.ChunkGrid;
import org.basin.chunk.GridBlock;
import org.basin.error.BasinException;
import picocli.CommandLine.Option;

/**
 * Which chunks of a volume one task does, for the commands that read their region straight from a volume or store:
 * the grid (chunk core and halo) and a block of its chunks.
 */
final class GridOptions {
    @Option(names = "--chunk", description = "Chunk core size x,y,z of the grid.")
    void chunk(String v) {
        this.chunk = Triplet.ints(v);
    }

    int[] chunk;

    @Option(names = "--grid-block", description = {"The chunks to do: first and last grid position x0,y0,z0,x1,y1,z1 (inclusive),",
        "or x,y,z for one chunk (basin plan lists them)."})
    void block(String v) {
        try {
            this.block = GridBlock.parse(v);
        } catch (IllegalArgumentException e) {
            throw BasinException.badArguments("--grid-block: " + e.getMessage());
        }
    }

    GridBlock block;

    boolean given() {
        return chunk != null || block != null;
    }

    /** The grid over {@code volume} with {@code halo}, after checking the block lies inside it. */
    ChunkGrid grid(int[] volume, int[] halo, String where) {
        if (chunk == null || block == null) {
            throw BasinException.badArguments("a region run needs both --chunk and --grid-block");
        }
        ChunkGrid grid = ChunkGrid.withHalo(volume, chunk, halo);
        if (!block.fits(grid.gridShape())) {
            throw BasinException.badArguments("--grid-block " + block.xyz() + " lies outside the grid " + Triplet.xyz(grid.gridShape())
                    + " (x,y,z) of " + where + " in chunks of " + Triplet.xyz(chunk));
        }
        return grid;
    }
}
