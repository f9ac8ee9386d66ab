package org.basin.io;

import java.nio.file.Path;
import java.util.Map;
import org.basin.volume.Block;

/**
 * A chunked store basin writes region by region and reads back: a Zarr v2 array ({@link ZarrArray}) or a Zarr v3
 * array, sharded or not ({@link ZarrV3Array}). Tasks writing one store in parallel each write whole store objects
 * (chunks, or shards in v3) of their own region, so none loses what a neighbour wrote.
 */
public interface ChunkedStore extends VolumeReader {
    /** The array's folder. */
    Path path();

    /** Writes the block's voxels (all channels) at its box; objects it covers partly are read, updated and rewritten. */
    void write(Block block);

    /** From now on remember every stored object written (chunk or shard) with the digest of its stored bytes. */
    void recordWrites();

    /** Stored object key (e.g. {@code 0/1/0/2}, {@code c/0/1/0/2}) -> digest of its bytes, since {@link #recordWrites}. */
    Map<String, String> writtenChunks();
}
