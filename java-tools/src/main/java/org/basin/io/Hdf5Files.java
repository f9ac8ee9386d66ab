package org.basin.io;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.Node;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.DType;

/**
 * Writes whole HDF5 files (per-chunk intermediates, Omni files) with jhdf, atomically, and reads back their
 * small tables and attributes. jhdf writes a dataset from a whole Java array, so each file is built in memory:
 * fine for chunk-sized data.
 */
public final class Hdf5Files {
    private Hdf5Files() {
    }

    /** A flat table: element type, shape and the flat primitive array. */
    public record Table(DType dtype, int[] shape, Object data) {
        public int rows() {
            return shape[0];
        }

        public long[] longs() {
            return (long[]) data;
        }

        public float[] floats() {
            return (float[]) data;
        }

        public int[] ints() {
            return (int[]) data;
        }

        public byte[] bytes() {
            return (byte[]) data;
        }
    }

    /** One dataset to write: a path inside the file, the data, and its own attributes. */
    public record Entry(String path, DType dtype, int[] shape, Object flat, Map<String, Object> attributes) {
        public static Entry of(String path, Block block) {
            return new Entry(path, block.dtype(), block.arrayShape(), block.data(), Map.of());
        }

        public static Entry of(String path, Block block, Map<String, Object> attributes) {
            return new Entry(path, block.dtype(), block.arrayShape(), block.data(), attributes);
        }

        public static Entry table(String path, DType dtype, int[] shape, Object flat) {
            return new Entry(path, dtype, shape, flat, Map.of());
        }
    }

    /**
     * Writes {@code target} with the given root attributes and datasets. {@code deflate} gives chunked,
     * shuffled, deflate(1) volumes (through jhdf); otherwise datasets are contiguous, written by basin's own
     * {@link Hdf5Writer} (jhdf for attribute kinds it does not handle).
     */
    public static void write(Path target, Map<String, Object> rootAttributes, List<Entry> entries, boolean deflate) {
        Path tmp = AtomicFiles.temporaryFor(target);
        try {
            if (!deflate && Hdf5Writer.supports(rootAttributes, entries)) {
                Hdf5Writer.write(tmp, rootAttributes, entries);
                AtomicFiles.commit(tmp, target);
                return;
            }
            try (WritableHdfFile w = HdfFile.write(tmp)) {
                for (Map.Entry<String, Object> a : rootAttributes.entrySet()) {
                    w.putAttribute(a.getKey(), a.getValue());
                }
                for (Entry e : entries) {
                    WritableGroup g = w;
                    String[] parts = e.path().replaceFirst("^/", "").split("/");
                    for (int i = 0; i < parts.length - 1; i++) {
                        Node existing = g.getChildren().get(parts[i]);
                        g = existing instanceof WritableGroup wg ? wg : g.putGroup(parts[i]);
                    }
                    DatasetCreationOptions.Builder opts = DatasetCreationOptions.builder();
                    if (e.dtype().isUnsigned()) {
                        opts.unsigned();
                    }
                    if (deflate && e.shape().length >= 3) {
                        opts.chunkDimensions(chunkShape(e.shape())).shuffle().deflate(1);
                    } else if (e.shape().length >= 2 && rows(e) >= SLAB_MIN_ROWS) {
                        opts.chunkDimensions(slabChunks(e.shape(), e.dtype().bytes()));
                    }
                    WritableDataset ds = g.putDataset(parts[parts.length - 1], nested(e.flat(), e.shape()), opts.build());
                    for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
                        ds.putAttribute(a.getKey(), a.getValue());
                    }
                }
            }
            AtomicFiles.commit(tmp, target);
        } catch (BasinException e) {
            AtomicFiles.discard(tmp);
            throw e;
        } catch (RuntimeException | IOException e) {
            AtomicFiles.discard(tmp);
            // jhdf wraps an IOException; anything else from it (a bad array) is shown whole
            String why = e instanceof IOException || e.getCause() instanceof IOException ? IoErrors.reason(e) : e.toString();
            throw BasinException.io(target + ": cannot write HDF5 file in " + target.toAbsolutePath().getParent() + " (" + why + ")", e);
        }
    }

    // jhdf writes a contiguous multi-dimensional dataset one innermost row per system call (65,536 writes of 1 KiB
    // for 256^3 labels, 3,311 writes of 16 bytes for a region graph of 3,311 edges); a chunked one, one call per
    // chunk. So every dataset of more than a few rows is written as unfiltered chunks that are contiguous slabs of
    // the array (1 x ... x k x whole trailing axes) of at most 8 MiB: few writes, and a reader copies them straight
    // into place with one chunk's memory in hand. A table under 8 MiB is one chunk.
    private static final long SLAB_MIN_ROWS = 16;
    private static final long SLAB_MAX = 8 << 20;

    /** The number of innermost rows: what jhdf would write one by one. */
    private static long rows(Entry e) {
        long n = 1;
        for (int a = 0; a < e.shape().length - 1; a++) {
            n *= e.shape()[a];
        }
        return n;
    }

    /** Chunk dimensions 1, ..., 1, k, whole, ..., whole: the longest run of whole trailing axes that fits SLAB_MAX. */
    static int[] slabChunks(int[] shape, int elementBytes) {
        int[] c = shape.clone();
        long bytes = elementBytes;
        int a = shape.length - 1;
        while (a > 0 && bytes * shape[a] <= SLAB_MAX) {
            bytes *= shape[a];
            a--;
        }
        // axes after a are whole; axis a takes as many as fit; axes before a are 1
        c[a] = (int) Math.max(1, Math.min(shape[a], SLAB_MAX / bytes));
        for (int i = 0; i < a; i++) {
            c[i] = 1;
        }
        return c;
    }

    private static int[] chunkShape(int[] shape) {
        int[] c = shape.clone();
        int r = c.length;
        // 64^3 spatial chunks, one channel per chunk: small enough to read regions, large enough to compress.
        for (int a = r - 3; a < r; a++) {
            c[a] = Math.min(64, Math.max(1, shape[a]));
        }
        for (int a = 0; a < r - 3; a++) {
            c[a] = 1;
        }
        return c;
    }

    /** Turns a flat C-order array into the nested Java array jhdf writes. */
    static Object nested(Object flat, int[] shape) {
        if (shape.length == 1) {
            return flat;
        }
        Class<?> component = flat.getClass().getComponentType();
        Object out = Array.newInstance(component, shape);
        int row = shape[shape.length - 1];
        int[] idx = new int[shape.length - 1];
        int at = 0;
        long rows = 1;
        for (int a = 0; a < shape.length - 1; a++) {
            rows *= shape[a];
        }
        for (long r = 0; r < rows; r++) {
            Object target = out;
            for (int a = 0; a < idx.length; a++) {
                target = Array.get(target, idx[a]);
            }
            System.arraycopy(flat, at, target, 0, row);
            at += row;
            for (int a = idx.length - 1; a >= 0; a--) {
                if (++idx[a] < shape[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return out;
    }

    /** Root attributes of an HDF5 file. */
    public static Map<String, Object> readAttributes(Path path) {
        try (HdfFile f = new HdfFile(path)) {
            return attributes(f);
        } catch (HdfException e) {
            throw BasinException.badInput(path + ": not a readable HDF5 file (" + e.getMessage() + ")");
        }
    }

    static Map<String, Object> attributes(HdfFile f) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Attribute> e : f.getAttributes().entrySet()) {
            if (!e.getKey().startsWith("_jHDF")) {
                out.put(e.getKey(), e.getValue().getData());
            }
        }
        return out;
    }

    /** A file's root attributes and the tables they called for. */
    public record Contents(Map<String, Object> attributes, Map<String, Table> tables) {
    }

    /**
     * Reads the root attributes, then the tables {@code tablesFor} names from them, in one open of the file (the
     * merge step reads ~15 small datasets from each of thousands of chunk files: jhdf's open is a good part of it).
     */
    public static Contents readContents(Path path, java.util.function.Function<Map<String, Object>, List<String>> tablesFor) {
        try (HdfFile f = new HdfFile(path)) {
            Map<String, Object> attrs = attributes(f);
            Map<String, Table> out = new LinkedHashMap<>();
            for (String name : tablesFor.apply(attrs)) {
                out.put(name, table(f, path, name));
            }
            return new Contents(attrs, out);
        } catch (HdfException e) {
            throw BasinException.badInput(path + ": not a readable HDF5 file (" + e.getMessage() + ")");
        }
    }

    /** Reads a small contiguous table (1D or 2D) written by {@link #write}. */
    public static Table readTable(Path path, String name) {
        return readTables(path, List.of(name)).get(name);
    }

    /** Reads several tables of one file, opening it once (a file open costs more than a small table). */
    public static Map<String, Table> readTables(Path path, List<String> names) {
        try (HdfFile f = new HdfFile(path)) {
            Map<String, Table> out = new LinkedHashMap<>();
            for (String name : names) {
                out.put(name, table(f, path, name));
            }
            return out;
        } catch (HdfException e) {
            throw BasinException.badInput(path + ": corrupt HDF5 file (" + e.getMessage() + ")");
        }
    }

    private static Table table(HdfFile f, Path path, String name) {
        Dataset ds = Hdf5VolumeReader.dataset(f, name);
        if (ds == null) {
            throw BasinException.badInput(path + ": no dataset '" + name + "'; the file holds " + Hdf5VolumeReader.datasetPaths(f));
        }
        Hdf5VolumeReader.checkInsideFile(f, path, name, ds);
        Hdf5VolumeReader.ElementType et = Hdf5VolumeReader.ElementType.of(ds.getDataType());
        DType dtype = et.dtype();
        java.nio.ByteOrder order = et.order();
        if (dtype == null) {
            throw BasinException.badInput(path + ":" + name + ": unsupported element type");
        }
        int[] shape = ds.getDimensions();
        int n1 = 1;
        for (int s : shape) {
            n1 *= s;
        }
        if (n1 == 0) {
            return new Table(dtype, shape, dtype.allocate(0));
        }
        if (ds.isEmpty()) {
            Object unwritten = dtype.allocate(n1); // allocated but never written (h5py): the fill value throughout
            Hdf5VolumeReader.fill(unwritten, Hdf5VolumeReader.fillValue(ds, dtype, path + ":" + name), 0, n1);
            return new Table(dtype, shape, unwritten);
        }
        if (ds instanceof ContiguousDataset cd) {
            return new Table(dtype, shape, ByteCodec.decode(cd.getBuffer(), order, dtype, n1));
        }
        if (ds instanceof ChunkedDataset cd && java.util.Arrays.equals(cd.getChunkDimensions(), shape)) {
            return new Table(dtype, shape, ByteCodec.decode(ByteBuffer.wrap(cd.getDecompressedChunk(new int[shape.length])), order, dtype, n1));
        }
        throw BasinException.badInput(path + ":" + name + ": expected a table in one piece (contiguous or a single chunk)");
    }

    /** True when {@code path} starts with the HDF5 signature. */
    public static boolean looksLikeHdf5(Path path) {
        byte[] sig = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        try (var in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(8);
            return java.util.Arrays.equals(head, sig);
        } catch (IOException e) {
            return false;
        }
    }
}
