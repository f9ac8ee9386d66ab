package org.basin.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * A Zarr v2 array in a {@link ChunkStore} (a local folder or an S3 prefix): {@code .zarray} / {@code .zattrs}, C or F
 * order (F-order chunks are transposed on their way in and out), compressors from {@link ZarrCodec}, fill value, "."
 * or "/" chunk-key separators, and region reads and writes that need not
 * align with chunks (partly covered chunks are read, updated and rewritten).
 */
public final class ZarrArray implements ChunkedStore {
    private ByteBuffer scratch; // chunk bytes on their way to the codec, reused
    private Map<String, String> written; // chunk key -> digest of its stored bytes, when asked for (recordWrites)
    private final ChunkStore store;
    private final String dir; // the store's location, for messages
    private final DType dtype;
    private final ByteOrder order;
    private final int[] shape;
    private final int[] chunks;
    private final ZarrCodec codec;
    private final Number fill; // a Double for float arrays, a Long (the bits, for uint64) for integer ones
    private final String separator;
    private final VolumeInfo info;
    private final boolean fortran; // order "F": each chunk's elements with the first axis fastest

    private ZarrArray(ChunkStore store, DType dtype, ByteOrder order, int[] shape, int[] chunks, ZarrCodec codec, Number fill,
            String separator, Map<String, Object> attrs, boolean fortran) {
        this.fortran = fortran;
        this.store = store;
        this.dir = store.location();
        this.dtype = dtype;
        this.order = order;
        this.shape = shape;
        this.chunks = chunks;
        this.codec = codec;
        this.fill = fill;
        this.separator = separator;
        int channels = shape.length == 4 ? shape[0] : 0;
        int[] zyx = shape.length == 4 ? Arrays.copyOfRange(shape, 1, 4) : shape.clone();
        this.info = new VolumeInfo("zarr", dir, null, dtype, channels, zyx, chunks.clone(), codec.describe(), attrs);
    }

    public static boolean isArray(Path dir) {
        return Stores.isS3(dir) ? isArray(Stores.of(dir)) : Files.isRegularFile(dir.resolve(".zarray"));
    }

    public static boolean isArray(ChunkStore store) {
        return store.get(".zarray") != null;
    }

    public static ZarrArray open(Path dir) {
        return open(Stores.of(dir));
    }

    public static ZarrArray open(ChunkStore store) {
        String dir = store.location();
        byte[] meta = store.get(".zarray");
        if (meta == null) {
            throw BasinException.badArguments(dir + ": not a Zarr v2 array (no .zarray)");
        }
        String where = store.location(".zarray");
        Map<String, Object> m = Json.parse(new String(meta, StandardCharsets.UTF_8), where);
        if (!Integer.valueOf(2).equals(m.get("zarr_format"))) {
            throw BasinException.badInput(where + ": zarr_format " + m.get("zarr_format") + " is not 2");
        }
        Object layout = m.getOrDefault("order", "C");
        if (!"C".equals(layout) && !"F".equals(layout)) {
            throw BasinException.badInput(where + ": order " + Json.write(layout) + " is not \"C\" or \"F\"");
        }
        if (m.get("filters") instanceof List<?> f && !f.isEmpty()) {
            throw BasinException.badInput(where + ": filters " + f + " are not supported");
        }
        int[] shape = ints(m.get("shape"), where, "shape");
        int[] chunks = ints(m.get("chunks"), where, "chunks");
        if (shape.length != 3 && shape.length != 4) {
            throw BasinException.badInput(where + ": shape " + Arrays.toString(shape) + " is not 3D (z, y, x) or 4D (c, z, y, x)");
        }
        if (chunks.length != shape.length) {
            throw BasinException.badInput(where + ": 'chunks' " + Arrays.toString(chunks) + " does not have the " + shape.length + " axes of 'shape' "
                    + Arrays.toString(shape));
        }
        checkSizes(shape, chunks, where);
        String dt = String.valueOf(m.get("dtype"));
        DType dtype = parseDtype(dt);
        if (dtype == null) {
            throw BasinException.badInput(where + ": dtype '" + dt + "' is not supported; basin reads uint8, uint16, int32, uint32, int64, uint64, float32, float64");
        }
        if ((long) chunkLength(chunks) * dtype.bytes() > Integer.MAX_VALUE) {
            throw BasinException.badInput(where + ": 'chunks' " + Arrays.toString(chunks) + " of " + dtype.label()
                    + " is over 2 GiB a chunk, more than basin reads (one chunk must fit one Java array)");
        }
        ByteOrder order = dt.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        @SuppressWarnings("unchecked")
        ZarrCodec codec = ZarrCodec.fromMetadata((Map<String, Object>) m.get("compressor"), where);
        Number fill = parseFill(m.get("fill_value"), dtype, where);
        String sep = parseSeparator(m.get("dimension_separator"), where);
        byte[] zattrs = store.get(".zattrs");
        Map<String, Object> attrs = zattrs != null ? Json.parse(new String(zattrs, StandardCharsets.UTF_8), store.location(".zattrs")) : new LinkedHashMap<>();
        return new ZarrArray(store, dtype, order, shape, chunks, codec, fill, sep, attrs, "F".equals(layout));
    }

    /** Creates an empty array (metadata only; unwritten chunks read as the fill value 0). */
    public static ZarrArray create(Path dir, DType dtype, int channels, int[] zyxShape, int[] zyxChunks, ZarrCodec codec,
            String separator, Map<String, Object> attrs) {
        return create(Stores.of(dir), dtype, channels, zyxShape, zyxChunks, codec, separator, attrs);
    }

    public static ZarrArray create(ChunkStore store, DType dtype, int channels, int[] zyxShape, int[] zyxChunks, ZarrCodec codec,
            String separator, Map<String, Object> attrs) {
        int[] shape = channels > 0 ? new int[] {channels, zyxShape[0], zyxShape[1], zyxShape[2]} : zyxShape.clone();
        int[] chunks = channels > 0 ? new int[] {channels, zyxChunks[0], zyxChunks[1], zyxChunks[2]} : zyxChunks.clone();
        for (int a = 0; a < chunks.length; a++) {
            chunks[a] = Math.max(1, Math.min(chunks[a], Math.max(1, shape[a])));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zarr_format", 2);
        m.put("shape", shape);
        m.put("chunks", chunks);
        m.put("dtype", dtype.zarrCode());
        m.put("compressor", codec.toMetadata());
        m.put("fill_value", 0);
        m.put("order", "C");
        m.put("filters", null);
        m.put("dimension_separator", separator);
        store.create();
        store.put(".zarray", Json.bytes(m));
        store.put(".zattrs", Json.bytes(attrs));
        return new ZarrArray(store, dtype, ByteOrder.LITTLE_ENDIAN, shape, chunks, codec, dtype.isFloating() ? (Number) 0.0 : (Number) 0L,
                separator, attrs, false);
    }

    /** A list of whole numbers that fit an int; anything else (4.5, "2", 10^12, not a list) is bad input naming it. */
    private static int[] ints(Object o, String where, String field) {
        if (!(o instanceof List<?> l)) {
            throw BasinException.badInput(where + ": '" + field + "' " + (o == null ? "is missing" : Json.write(o) + " is not a list of integers"));
        }
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = l.get(i);
            if (!(v instanceof Integer n)) {
                String why = v instanceof Long || v instanceof BigInteger ? " is larger than basin reads (2^31 - 1)" : " is not an integer";
                throw BasinException.badInput(where + ": '" + field + "' value " + Json.write(v) + why + " (in " + o + ")");
            }
            out[i] = n;
        }
        return out;
    }

    /** Every extent and chunk at least 1 (zarr-python allows empty arrays; basin has nothing to do with one). */
    private static void checkSizes(int[] shape, int[] chunks, String where) {
        long voxels = 1;
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] < 1) {
                throw BasinException.badInput(where + ": 'shape' " + Arrays.toString(shape) + " has an extent below 1");
            }
            if (chunks[a] < 1) {
                throw BasinException.badInput(where + ": 'chunks' " + Arrays.toString(chunks) + " has an extent below 1");
            }
            try {
                voxels = Math.multiplyExact(voxels, shape[a]);
            } catch (ArithmeticException e) {
                throw BasinException.badInput(where + ": 'shape' " + Arrays.toString(shape) + " has more than 2^63 voxels");
            }
        }
    }

    /** zarr-python's default "." where the separator is absent, null or empty; else "." or "/". */
    private static String parseSeparator(Object o, String where) {
        if (o == null || "".equals(o)) {
            return ".";
        }
        if (!".".equals(o) && !"/".equals(o)) {
            throw BasinException.badInput(where + ": dimension_separator " + (o instanceof String s ? "'" + s + "'" : Json.write(o))
                    + " is not \".\" or \"/\"");
        }
        return (String) o;
    }

    static DType parseDtype(String s) {
        if (s.length() < 3 || "<>|".indexOf(s.charAt(0)) < 0) {
            return null;
        }
        String kind = s.substring(1);
        return switch (kind) {
            case "u1" -> DType.UINT8;
            case "u2" -> DType.UINT16;
            case "i4" -> DType.INT32;
            case "u4" -> DType.UINT32;
            case "i8" -> DType.INT64;
            case "u8" -> DType.UINT64;
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            default -> null;
        };
    }

    /**
     * The fill value as zarr-python decodes it: for floats a number or "NaN", "Infinity", "-Infinity"; for integers
     * a whole number within the dtype's range (numpy refuses others); null as 0 (zarr leaves such chunks undefined).
     */
    static Number parseFill(Object o, DType dtype, String where) {
        if (dtype.isFloating()) {
            if (o == null) {
                return 0.0;
            }
            if (o instanceof Number n) {
                return n.doubleValue();
            }
            return switch (String.valueOf(o)) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw BasinException.badInput(where + ": fill_value " + Json.write(o) + " is not a number for dtype "
                        + dtype.label() + " (zarr writes numbers, \"NaN\", \"Infinity\" or \"-Infinity\")");
            };
        }
        BigInteger v;
        if (o == null) {
            v = BigInteger.ZERO;
        } else if (o instanceof Integer || o instanceof Long) {
            v = BigInteger.valueOf(((Number) o).longValue());
        } else if (o instanceof BigInteger b) {
            v = b;
        } else if (o instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            v = new BigDecimal(d).toBigInteger(); // 2.0: numpy takes it as 2
        } else if (o instanceof Boolean b) {
            v = b ? BigInteger.ONE : BigInteger.ZERO;
        } else {
            throw BasinException.badInput(where + ": fill_value " + Json.write(o) + " is not an integer (dtype " + dtype.label() + ")");
        }
        int bits = dtype.bytes() * 8;
        BigInteger min = dtype.isUnsigned() ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = dtype.isUnsigned() ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE) : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw BasinException.badInput(where + ": fill_value " + v + " is out of range for " + dtype.label() + " (" + min + ".." + max + ")");
        }
        return v.longValue(); // uint64 above 2^63 - 1 as its bits
    }

    @Override
    public VolumeInfo info() {
        return info;
    }

    public Path path() {
        return store instanceof FileChunkStore f ? f.dir() : Path.of(dir);
    }

    public ChunkStore store() {
        return store;
    }

    /** The chunk-key separator, "." or "/". */
    public String separator() {
        return separator;
    }

    /**
     * From now on remember every chunk written, with the digest of its stored bytes: a pipeline task reports them
     * so the stages reading this region are keyed on what it wrote.
     */
    public void recordWrites() {
        written = new java.util.TreeMap<>();
    }

    /** Chunk key (e.g. {@code 0/1/0/2}) -> digest of the stored bytes, for the chunks written since {@link #recordWrites}. */
    public Map<String, String> writtenChunks() {
        return written == null ? Map.of() : java.util.Collections.unmodifiableMap(written);
    }

    private String chunkKey(int[] idx) {
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < idx.length; a++) {
            if (a > 0) {
                sb.append(separator);
            }
            sb.append(idx[a]);
        }
        return sb.toString();
    }

    private int chunkLength() {
        return (int) chunkLength(chunks);
    }

    private static long chunkLength(int[] chunks) {
        long n = 1;
        for (int c : chunks) {
            n *= c;
        }
        return n;
    }

    /**
     * True when at least one chunk key file of this array's grid exists (with its separator): an input without one
     * reads as nothing but the fill value, most often a separator or path mistake.
     */
    public boolean hasAnyChunk() {
        int rank = shape.length;
        int[] grid = new int[rank];
        for (int a = 0; a < rank; a++) {
            grid[a] = (shape[a] + chunks[a] - 1) / chunks[a];
        }
        int depth = separator.equals("/") ? rank : 1;
        return store.anyKey(depth, key -> isChunkKey(key, grid));
    }

    private boolean isChunkKey(String key, int[] grid) {
        if (separator.equals(".") && key.contains("/")) {
            return false;
        }
        String[] parts = separator.equals("/") ? key.split("/", -1) : key.split("\\.", -1);
        if (parts.length != grid.length) {
            return false;
        }
        for (int a = 0; a < grid.length; a++) {
            if (parts[a].isEmpty() || parts[a].length() > 9 || !parts[a].chars().allMatch(Character::isDigit) || Integer.parseInt(parts[a]) >= grid[a]) {
                return false;
            }
        }
        return true;
    }

    private Object readChunk(int[] idx) {
        String key = chunkKey(idx);
        int n = chunkLength();
        byte[] stored = store.get(key);
        if (stored == null) {
            Object a = dtype.allocate(n);
            if (!fill.equals(0L) && !fill.equals(0.0)) {
                Block b = Block.wrap(dtype, 0, Box.ofShape(new int[] {1, 1, n}), a);
                for (int i = 0; i < n; i++) {
                    if (dtype.isFloating()) {
                        b.setDouble(i, fill.doubleValue());
                    } else {
                        b.setLong(i, fill.longValue());
                    }
                }
            }
            return a;
        }
        byte[] raw = codec.decode(stored, n * dtype.bytes(), store.location(key));
        Object values = ByteCodec.decode(ByteBuffer.wrap(raw), order, dtype, n);
        return fortran ? reverseAxes(values, reversed(chunks)) : values;
    }

    private void writeChunk(int[] idx, Object data) {
        if (order == ByteOrder.BIG_ENDIAN) {
            throw BasinException.badInput(dir + ": basin writes only little-endian Zarr arrays");
        }
        // one buffer for every chunk this array writes: a fresh 16 MB array per chunk costs more in page faults
        // and zeroing than the copy itself
        if (fortran) {
            data = reverseAxes(data, chunks);
        }
        int bytes = java.lang.reflect.Array.getLength(data) * dtype.bytes();
        if (scratch == null || scratch.capacity() < bytes) {
            scratch = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        scratch.clear();
        ByteCodec.encodeInto(data, dtype, scratch);
        scratch.flip();
        int r = chunks.length;
        byte[] stored = codec.encode(scratch, data, chunks[r - 1], chunks[r - 1] * chunks[r - 2]);
        store.put(chunkKey(idx), stored); // whole or not at all (a temporary file renamed, or one PUT)
        if (written != null) {
            written.put(chunkKey(idx), Digest.of(stored));
        }
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /**
     * The C-order array of shape {@code shape} with its axes reversed (a new C-order array of the reversed shape): an
     * F-order chunk read as C order of the reversed shape becomes the C-order chunk, and back.
     */
    static Object reverseAxes(Object src, int[] shape) {
        int rank = shape.length;
        int n = java.lang.reflect.Array.getLength(src);
        long[] dstStride = NdCopy.strides(reversed(shape)); // stride in the destination of source axis a: dstStride[rank-1-a]
        int[] to = new int[n];
        int[] idx = new int[rank];
        for (int i = 0; i < n; i++) {
            long d = 0;
            for (int a = 0; a < rank; a++) {
                d += idx[a] * dstStride[rank - 1 - a];
            }
            to[i] = (int) d;
            for (int a = rank - 1; a >= 0 && ++idx[a] == shape[a]; a--) {
                idx[a] = 0;
            }
        }
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), n);
        if (src instanceof byte[] s) {
            byte[] t = (byte[]) dst;
            for (int i = 0; i < n; i++) {
                t[to[i]] = s[i];
            }
        } else if (src instanceof short[] s) {
            short[] t = (short[]) dst;
            for (int i = 0; i < n; i++) {
                t[to[i]] = s[i];
            }
        } else if (src instanceof int[] s) {
            int[] t = (int[]) dst;
            for (int i = 0; i < n; i++) {
                t[to[i]] = s[i];
            }
        } else if (src instanceof long[] s) {
            long[] t = (long[]) dst;
            for (int i = 0; i < n; i++) {
                t[to[i]] = s[i];
            }
        } else if (src instanceof float[] s) {
            float[] t = (float[]) dst;
            for (int i = 0; i < n; i++) {
                t[to[i]] = s[i];
            }
        } else {
            double[] s = (double[]) src;
            double[] t = (double[]) dst;
            for (int i = 0; i < n; i++) {
                t[to[i]] = s[i];
            }
        }
        return dst;
    }

    @Override
    public Block read(Box box) {
        if (!info.box().contains(box)) {
            throw new IllegalArgumentException("read " + box + " outside " + dir + " " + info.box());
        }
        Block out = info.channels() > 0 ? Block.allocate(dtype, info.channels(), box) : Block.allocate(dtype, box);
        int[] outShape = out.arrayShape();
        int[] outOrigin = NdCopy.origin(shape.length, box.min());
        for (int[] idx : NdCopy.gridCovering(outOrigin, outShape, chunks)) {
            int[] co = new int[idx.length];
            for (int a = 0; a < idx.length; a++) {
                co[a] = idx[a] * chunks[a];
            }
            NdCopy.copy(readChunk(idx), chunks, co, out.data(), outShape, outOrigin);
        }
        return out;
    }

    /** Writes the block's voxels (all channels) at its box. */
    public void write(Block block) {
        if (block.dtype() != dtype) {
            throw new IllegalArgumentException("write " + block.dtype() + " into " + dtype + " array " + dir);
        }
        if (!info.box().contains(block.box())) {
            throw new IllegalArgumentException("write " + block.box() + " outside " + dir + " " + info.box());
        }
        int[] bShape = block.arrayShape();
        int[] bOrigin = NdCopy.origin(shape.length, block.box().min());
        for (int[] idx : NdCopy.gridCovering(bOrigin, bShape, chunks)) {
            int[] co = new int[idx.length];
            boolean covered = true;
            for (int a = 0; a < idx.length; a++) {
                co[a] = idx[a] * chunks[a];
                int hi = Math.min(co[a] + chunks[a], shape[a]);
                covered &= bOrigin[a] <= co[a] && bOrigin[a] + bShape[a] >= hi;
            }
            if (covered && java.util.Arrays.equals(bShape, chunks) && java.util.Arrays.equals(bOrigin, co)) {
                writeChunk(idx, block.data()); // the block is exactly this chunk (stitch writes chunk cores so)
                continue;
            }
            Object chunk = covered ? dtype.allocate(chunkLength()) : readChunk(idx);
            NdCopy.copy(block.data(), bShape, bOrigin, chunk, chunks, co);
            writeChunk(idx, chunk);
        }
    }

    @Override
    public void close() {
        // nothing held open between calls
    }
}
