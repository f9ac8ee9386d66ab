package org.basin.chunk;

import java.util.Arrays;
import org.basin.volume.Box;

/** One chunk of a {@link ChunkGrid}: its grid position (z, y, x), the core it owns and the padded box it reads. */
public record Chunk(int[] position, Box core, Box padded) {
    public Chunk {
        position = position.clone();
    }

    @Override
    public int[] position() {
        return position.clone();
    }

    /** The file stem, written x_y_z as users write triplets: {@code chunk_3_0_1}. */
    public String name() {
        return "chunk_" + position[2] + "_" + position[1] + "_" + position[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Chunk c && Arrays.equals(position, c.position) && core.equals(c.core) && padded.equals(c.padded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(position) * 31 + core.hashCode();
    }
}
