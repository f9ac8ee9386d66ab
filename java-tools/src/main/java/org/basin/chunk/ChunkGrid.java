package org.basin.chunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.basin.error.BasinException;
import org.basin.volume.Box;

/**
 * A regular grid of chunk cores over a volume, each padded by {@code below} voxels before and {@code above}
 * voxels after its core, clipped at the volume edge. Cores at the far edges are partial. All arrays are (z, y, x).
 */
public final class ChunkGrid {
    private final int[] volume;
    private final int[] chunk;
    private final int[] below;
    private final int[] above;
    private final int[] grid;

    public ChunkGrid(int[] volume, int[] chunk, int[] below, int[] above) {
        this.volume = volume.clone();
        this.chunk = chunk.clone();
        this.below = below.clone();
        this.above = above.clone();
        this.grid = new int[3];
        for (int a = 0; a < 3; a++) {
            if (chunk[a] <= 0) {
                throw BasinException.badArguments("chunk size must be positive; got " + xyz(chunk) + " (x,y,z)");
            }
            if (below[a] < 0 || above[a] < 0) {
                throw BasinException.badArguments("halo / overlap must not be negative; got " + xyz(below) + " / " + xyz(above) + " (x,y,z)");
            }
            if (below[a] >= chunk[a] || above[a] >= chunk[a]) {
                throw BasinException.badArguments("halo / overlap " + xyz(Math.max(below[a], above[a]) == below[a] ? below : above)
                        + " must be smaller than the chunk " + xyz(chunk) + " (x,y,z)");
            }
            grid[a] = Math.max(1, (volume[a] + chunk[a] - 1) / chunk[a]);
        }
    }

    /** Cores padded by {@code halo} on both sides: what inference needs for context. */
    public static ChunkGrid withHalo(int[] volume, int[] chunk, int[] halo) {
        return new ChunkGrid(volume, chunk, halo, halo);
    }

    /** Cores extended by {@code overlap} on the far side: neighbours share that many voxels (watershed, Omni). */
    public static ChunkGrid withOverlap(int[] volume, int[] chunk, int[] overlap) {
        return new ChunkGrid(volume, chunk, new int[3], overlap);
    }

    private static String xyz(int[] zyx) {
        return zyx[2] + "," + zyx[1] + "," + zyx[0];
    }

    public int[] gridShape() {
        return grid.clone();
    }

    public int[] chunkShape() {
        return chunk.clone();
    }

    public int count() {
        return grid[0] * grid[1] * grid[2];
    }

    public Chunk chunk(int[] position) {
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            if (position[a] < 0 || position[a] >= grid[a]) {
                throw new IllegalArgumentException("grid position " + Arrays.toString(position) + " outside " + Arrays.toString(grid));
            }
            lo[a] = position[a] * chunk[a];
            hi[a] = Math.min(volume[a], lo[a] + chunk[a]);
        }
        Box core = new Box(lo, hi);
        return new Chunk(position, core, core.grow(below, above, Box.ofShape(volume)));
    }

    /**
     * The largest store chunk side basin chooses. A task reading its core plus a halo decodes every store chunk the
     * halo touches: with 64^3 chunks a 256^3 watershed block's padded read decodes 3.4x its core, with 128^3 chunks
     * 6x; 64^3 is also what Neuroglancer fetches well.
     */
    public static final int STORE_CHUNK_MAX = 64;

    /** {@link #storeChunk(int[], int)} with {@link #STORE_CHUNK_MAX}. */
    public static int[] storeChunk(int[] core) {
        return storeChunk(core, STORE_CHUNK_MAX);
    }

    /**
     * The store chunk for tasks whose cores are {@code core}: per axis the largest divisor of the core no larger
     * than {@code cap}, so every task's core is whole store chunks and no two tasks ever write one store chunk.
     */
    public static int[] storeChunk(int[] core, int cap) {
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) {
            int d = Math.min(core[a], cap);
            while (core[a] % d != 0) {
                d--;
            }
            out[a] = d;
        }
        return out;
    }

    /** The chunks whose cores meet {@code box}, in C order of grid position. */
    public List<Chunk> chunksMeeting(Box box) {
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            if (box.size(a) == 0) {
                return List.of();
            }
            lo[a] = Math.min(grid[a] - 1, box.min(a) / chunk[a]);
            hi[a] = Math.min(grid[a] - 1, (box.max(a) - 1) / chunk[a]);
        }
        List<Chunk> out = new ArrayList<>();
        for (int[] p : new GridBlock(lo, hi).positions()) {
            out.add(chunk(p));
        }
        return out;
    }

    /** Every chunk, in C order of grid position. */
    public List<Chunk> chunks() {
        List<Chunk> out = new ArrayList<>(count());
        for (int z = 0; z < grid[0]; z++) {
            for (int y = 0; y < grid[1]; y++) {
                for (int x = 0; x < grid[2]; x++) {
                    out.add(chunk(new int[] {z, y, x}));
                }
            }
        }
        return out;
    }
}
