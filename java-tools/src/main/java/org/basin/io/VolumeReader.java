package org.basin.io;

import org.basin.volume.Block;
import org.basin.volume.Box;

/** Reads boxes of a stored 3D or 4D (c, z, y, x) volume, whatever its format. */
public interface VolumeReader extends AutoCloseable {
    VolumeInfo info();

    /** The voxels of {@code box} (clipped to nothing: it must lie inside the volume), all channels. */
    Block read(Box box);

    default Block readAll() {
        return read(info().box());
    }

    /**
     * The whole volume, into the array {@code spare} gives for its element count (one from an earlier read, or
     * null) where the reader can; else into a new array.
     */
    default Block readAll(java.util.function.IntFunction<Object> spare) {
        return readAll();
    }

    @Override
    void close();
}
