package org.basin.cli;

import java.nio.file.Path;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.io.ChunkFile;
import org.basin.io.Hdf5VolumeReader;
import org.basin.io.Stores;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * One chunk's input for a per-chunk command: a basin chunk file, or any whole volume treated as a single chunk
 * (so the per-chunk tools also run on a plain volume).
 */
record ChunkInput(Block data, VolumeInfo info, Map<String, Object> attributes, ChunkFile.Meta meta) {
    /**
     * One chunk of a grid over a volume, cut from {@code padded}: a block already read that contains the chunk's
     * padded box (a task reads its whole block of chunks once). The meta is what a chunk file would say.
     */
    static ChunkInput of(Block padded, VolumeInfo info, Chunk chunk, int[] gridShape, double[] voxelSize) {
        Block data = padded.box().equals(chunk.padded()) ? padded : padded.crop(chunk.padded());
        Map<String, Object> attrs = ChunkFile.attributes(chunk, gridShape, info.shape(), voxelSize, Version.get());
        attrs.put("source", info.where());
        ChunkFile.Meta meta = new ChunkFile.Meta(Path.of(info.path()), chunk, gridShape, info.shape(), voxelSize, attrs);
        return new ChunkInput(data, info, attrs, meta);
    }

    /** {@code dataset} null means {@code hdf5Default} for an HDF5 file and the array itself for Zarr. */
    static ChunkInput read(Path path, String dataset, String hdf5Default) {
        return read(path, dataset, hdf5Default, null);
    }

    /** As above, the data read into an array {@code spare} gives for its length (see {@link VolumeReader#readAll}), or null. */
    static ChunkInput read(Path path, String dataset, String hdf5Default, java.util.function.IntFunction<Object> spare) {
        String name = dataset != null || java.nio.file.Files.isDirectory(path) || Stores.isS3(path) ? dataset : hdf5Default;
        try (VolumeReader r = Volumes.open(path, name)) {
            VolumeInfo info = r.info();
            Map<String, Object> rootAttrs = r instanceof Hdf5VolumeReader h ? h.rootAttributes() : Map.of();
            ChunkFile.Meta meta;
            if (rootAttrs.containsKey("grid_position")) {
                meta = ChunkFile.meta(path, rootAttrs);
                if (!java.util.Arrays.equals(info.shape(), meta.chunk().padded().shape())) {
                    throw org.basin.error.BasinException.badInput(info.where() + ": shape " + Triplet.xyz(info.shape())
                            + " (x,y,z) does not match the chunk's padded box " + meta.chunk().padded());
                }
            } else {
                Box all = Box.ofShape(info.shape());
                double[] vs = info.voxelSize() != null ? info.voxelSize() : new double[] {1, 1, 1};
                meta = new ChunkFile.Meta(path, new Chunk(new int[3], all, all), new int[] {1, 1, 1}, info.shape(), vs,
                        ChunkFile.attributes(new Chunk(new int[3], all, all), new int[] {1, 1, 1}, info.shape(), vs, Version.get()));
                rootAttrs = meta.attributes();
            }
            Block data = (spare != null ? r.readAll(spare) : r.readAll()).moveTo(meta.chunk().padded().min());
            return new ChunkInput(data, info, new java.util.LinkedHashMap<>(rootAttrs), meta);
        }
    }
}
