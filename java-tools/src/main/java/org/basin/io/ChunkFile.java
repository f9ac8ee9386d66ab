package org.basin.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * The per-chunk intermediate: one HDF5 file whose root attributes say which chunk it is (grid position, core and
 * padded boxes in global voxels, grid and volume shape, voxel size, tool version; all (z, y, x)), so that merging
 * needs nothing but the files.
 */
public final class ChunkFile {
    private ChunkFile() {
    }

    /** What a chunk file says about itself. */
    public record Meta(Path path, Chunk chunk, int[] gridShape, int[] volumeShape, double[] voxelSize, Map<String, Object> attributes) {
        public String name() {
            return chunk.name();
        }

        /** The grid's core size (z, y, x), from this chunk's place in it (a grid one chunk wide has the volume's size). */
        public int[] gridChunkShape() {
            int[] out = new int[3];
            for (int a = 0; a < 3; a++) {
                int p = chunk.position()[a];
                out[a] = p > 0 ? chunk.core().min(a) / p : chunk.core().size(a);
            }
            return out;
        }
    }

    public static Map<String, Object> attributes(Chunk chunk, int[] gridShape, int[] volumeShape, double[] voxelSize, String version) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("basin_version", version);
        a.put("axes", "zyx");
        a.put("grid_position", chunk.position());
        a.put("grid_shape", gridShape.clone());
        a.put("core_min", chunk.core().min());
        a.put("core_max", chunk.core().max());
        a.put("padded_min", chunk.padded().min());
        a.put("padded_max", chunk.padded().max());
        a.put("volume_shape", volumeShape.clone());
        a.put("voxel_size", voxelSize.clone());
        return a;
    }

    public static void write(Path target, Map<String, Object> attributes, List<Hdf5Files.Entry> datasets, boolean deflate) {
        Hdf5Files.write(target, attributes, datasets, deflate);
    }

    public static Meta readMeta(Path path) {
        return meta(path, Hdf5Files.readAttributes(path));
    }

    /** The chunk a file describes, from its root attributes already read. */
    public static Meta meta(Path path, Map<String, Object> a) {
        try {
            int[] pos = ints(a, "grid_position");
            Box core = new Box(ints(a, "core_min"), ints(a, "core_max"));
            Box padded = new Box(ints(a, "padded_min"), ints(a, "padded_max"));
            double[] vs = a.get("voxel_size") instanceof double[] d ? d : new double[] {1, 1, 1};
            return new Meta(path, new Chunk(pos, core, padded), ints(a, "grid_shape"), ints(a, "volume_shape"), vs, a);
        } catch (RuntimeException e) {
            throw BasinException.badInput(path + ": not a basin chunk file (" + e.getMessage() + ")");
        }
    }

    private static int[] ints(Map<String, Object> a, String key) {
        Object v = a.get(key);
        if (v instanceof int[] i && i.length == 3) {
            return i;
        }
        if (v instanceof long[] l && l.length == 3) {
            return new int[] {(int) l[0], (int) l[1], (int) l[2]};
        }
        throw new IllegalArgumentException("attribute '" + key + "' missing or not 3 integers");
    }

    /** Reads the chunk's volume dataset (whole padded box), placed at its padded box in global coordinates. */
    public static Block readVolume(Path path, String dataset, Meta meta) {
        return read(path, dataset, meta.chunk().padded(), "padded");
    }

    /** A dataset that covers the chunk's core only (the watershed's labels). */
    public static Block readCore(Path path, String dataset, Meta meta) {
        return read(path, dataset, meta.chunk().core(), "core", n -> null);
    }

    /** As {@link #readCore}, into an array {@code spare} gives for its length where it can (see {@link VolumeReader#readAll}). */
    public static Block readCore(Path path, String dataset, Meta meta, java.util.function.IntFunction<Object> spare) {
        return read(path, dataset, meta.chunk().core(), "core", spare);
    }

    private static Block read(Path path, String dataset, Box box, String which) {
        return read(path, dataset, box, which, n -> null);
    }

    private static Block read(Path path, String dataset, Box box, String which, java.util.function.IntFunction<Object> spare) {
        try (VolumeReader r = Hdf5VolumeReader.open(path, dataset)) {
            if (!java.util.Arrays.equals(r.info().shape(), box.shape())) {
                throw BasinException.badInput(path + ":" + dataset + ": shape " + java.util.Arrays.toString(r.info().shape())
                        + " does not match the " + which + " box " + box);
            }
            return r.readAll(spare).moveTo(box.min());
        }
    }

    /** Chunk files sorted by grid position, with a clear error for duplicates or a grid with holes. */
    public static List<Meta> readAll(List<Path> files) {
        List<Meta> metas = new ArrayList<>();
        for (Path p : files) {
            metas.add(readMeta(p));
        }
        metas.sort(BY_POSITION);
        checkGrid(metas);
        return metas;
    }

    /** Orders chunks by grid position (z, then y, then x). */
    public static final java.util.Comparator<Meta> BY_POSITION = (x, y) -> java.util.Arrays.compare(x.chunk().position(), y.chunk().position());

    /** Fails with a clear error unless the chunks, sorted by position, are each chunk of one grid exactly once. */
    public static void checkGrid(List<Meta> metas) {
        if (metas.isEmpty()) {
            throw BasinException.badArguments("no chunk files given");
        }
        int[] grid = metas.get(0).gridShape();
        long expected = (long) grid[0] * grid[1] * grid[2];
        for (int i = 1; i < metas.size(); i++) {
            if (java.util.Arrays.equals(metas.get(i).chunk().position(), metas.get(i - 1).chunk().position())) {
                throw BasinException.badInput(metas.get(i).path() + ": chunk " + metas.get(i).name() + " given twice (also "
                        + metas.get(i - 1).path() + ")");
            }
            if (!java.util.Arrays.equals(metas.get(i).gridShape(), grid)) {
                throw BasinException.badInput("chunk " + metas.get(i).name() + " belongs to another grid");
            }
        }
        if (metas.size() != expected) {
            throw BasinException.badInput("got " + metas.size() + " chunk files, the grid " + grid[2] + "x" + grid[1] + "x" + grid[0]
                    + " (x,y,z) has " + expected);
        }
    }
}
