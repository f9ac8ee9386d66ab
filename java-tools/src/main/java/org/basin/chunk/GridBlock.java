package org.basin.chunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.basin.volume.Box;

/**
 * A box of whole chunks of a {@link ChunkGrid}: grid positions {@code first} to {@code last} inclusive, (z, y, x).
 * One task's share of a stage: it reads the union of its chunks' padded boxes once and writes their cores.
 */
public record GridBlock(int[] first, int[] last) {
    public GridBlock {
        first = first.clone();
        last = last.clone();
        for (int a = 0; a < 3; a++) {
            if (first[a] < 0 || last[a] < first[a]) {
                throw new IllegalArgumentException("grid block " + Arrays.toString(first) + ".." + Arrays.toString(last) + " is empty");
            }
        }
    }

    public static GridBlock of(int[] position) {
        return new GridBlock(position, position);
    }

    @Override
    public int[] first() {
        return first.clone();
    }

    @Override
    public int[] last() {
        return last.clone();
    }

    public int count() {
        return (last[0] - first[0] + 1) * (last[1] - first[1] + 1) * (last[2] - first[2] + 1);
    }

    /** Grid positions in C order (z, then y, then x). */
    public List<int[]> positions() {
        List<int[]> out = new ArrayList<>(count());
        for (int z = first[0]; z <= last[0]; z++) {
            for (int y = first[1]; y <= last[1]; y++) {
                for (int x = first[2]; x <= last[2]; x++) {
                    out.add(new int[] {z, y, x});
                }
            }
        }
        return out;
    }

    /** The union of the block's chunk cores. */
    public Box core(ChunkGrid grid) {
        return new Box(grid.chunk(first).core().min(), grid.chunk(last).core().max());
    }

    /** The union of the block's padded boxes: what a task reads once for all its chunks. */
    public Box padded(ChunkGrid grid) {
        return new Box(grid.chunk(first).padded().min(), grid.chunk(last).padded().max());
    }

    public boolean fits(int[] gridShape) {
        for (int a = 0; a < 3; a++) {
            if (last[a] >= gridShape[a]) {
                return false;
            }
        }
        return true;
    }

    /** Named by its first and last chunk, as the tasks' tags: {@code chunk_0_0_0-chunk_1_0_0}, or one chunk's name. */
    public String name() {
        String a = "chunk_" + first[2] + "_" + first[1] + "_" + first[0];
        String b = "chunk_" + last[2] + "_" + last[1] + "_" + last[0];
        return a.equals(b) ? a : a + "-" + b;
    }

    /** As typed on the command line: first and last grid position, x,y,z each: {@code x0,y0,z0,x1,y1,z1}. */
    public String xyz() {
        return first[2] + "," + first[1] + "," + first[0] + "," + last[2] + "," + last[1] + "," + last[0];
    }

    /** Parses {@link #xyz()} (or three numbers, one chunk); IllegalArgumentException with the reason when malformed. */
    public static GridBlock parse(String s) {
        String[] p = s.trim().split("\\s*,\\s*");
        if (p.length != 3 && p.length != 6) {
            throw new IllegalArgumentException("'" + s + "' is not x,y,z or x0,y0,z0,x1,y1,z1 (grid positions)");
        }
        int[] v = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                v[i] = Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not whole grid positions");
            }
        }
        int[] first = {v[2], v[1], v[0]};
        int[] last = p.length == 6 ? new int[] {v[5], v[4], v[3]} : first;
        return new GridBlock(first, last);
    }

    /**
     * Tiles the grid with blocks of at most {@code maxChunks} chunks, shaped as close to a cube in voxels as the
     * budget allows (a block's padded read grows with its surface); blocks at the grid's far edges are cut.
     */
    public static List<GridBlock> tile(int[] gridShape, int[] chunkShape, int maxChunks) {
        int[] b = {1, 1, 1};
        while (true) {
            int best = -1;
            for (int a = 0; a < 3; a++) {
                long product = (long) b[0] * b[1] * b[2] / b[a] * (b[a] + 1);
                if (b[a] < gridShape[a] && product <= maxChunks && (best < 0 || (long) b[a] * chunkShape[a] < (long) b[best] * chunkShape[best])) {
                    best = a;
                }
            }
            if (best < 0) {
                break;
            }
            b[best]++;
        }
        List<GridBlock> out = new ArrayList<>();
        for (int z = 0; z < gridShape[0]; z += b[0]) {
            for (int y = 0; y < gridShape[1]; y += b[1]) {
                for (int x = 0; x < gridShape[2]; x += b[2]) {
                    out.add(new GridBlock(new int[] {z, y, x}, new int[] {Math.min(gridShape[0], z + b[0]) - 1,
                        Math.min(gridShape[1], y + b[1]) - 1, Math.min(gridShape[2], x + b[2]) - 1}));
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GridBlock g && Arrays.equals(first, g.first) && Arrays.equals(last, g.last);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(first) + Arrays.hashCode(last);
    }
}
