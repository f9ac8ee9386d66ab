package org.basin.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * Reads a 3D or 4D HDF5 dataset through jhdf's raw buffers (decompressed chunks, or the contiguous data mapped
 * from the file), never through its boxed convenience arrays. A file in S3 ({@code s3://bucket/key.h5}) is read
 * through a {@link RangedReadChannel}: ranged GETs of the 1 MiB blocks holding the metadata and the chunks a box
 * meets, never the whole object.
 */
public final class Hdf5VolumeReader implements VolumeReader {
    private final HdfFile file;
    private final RangedReadChannel remote; // the object's channel in S3; null for a local file
    private final Dataset dataset;
    private final VolumeInfo info;
    private final ByteOrder order;
    private final int[] dims;
    private Number fill; // what unwritten chunks hold (h5py's fillvalue), read when one is met
    // a whole contiguous dataset in S3 comes in ranged GETs of this size (a local one in 1 MiB reads)
    private static final int MAX_REMOTE_READ = 16 << 20;

    private Hdf5VolumeReader(HdfFile file, RangedReadChannel remote, Dataset dataset, VolumeInfo info, ByteOrder order) {
        this.file = file;
        this.remote = remote;
        this.dataset = dataset;
        this.info = info;
        this.order = order;
        this.dims = dataset.getDimensions();
    }

    /** An HDF5 element type as basin's (null where basin has none: int8, int16, strings, ...) with its byte order. */
    record ElementType(DType dtype, ByteOrder order) {
        static ElementType of(DataType t) {
            if (t instanceof FixedPoint fp) {
                return new ElementType(DType.of(false, fp.isSigned(), fp.getSize()), fp.getByteOrder());
            }
            if (t instanceof FloatingPoint fl) {
                return new ElementType(DType.of(true, true, fl.getSize()), fl.getByteOrder());
            }
            return new ElementType(null, null);
        }
    }

    /** The dataset at {@code name} in the open file, or null where there is none (or a group). */
    static Dataset dataset(HdfFile f, String name) {
        try {
            return f.getByPath(name) instanceof Dataset ds ? ds : null;
        } catch (HdfException e) {
            return null;
        }
    }

    /**
     * Fails, naming the file and dataset, where the file ends before the dataset's bytes do or before the end its
     * superblock records (what the HDF5 library itself refuses as "truncated file"). jhdf reads past the end of a
     * cut file as zeros or as bytes of an earlier read, so a table cut short would come back as if whole.
     */
    static void checkInsideFile(HdfFile f, Path path, String name, Dataset ds) {
        String where = Stores.isS3(path) ? Stores.s3Uri(path) : path.toString();
        String hint = Stores.isS3(path) ? "upload it again" : IoErrors.rerunHint(path);
        long size = f.size();
        if (ds instanceof ContiguousDataset cd && !ds.isEmpty()) {
            long end = f.getUserBlockSize() + cd.getDataAddress() + ds.getSizeInBytes();
            if (end > size) {
                throw BasinException.badInput(where + ": dataset '" + name + "' ends at byte " + end + " but the file ends at byte "
                        + size + ": the file is truncated (" + hint + ")");
            }
        }
        long eof = f.getUserBlockSize() + f.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
        if (size < eof) {
            throw BasinException.badInput(where + ": the file ends at byte " + size + ", before the " + eof + " bytes its superblock"
                    + " records: the file is truncated; not reading dataset '" + name + "' from it (" + hint + ")");
        }
    }

    /** Opens {@code datasetPath} in {@code path}; a null path means "the only dataset in the file". */
    public static Hdf5VolumeReader open(Path path, String datasetPath) {
        HdfFile f;
        RangedReadChannel remote = null;
        String where = Stores.isS3(path) ? Stores.s3Uri(path) : path.toString();
        try {
            if (Stores.isS3(path)) {
                remote = openObject(where);
                f = new HdfFile(remote, objectUri(where));
            } else {
                f = new HdfFile(path);
            }
        } catch (HdfException | IllegalArgumentException e) {
            if (remote != null) {
                remote.close();
            }
            throw storageFailureOr(e, BasinException.badInput(where + ": not a readable HDF5 file (" + e.getMessage() + ")"));
        }
        try {
            String name = datasetPath;
            if (name == null || name.isEmpty()) {
                List<String> all = datasetPaths(f);
                if (all.size() != 1) {
                    throw BasinException.badArguments(where + ": name the dataset to read; the file holds " + all);
                }
                name = all.get(0);
            }
            Dataset ds = dataset(f, name);
            if (ds == null) {
                throw BasinException.badArguments(where + ": no dataset '" + name + "'; the file holds " + datasetPaths(f));
            }
            checkInsideFile(f, path, name, ds);
            DataType t = ds.getDataType();
            ElementType et = ElementType.of(t);
            DType dtype = et.dtype();
            ByteOrder order = et.order();
            if (dtype == null) {
                throw BasinException.badInput(where + ":" + name + ": unsupported element type " + describe(t)
                        + "; basin reads uint8, uint16, int32, uint32, int64, uint64, float32, float64");
            }
            int[] d = ds.getDimensions();
            if (d.length != 3 && d.length != 4) {
                throw BasinException.badInput(where + ":" + name + ": shape " + Arrays.toString(d)
                        + " is not 3D (z, y, x) or 4D (c, z, y, x)");
            }
            int channels = d.length == 4 ? d[0] : 0;
            int[] shape = d.length == 4 ? new int[] {d[1], d[2], d[3]} : d.clone();
            int[] chunks = ds instanceof ChunkedDataset cd ? cd.getChunkDimensions() : null;
            String compression = ds.getFilters().isEmpty() ? "none"
                    : ds.getFilters().stream().map(p -> p.getName()).collect(Collectors.joining("+"));
            Map<String, Object> attrs = new LinkedHashMap<>();
            readAttributes(f, attrs);
            readAttributes(ds, attrs);
            VolumeInfo info = new VolumeInfo("hdf5", where, name, dtype, channels, shape, chunks, compression, attrs);
            return new Hdf5VolumeReader(f, remote, ds, info, order);
        } catch (RuntimeException e) {
            f.close();
            if (e instanceof BasinException) {
                throw e;
            }
            throw storageFailureOr(e, BasinException.badInput(where + ": corrupt or unsupported HDF5 file (" + e.getMessage() + ")"));
        }
    }

    /** The channel of {@code s3://bucket/key}: a bucket alone names no file. */
    private static RangedReadChannel openObject(String uri) {
        S3ChunkStore s3 = S3ChunkStore.parse(uri);
        if (s3.prefix().isEmpty()) {
            throw BasinException.badArguments(uri + ": names a bucket, not an HDF5 file in it (s3://bucket/path/file.h5)");
        }
        return RangedReadChannel.open(new S3ChunkStore(s3.bucket(), ""), s3.prefix());
    }

    /** The URI jhdf keeps for the file (its name in jhdf's own messages); characters a URI cannot hold are quoted. */
    private static URI objectUri(String uri) {
        S3ChunkStore s3 = S3ChunkStore.parse(uri);
        try {
            return new URI("s3", s3.bucket(), "/" + s3.prefix(), null);
        } catch (URISyntaxException e) {
            throw BasinException.badArguments(uri + ": not a URI (" + e.getMessage() + ")");
        }
    }

    /**
     * A storage failure (exit 4, naming bucket and key) that jhdf wrapped while reading through the channel, so that
     * it is not reported as a damaged file; else {@code otherwise}.
     */
    private static BasinException storageFailureOr(Throwable e, BasinException otherwise) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BasinException b) {
                return b;
            }
        }
        return otherwise;
    }

    private static String describe(DataType t) {
        if (t instanceof FixedPoint fp) {
            return (fp.isSigned() ? "int" : "uint") + fp.getSize() * 8;
        }
        return t.getClass().getSimpleName();
    }

    private static void readAttributes(Node node, Map<String, Object> into) {
        for (Map.Entry<String, Attribute> e : node.getAttributes().entrySet()) {
            if (e.getKey().startsWith("_jHDF")) {
                continue;
            }
            try {
                into.put(e.getKey(), e.getValue().getData());
            } catch (RuntimeException ignored) {
                into.put(e.getKey(), "<unreadable attribute>");
            }
        }
    }

    /**
     * A dataset's fill value, what its unwritten chunks (or an unwritten contiguous dataset) hold: a Double for
     * floats, a Long (the bits, for uint64) for integers; 0 where the file records none.
     */
    static Number fillValue(Dataset ds, DType dtype, String where) {
        Object v;
        try {
            v = ds.getFillValue();
        } catch (RuntimeException e) {
            throw BasinException.badInput(where + ": cannot read the dataset's fill value (" + e.getMessage() + ")");
        }
        Number n = v instanceof Number x ? x : 0;
        return dtype.isFloating() ? (Number) n.doubleValue() : (Number) n.longValue();
    }

    /** Sets {@code array[from, to)} to the fill value. */
    static void fill(Object array, Number fill, int from, int to) {
        if (array instanceof byte[] a) {
            Arrays.fill(a, from, to, (byte) fill.longValue());
        } else if (array instanceof short[] a) {
            Arrays.fill(a, from, to, (short) fill.longValue());
        } else if (array instanceof int[] a) {
            Arrays.fill(a, from, to, (int) fill.longValue());
        } else if (array instanceof long[] a) {
            Arrays.fill(a, from, to, fill.longValue());
        } else if (array instanceof float[] a) {
            Arrays.fill(a, from, to, fill.floatValue());
        } else if (array instanceof double[] a) {
            Arrays.fill(a, from, to, fill.doubleValue());
        } else {
            throw new IllegalArgumentException("not a primitive array: " + array.getClass());
        }
    }

    private Number fill() {
        if (fill == null) {
            fill = fillValue(dataset, info.dtype(), info.where());
        }
        return fill;
    }

    private static boolean isZero(Number n) {
        return n.equals(0L) || n.equals(0.0);
    }

    /** Every dataset path in the file, for "no such dataset" messages. */
    public static List<String> datasetPaths(Group g) {
        List<String> out = new ArrayList<>();
        for (Node n : g) {
            if (n instanceof Dataset) {
                out.add(n.getPath());
            } else if (n instanceof Group child) {
                out.addAll(datasetPaths(child));
            }
        }
        return out;
    }

    /** The file's root attributes (a chunk file's place in its grid), from the file already open. */
    public java.util.Map<String, Object> rootAttributes() {
        return Hdf5Files.attributes(file);
    }

    @Override
    public VolumeInfo info() {
        return info;
    }

    @Override
    public Block read(Box box) {
        return read(box, null);
    }

    /**
     * The whole dataset, into the array {@code spare} gives where it is of the dataset's element type and length
     * and the dataset is contiguous (every element is read, none left as allocated); else into a new array. A
     * batch of chunks reads each into an earlier one's array: a fresh 15 MB array per 64^3 chunk cost about as
     * much in page faults and zeroing as reading it.
     */
    @Override
    public Block readAll(java.util.function.IntFunction<Object> spare) {
        long n = Math.max(1, info.channels()) * info.box().voxels();
        Object into = dataset instanceof ContiguousDataset && n <= Integer.MAX_VALUE ? spare.apply((int) n) : null;
        boolean fits = into != null && into.getClass() == info.dtype().allocate(0).getClass() && java.lang.reflect.Array.getLength(into) == n;
        return read(info.box(), fits ? into : null);
    }

    private Block read(Box box, Object into) {
        if (!info.box().contains(box)) {
            throw new IllegalArgumentException("read " + box + " outside " + info.where() + " " + info.box());
        }
        Block out = into != null ? Block.wrap(info.dtype(), info.channels(), box, into)
                : info.channels() > 0 ? Block.allocate(info.dtype(), info.channels(), box) : Block.allocate(info.dtype(), box);
        int rank = dims.length;
        int[] outShape = out.arrayShape();
        int[] outOrigin = NdCopy.origin(rank, box.min());
        try {
            if (dataset instanceof ContiguousDataset && dataset.isEmpty()) {
                fill(out.data(), fill(), 0, java.lang.reflect.Array.getLength(out.data())); // never written: all fill value
            } else if (dataset instanceof ChunkedDataset cd) {
                readChunked(cd, out, outShape, outOrigin);
            } else if (dataset instanceof ContiguousDataset cd && box.equals(info.box())) {
                readWhole(cd, out);
            } else if (dataset instanceof ContiguousDataset cd && remote != null) {
                readContiguousRows(cd, out, outShape, outOrigin);
            } else if (dataset instanceof ContiguousDataset cd) {
                readContiguous(cd.getBuffer(), out, outShape, outOrigin);
            } else {
                throw BasinException.badInput(info.where() + ": unsupported storage layout " + dataset.getDataLayout()
                        + " (basin reads chunked and contiguous datasets)");
            }
        } catch (HdfException | BufferUnderflowException | IndexOutOfBoundsException e) {
            throw storageFailureOr(e, BasinException.badInput(info.where() + ": corrupt or truncated data while reading " + box + " ("
                    + e.getMessage() + ")"));
        }
        return out;
    }

    private void readChunked(ChunkedDataset cd, Block out, int[] outShape, int[] outOrigin) {
        int rank = dims.length;
        int[] chunk = cd.getChunkDimensions();
        int[] first = new int[rank];
        int[] last = new int[rank];
        for (int a = 0; a < rank; a++) {
            first[a] = outOrigin[a] / chunk[a];
            last[a] = (outOrigin[a] + outShape[a] - 1) / chunk[a];
        }
        int chunkLen = 1;
        for (int c : chunk) {
            chunkLen *= c;
        }
        if (slabs(chunk) && java.util.Arrays.equals(outShape, dims)) {
            readSlabs(cd, chunk, out);
            return;
        }
        int[] idx = first.clone();
        Object buffer = info.dtype().allocate(chunkLen);
        Object unwritten = null; // a chunk of the fill value, made when the first unwritten chunk is met
        while (true) {
            int[] offset = new int[rank];
            for (int a = 0; a < rank; a++) {
                offset[a] = idx[a] * chunk[a];
            }
            byte[] raw;
            try {
                raw = cd.getDecompressedChunk(offset);
            } catch (HdfException e) {
                if (String.valueOf(e.getMessage()).contains("No chunk")) {
                    raw = null; // never written: the fill value, zero
                } else {
                    throw e;
                }
            }
            if (raw == null) {
                if (unwritten == null) {
                    unwritten = info.dtype().allocate(chunkLen);
                    fill(unwritten, fill(), 0, chunkLen);
                }
                NdCopy.copy(unwritten, chunk, offset, out.data(), outShape, outOrigin);
            } else {
                if (raw.length < chunkLen * info.dtype().bytes()) {
                    throw BasinException.badInput(info.where() + ": chunk at " + java.util.Arrays.toString(offset)
                            + " decompresses to " + raw.length + " bytes, expected " + chunkLen * info.dtype().bytes());
                }
                ByteCodec.decodeInto(ByteBuffer.wrap(raw), order, info.dtype(), buffer, 0, chunkLen);
                NdCopy.copy(buffer, chunk, offset, out.data(), outShape, outOrigin);
            }
            int a = rank - 1;
            while (a >= 0) {
                if (++idx[a] <= last[a]) {
                    break;
                }
                idx[a] = first[a];
                a--;
            }
            if (a < 0) {
                return;
            }
        }
    }

    /** True when every chunk is a contiguous block of the array: 1, ..., 1, k, whole, ..., whole. */
    private boolean slabs(int[] chunk) {
        int a = 0;
        while (a < chunk.length - 1 && chunk[a] == 1) {
            a++;
        }
        for (int i = a + 1; i < chunk.length; i++) {
            if (chunk[i] != dims[i]) {
                return false;
            }
        }
        return true;
    }

    /** The whole dataset from slab chunks (basin's own unfiltered intermediates): each decoded straight into place. */
    private void readSlabs(ChunkedDataset cd, int[] chunk, Block out) {
        int rank = dims.length;
        long[] stride = NdCopy.strides(dims);
        long total = stride[0] * dims[0];
        int es = info.dtype().bytes();
        int k = 0; // the one axis a chunk covers in part (before it: 1, after it: whole)
        while (k < rank - 1 && chunk[k] == 1) {
            k++;
        }
        // unfiltered (basin's own): decode from the mapped chunk, no copy of it on the heap first
        boolean raw = cd.getFilters().isEmpty();
        int[] offset = new int[rank];
        for (long at = 0; at < total;) {
            // the chunk starting at element `at`, and how much of it lies inside the array
            for (int a = 0; a < rank; a++) {
                offset[a] = (int) (at / stride[a] % dims[a]);
            }
            long n = Math.min(chunk[k], dims[k] - offset[k]) * stride[k];
            ByteBuffer bytes;
            try {
                bytes = raw ? cd.getRawChunkBuffer(offset) : ByteBuffer.wrap(cd.getDecompressedChunk(offset));
            } catch (HdfException e) {
                if (!String.valueOf(e.getMessage()).contains("No chunk")) {
                    throw e;
                }
                if (!isZero(fill())) {
                    fill(out.data(), fill(), Math.toIntExact(at), Math.toIntExact(at + n)); // never written: the fill value
                }
                at += n;
                continue;
            }
            if (bytes.remaining() < n * es) {
                throw BasinException.badInput(info.where() + ": chunk at " + java.util.Arrays.toString(offset) + " holds " + bytes.remaining()
                        + " bytes, expected " + n * es);
            }
            ByteCodec.decodeInto(bytes, order, info.dtype(), out.data(), Math.toIntExact(at), Math.toIntExact(n));
            at += n;
        }
    }

    /**
     * The whole contiguous dataset in large sequential reads (a chunk file read whole: the common case). Going
     * through jhdf's mapped buffer row by row costs several times more on a 200 MB dataset.
     */
    private void readWhole(ContiguousDataset cd, Block out) {
        long elements = 1;
        for (int d : dims) {
            elements *= d;
        }
        int es = info.dtype().bytes();
        long start = file.getUserBlockSize() + cd.getDataAddress();
        ByteBuffer buf = IoBuffers.direct((int) Math.min(elements * es, remote != null ? MAX_REMOTE_READ : 1 << 20)).order(order);
        int perBlock = buf.capacity() / es;
        try (SeekableByteChannel ch = remote != null ? null : FileChannel.open(file.getFileAsPath(), StandardOpenOption.READ)) {
            long pos = start;
            for (long at = 0; at < elements; at += perBlock) {
                int n = (int) Math.min(perBlock, elements - at);
                buf.clear().limit(n * es);
                while (buf.hasRemaining()) {
                    if (readAt(ch, buf, pos + buf.position()) < 0) {
                        throw BasinException.badInput(info.where() + ": file ends inside the dataset (truncated?)");
                    }
                }
                buf.flip();
                ByteCodec.decodeInto(buf, order, info.dtype(), out.data(), Math.toIntExact(at), n);
                pos += (long) n * es;
            }
        } catch (IOException e) {
            throw BasinException.io(info.where() + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** One read at {@code at}: of the local file's channel, or of the S3 object's (one ranged GET per call at most). */
    private int readAt(SeekableByteChannel local, ByteBuffer buf, long at) throws IOException {
        if (remote == null) {
            return ((FileChannel) local).read(buf, at);
        }
        synchronized (remote) {
            remote.position(at);
            return remote.read(buf);
        }
    }

    /**
     * A box of a contiguous dataset in S3, row by row through the channel's block cache: only the blocks the box's
     * rows lie in are fetched, where mapping the dataset would fetch all of it.
     */
    private void readContiguousRows(ContiguousDataset cd, Block out, int[] outShape, int[] outOrigin) {
        int rank = dims.length;
        long[] stride = NdCopy.strides(dims);
        int es = info.dtype().bytes();
        int row = outShape[rank - 1];
        long base = file.getUserBlockSize() + cd.getDataAddress();
        ByteBuffer buf = ByteBuffer.allocate(row * es);
        int[] idx = new int[rank - 1];
        int at = 0;
        try {
            while (true) {
                long src = outOrigin[rank - 1];
                for (int a = 0; a < rank - 1; a++) {
                    src += (outOrigin[a] + idx[a]) * stride[a];
                }
                buf.clear();
                while (buf.hasRemaining()) {
                    if (readAt(null, buf, base + src * es + buf.position()) < 0) {
                        throw BasinException.badInput(info.where() + ": file ends inside the dataset (truncated?)");
                    }
                }
                buf.flip();
                ByteCodec.decodeInto(buf, order, info.dtype(), out.data(), at, row);
                at += row;
                if (!nextRow(idx, outShape)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw BasinException.io(info.where() + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Steps {@code idx} (the region's indices on every axis but the last) to the next row; false after the last. */
    private static boolean nextRow(int[] idx, int[] outShape) {
        for (int a = idx.length - 1; a >= 0; a--) {
            if (++idx[a] < outShape[a]) {
                return true;
            }
            idx[a] = 0;
        }
        return false;
    }

    private void readContiguous(ByteBuffer all, Block out, int[] outShape, int[] outOrigin) {
        int rank = dims.length;
        long[] stride = NdCopy.strides(dims);
        int es = info.dtype().bytes();
        int row = outShape[rank - 1];
        int[] idx = new int[rank - 1];
        int at = 0;
        while (true) {
            long src = outOrigin[rank - 1];
            for (int a = 0; a < rank - 1; a++) {
                src += (outOrigin[a] + idx[a]) * stride[a];
            }
            ByteBuffer slice = all.duplicate();
            slice.position(Math.toIntExact(src * es));
            ByteCodec.decodeInto(slice.slice(), order, info.dtype(), out.data(), at, row);
            at += row;
            if (!nextRow(idx, outShape)) {
                return;
            }
        }
    }

    @Override
    public void close() {
        file.close();
        if (remote != null) {
            remote.close();
        }
    }
}
