package org.basin.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * A Zarr v3 array in a {@link ChunkStore} (a local folder or an S3 prefix; {@code zarr.json}, node_type array): regular chunk grid, chunk key
 * encodings {@code default} and {@code v2}, the codecs of {@link ZarrV3Codecs} including {@code sharding_indexed},
 * fill values in every spelling the spec allows, and region reads and writes that need not align with chunks.
 * In a sharded array a region read fetches (ranged reads) and decodes only the shard index and the inner chunks it meets; a write re-encodes whole shards, so
 * parallel writers must each own whole shards (basin's tasks do: a shard divides the task core).
 */
public final class ZarrV3Array implements ChunkedStore {
    public static final String METADATA = "zarr.json";

    private final ChunkStore store;
    private final DType dtype;
    private final int[] shape;
    private final int[] chunkShape; // of the chunk grid: a shard when sharded
    private final ZarrV3Codecs codecs;
    private final ZarrV3Codecs.Sharding sharding; // the chain is exactly one sharding codec: inner chunks read one by one
    private final Number fill;
    private final String keyPrefix;
    private final String separator;
    private final VolumeInfo info;
    private Map<String, String> written;

    private ZarrV3Array(ChunkStore store, DType dtype, int[] shape, int[] chunkShape, ZarrV3Codecs codecs, Number fill, String keyPrefix,
            String separator, Map<String, Object> attrs) {
        this.store = store;
        this.dtype = dtype;
        this.shape = shape;
        this.chunkShape = chunkShape;
        this.codecs = codecs;
        this.sharding = codecs.directSharding();
        this.fill = fill;
        this.keyPrefix = keyPrefix;
        this.separator = separator;
        int channels = shape.length == 4 ? shape[0] : 0;
        int[] zyx = shape.length == 4 ? Arrays.copyOfRange(shape, 1, 4) : shape.clone();
        int[] readChunk = sharding != null ? sharding.chunkShape() : chunkShape;
        this.info = new VolumeInfo("zarr3", store.location(), null, dtype, channels, zyx, readChunk.clone(), describe(), attrs);
    }

    private String describe() {
        List<String> names = new ArrayList<>();
        ZarrV3Codecs c = sharding != null ? sharding.inner() : codecs;
        c.bytesToBytes().forEach(b -> names.add(b.name() + (b instanceof ZarrV3Codecs.ZstdCodec z ? "(level " + z.level() + ")"
                : b instanceof ZarrV3Codecs.Gzip g ? "(level " + g.level() + ")" : b instanceof ZarrV3Codecs.BloscCodec bl ? "(" + bl.cname() + ")" : "")));
        String s = names.isEmpty() ? "none" : String.join("+", names);
        return sharding != null ? s + ", shards " + Arrays.toString(chunkShape) : s;
    }

    public static boolean isNode(Path dir) {
        return isNode(Stores.of(dir));
    }

    public static boolean isNode(ChunkStore store) {
        return store.exists(METADATA);
    }

    /** True when {@code dir} holds a Zarr v3 array (not a group). */
    public static boolean isArray(Path dir) {
        return isArray(Stores.of(dir));
    }

    public static boolean isArray(ChunkStore store) {
        Map<String, Object> m = metadataOrNull(store);
        return m != null && "array".equals(m.get("node_type"));
    }

    /** The parsed zarr.json, or null when the store has none (one read, no HEAD first: on S3 each is a request). */
    private static Map<String, Object> metadataOrNull(ChunkStore store) {
        byte[] b = store.get(METADATA);
        return b == null ? null : Json.parse(new String(b, StandardCharsets.UTF_8), store.location(METADATA));
    }

    /** The node's {@code zarr.json}, checked to be Zarr v3 of a known node type. */
    static Map<String, Object> node(Path dir) {
        return node(Stores.of(dir));
    }

    static Map<String, Object> node(ChunkStore store) {
        String meta = store.location(METADATA);
        Map<String, Object> m = metadataOrNull(store);
        if (m == null) {
            throw BasinException.badInput(meta + ": no such Zarr v3 metadata (zarr.json)");
        }
        if (!Integer.valueOf(3).equals(m.get("zarr_format"))) {
            throw BasinException.badInput(meta + ": zarr_format " + Json.write(m.get("zarr_format")) + " is not 3");
        }
        Object type = m.get("node_type");
        if (!"array".equals(type) && !"group".equals(type)) {
            throw BasinException.badInput(meta + ": node_type " + Json.write(type) + " is not \"array\" or \"group\"");
        }
        return m;
    }

    public static ZarrV3Array open(Path dir) {
        return open(Stores.of(dir));
    }

    public static ZarrV3Array open(ChunkStore store) {
        Map<String, Object> m = node(store);
        String where = store.location(METADATA);
        if (!"array".equals(m.get("node_type"))) {
            throw BasinException.badArguments(store.location() + ": a Zarr v3 group, not an array");
        }
        int[] shape = ints(m.get("shape"), where, "shape");
        if (shape.length != 3 && shape.length != 4) {
            throw BasinException.badInput(where + ": shape " + Arrays.toString(shape) + " is not 3D (z, y, x) or 4D (c, z, y, x)");
        }
        Object dt = m.get("data_type");
        DType dtype = dt instanceof String s ? parseDataType(s) : null;
        if (dtype == null) {
            throw BasinException.badInput(where + ": data_type " + Json.write(dt)
                    + " is not supported; basin reads uint8, uint16, int32, uint32, int64, uint64, float32, float64");
        }
        int[] chunks = chunkGrid(m.get("chunk_grid"), shape.length, where);
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] < 1) {
                throw BasinException.badInput(where + ": shape " + Arrays.toString(shape) + " has an extent below 1");
            }
        }
        if (m.get("storage_transformers") instanceof List<?> st && !st.isEmpty()) {
            throw BasinException.badInput(where + ": storage_transformers " + Json.write(st) + " are not supported");
        }
        Number fill = parseFill(m.get("fill_value"), dtype, where);
        ZarrV3Codecs codecs = ZarrV3Codecs.parse(m.get("codecs"), dtype, fill, chunks, where, "codecs");
        int[] unit = codecs.directSharding() != null ? codecs.directSharding().chunkShape() : chunks;
        if ((long) ZarrV3Codecs.length(unit) * dtype.bytes() > Integer.MAX_VALUE - 8) {
            throw BasinException.badInput(where + ": chunks of " + Arrays.toString(unit) + " " + dtype.label()
                    + " are over 2 GiB, more than basin reads (one chunk must fit one Java array)");
        }
        String[] key = keyEncoding(m.get("chunk_key_encoding"), where);
        Map<String, Object> attrs = new LinkedHashMap<>();
        if (m.get("attributes") instanceof Map<?, ?> at) {
            at.forEach((k, v) -> attrs.put(String.valueOf(k), v));
        }
        return new ZarrV3Array(store, dtype, shape, chunks, codecs, fill, key[0], key[1], attrs);
    }

    /** What a writer asks for: inner chunk (the chunk when not sharded), shard (null: no sharding) and compression. */
    public record Layout(int[] chunks, int[] shard, List<Object> compressor, boolean indexAtEnd) {
    }

    /**
     * Creates an empty array (metadata only; unwritten chunks read as the fill value 0). {@code zyxChunks} is the
     * (inner) chunk, {@code zyxShard} the shard or null; both (z, y, x), the channel axis taken whole.
     */
    public static ZarrV3Array create(Path dir, DType dtype, int channels, int[] zyxShape, Layout layout, Map<String, Object> attrs) {
        return create(Stores.of(dir), dtype, channels, zyxShape, layout, attrs);
    }

    public static ZarrV3Array create(ChunkStore store, DType dtype, int channels, int[] zyxShape, Layout layout, Map<String, Object> attrs) {
        int[] shape = full(channels, zyxShape);
        int[] chunks = full(channels, layout.chunks());
        int[] grid = layout.shard() == null ? chunks : full(channels, layout.shard());
        Map<String, Object> m = metadata(dtype, shape, chunks, grid, layout, attrs);
        store.create();
        store.put(METADATA, Json.bytes(m));
        return open(store);
    }

    /** The zarr.json of an array basin writes; {@link #create} and the existing-store check compare it. */
    static Map<String, Object> metadata(DType dtype, int[] shape, int[] chunks, int[] grid, Layout layout, Map<String, Object> attrs) {
        List<Object> inner = new ArrayList<>();
        inner.add(ordered("name", "bytes", "configuration", ordered("endian", "little")));
        inner.addAll(layout.compressor());
        List<Object> codecs;
        if (layout.shard() == null) {
            codecs = inner;
        } else {
            List<Object> index = List.of(ordered("name", "bytes", "configuration", ordered("endian", "little")), ordered("name", "crc32c"));
            codecs = List.of(ordered("name", "sharding_indexed", "configuration", ordered("chunk_shape", chunks, "codecs", inner,
                    "index_codecs", index, "index_location", layout.indexAtEnd() ? "end" : "start")));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zarr_format", 3);
        m.put("node_type", "array");
        m.put("shape", shape);
        m.put("data_type", dtype.label());
        m.put("chunk_grid", ordered("name", "regular", "configuration", ordered("chunk_shape", grid)));
        m.put("chunk_key_encoding", ordered("name", "default", "configuration", ordered("separator", "/")));
        m.put("fill_value", 0);
        m.put("codecs", codecs);
        m.put("attributes", attrs);
        m.put("dimension_names", shape.length == 4 ? List.of("c", "z", "y", "x") : List.of("z", "y", "x"));
        return m;
    }

    private static int[] full(int channels, int[] zyx) {
        return channels > 0 ? new int[] {channels, zyx[0], zyx[1], zyx[2]} : zyx.clone();
    }

    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // ---- metadata parsing ---------------------------------------------------------------------------------

    static DType parseDataType(String s) {
        return switch (s) {
            case "uint8" -> DType.UINT8;
            case "uint16" -> DType.UINT16;
            case "int32" -> DType.INT32;
            case "uint32" -> DType.UINT32;
            case "int64" -> DType.INT64;
            case "uint64" -> DType.UINT64;
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            default -> null;
        };
    }

    private static int[] chunkGrid(Object o, int rank, String where) {
        if (!(o instanceof Map<?, ?> g) || !"regular".equals(g.get("name"))) {
            throw BasinException.badInput(where + ": chunk_grid " + Json.write(o) + " is not a regular grid (basin reads \"regular\")");
        }
        Object conf = g.get("configuration");
        int[] chunks = ints(conf instanceof Map<?, ?> c ? c.get("chunk_shape") : null, where, "chunk_grid.configuration.chunk_shape");
        if (chunks.length != rank) {
            throw BasinException.badInput(where + ": chunk_grid.configuration.chunk_shape " + Arrays.toString(chunks) + " does not have the "
                    + rank + " axes of the shape");
        }
        for (int c : chunks) {
            if (c < 1) {
                throw BasinException.badInput(where + ": chunk_grid.configuration.chunk_shape " + Arrays.toString(chunks) + " has an extent below 1");
            }
        }
        return chunks;
    }

    /** {prefix, separator}: default is "c" + sep + i + sep + j ..., v2 is i + sep + j ... */
    private static String[] keyEncoding(Object o, String where) {
        if (!(o instanceof Map<?, ?> k) || !(k.get("name") instanceof String name) || !name.equals("default") && !name.equals("v2")) {
            throw BasinException.badInput(where + ": chunk_key_encoding " + Json.write(o) + " is not {\"name\": \"default\"} or {\"name\": \"v2\"}");
        }
        Object sep = k.get("configuration") instanceof Map<?, ?> c ? c.get("separator") : null;
        String s = sep == null ? (name.equals("default") ? "/" : ".") : String.valueOf(sep);
        if (!s.equals("/") && !s.equals(".")) {
            throw BasinException.badInput(where + ": chunk_key_encoding.configuration.separator " + Json.write(sep) + " is not \"/\" or \".\"");
        }
        return new String[] {name.equals("default") ? "c" + s : "", s};
    }

    private static int[] ints(Object o, String where, String field) {
        if (!(o instanceof List<?> l) || !l.stream().allMatch(v -> v instanceof Integer)) {
            throw BasinException.badInput(where + ": '" + field + "' " + (o == null ? "is missing" : Json.write(o) + " is not a list of integers below 2^31"));
        }
        return l.stream().mapToInt(v -> (Integer) v).toArray();
    }

    /**
     * The fill value: a number; for floats also "NaN", "Infinity", "-Infinity" or the bits as "0x..." hex; for
     * integers within the data type's range. A Double for floats, a Long (the bits, for uint64) for integers.
     */
    static Number parseFill(Object o, DType dtype, String where) {
        String at = where + ": fill_value " + Json.write(o);
        if (o == null) {
            throw BasinException.badInput(where + ": fill_value is missing (Zarr v3 requires one)");
        }
        if (dtype.isFloating()) {
            if (o instanceof Number n) {
                return n.doubleValue();
            }
            if (o instanceof String s) {
                switch (s) {
                    case "NaN":
                        return Double.NaN;
                    case "Infinity":
                        return Double.POSITIVE_INFINITY;
                    case "-Infinity":
                        return Double.NEGATIVE_INFINITY;
                    default:
                        if (s.startsWith("0x") && s.length() == 2 + 2 * dtype.bytes()) {
                            try {
                                long bits = Long.parseUnsignedLong(s.substring(2), 16);
                                return dtype == DType.FLOAT32 ? (double) Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
                            } catch (NumberFormatException e) {
                                // falls through to the message
                            }
                        }
                }
            }
            throw BasinException.badInput(at + " is not a number for " + dtype.label() + " (a number, \"NaN\", \"Infinity\", \"-Infinity\" or \"0x\" and "
                    + 2 * dtype.bytes() + " hex digits)");
        }
        BigInteger v;
        if (o instanceof Integer || o instanceof Long) {
            v = BigInteger.valueOf(((Number) o).longValue());
        } else if (o instanceof BigInteger b) {
            v = b;
        } else if (o instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            v = new BigDecimal(d).toBigInteger();
        } else {
            throw BasinException.badInput(at + " is not an integer (data_type " + dtype.label() + ")");
        }
        int bits = dtype.bytes() * 8;
        BigInteger min = dtype.isUnsigned() ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = (dtype.isUnsigned() ? BigInteger.ONE.shiftLeft(bits) : BigInteger.ONE.shiftLeft(bits - 1)).subtract(BigInteger.ONE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw BasinException.badInput(at + " is out of range for " + dtype.label() + " (" + min + ".." + max + ")");
        }
        return v.longValue();
    }

    // ---- access -------------------------------------------------------------------------------------------

    @Override
    public VolumeInfo info() {
        return info;
    }

    @Override
    public Path path() {
        return store instanceof FileChunkStore f ? f.dir() : Path.of(store.location());
    }

    public ChunkStore store() {
        return store;
    }

    /** The chunk grid's chunk (the shard when sharded), full array order. */
    public int[] gridChunkShape() {
        return chunkShape.clone();
    }

    /** The inner chunk of a sharded array, or null. */
    public int[] innerChunkShape() {
        return sharding == null ? null : sharding.chunkShape().clone();
    }

    @Override
    public void recordWrites() {
        written = new TreeMap<>();
    }

    @Override
    public Map<String, String> writtenChunks() {
        return written == null ? Map.of() : Collections.unmodifiableMap(written);
    }

    String key(int[] idx) {
        StringBuilder sb = new StringBuilder(keyPrefix);
        for (int a = 0; a < idx.length; a++) {
            if (a > 0) {
                sb.append(separator);
            }
            sb.append(idx[a]);
        }
        return sb.toString();
    }

    /** The key of the first chunk (or shard), for messages: {@code c/0/0/0}. */
    public String firstKey() {
        return key(new int[shape.length]);
    }

    /** True when at least one chunk (or shard) of the grid is stored: one without reads as nothing but the fill value. */
    public boolean hasAnyChunk() {
        if (!(store instanceof FileChunkStore)) {
            // one listing rather than a HEAD per grid position; any key but the metadata is a chunk or shard
            int depth = shape.length + (keyPrefix.isEmpty() ? 0 : 1);
            return store.anyKey(separator.equals("/") ? depth : 1, k -> !k.equals(METADATA) && !k.endsWith("/" + METADATA)
                    && (keyPrefix.isEmpty() || k.startsWith(keyPrefix)));
        }
        int[] grid = ZarrV3Codecs.gridOf(shape, chunkShape);
        int[] pos = new int[grid.length];
        long n = ZarrV3Codecs.length(grid);
        for (long i = 0; i < n && i < 1_000_000; i++) {
            if (store.exists(key(pos))) {
                return true;
            }
            ZarrV3Codecs.next(pos, grid);
        }
        return false;
    }

    private boolean fillIsZero() {
        return fill.equals(0L) || fill.equals(0.0);
    }

    @Override
    public Block read(Box box) {
        if (!info.box().contains(box)) {
            throw new IllegalArgumentException("read " + box + " outside " + store.location() + " " + info.box());
        }
        int rank = shape.length;
        int[] outOrigin = NdCopy.origin(rank, box.min());
        int[] outShape = info.channels() > 0 ? new int[] {info.channels(), box.size(0), box.size(1), box.size(2)} : box.shape();
        Object data = fillIsZero() ? dtype.allocate((int) ZarrV3Codecs.length(outShape)) : ZarrV3Codecs.filled(dtype, fill, (int) ZarrV3Codecs.length(outShape));
        for (int[] idx : NdCopy.gridCovering(outOrigin, outShape, chunkShape)) {
            int[] co = origin(idx, chunkShape);
            String k = key(idx);
            if (sharding != null) {
                readShard(k, co, data, outShape, outOrigin);
                continue;
            }
            byte[] stored = store.get(k);
            if (stored == null) {
                continue; // never written: the fill value the output already holds
            }
            Object chunk = codecs.decode(stored, chunkShape, store.location(k) + ": chunk " + k);
            NdCopy.copy(chunk, chunkShape, co, data, outShape, outOrigin);
        }
        return Block.wrap(dtype, info.channels(), box, data);
    }

    /** The inner chunks of one shard that meet the region: one ranged read for the index, one per inner chunk. */
    private void readShard(String k, int[] shardOrigin, Object data, int[] outShape, int[] outOrigin) {
        int[] inner = sharding.chunkShape();
        int[] grid = ZarrV3Codecs.gridOf(chunkShape, inner);
        String where = store.location(k) + ": shard " + k;
        long indexSize = ShardIndex.encodedSize(sharding, grid);
        // at the end, a suffix range finds the index without first asking the object's size (no HEAD)
        ChunkStore.Range r = store.getRange(k, sharding.indexAtEnd() ? -1 : 0, (int) indexSize);
        if (r == null) {
            return; // a shard never written: the fill value the output already holds
        }
        long size = r.objectSize();
        int count = (int) ZarrV3Codecs.length(grid);
        if (size < indexSize || r.bytes().length != indexSize) {
            throw ShardIndex.truncated(sharding, count, indexSize, size, where);
        }
        ShardIndex index = ShardIndex.decode(sharding, grid, r.bytes(), size, where);
        // the region relative to the shard, in inner chunks
        int[] lo = new int[grid.length];
        int[] hi = new int[grid.length];
        for (int a = 0; a < grid.length; a++) {
            int from = Math.max(outOrigin[a], shardOrigin[a]) - shardOrigin[a];
            int to = Math.min(outOrigin[a] + outShape[a], shardOrigin[a] + chunkShape[a]) - shardOrigin[a];
            lo[a] = from / inner[a];
            hi[a] = (to - 1) / inner[a];
        }
        int[] pos = lo.clone();
        while (true) {
            int linear = 0;
            for (int a = 0; a < grid.length; a++) {
                linear = linear * grid[a] + pos[a];
            }
            if (!index.missing(linear)) {
                int n = (int) index.nbytes(linear);
                ChunkStore.Range c = store.getRange(k, index.offset(linear), n);
                if (c == null || c.bytes().length != n) {
                    throw BasinException.badInput(where + ": inner chunk " + Arrays.toString(pos) + " at byte " + index.offset(linear) + " (" + n
                            + " bytes) is past the shard's end (" + (c == null ? "the shard is gone" : c.objectSize() + " bytes") + ")");
                }
                Object chunk = sharding.inner().decode(c.bytes(), inner, where + " inner chunk " + Arrays.toString(pos));
                int[] co = new int[grid.length];
                for (int a = 0; a < grid.length; a++) {
                    co[a] = shardOrigin[a] + pos[a] * inner[a];
                }
                NdCopy.copy(chunk, inner, co, data, outShape, outOrigin);
            }
            int a = grid.length - 1;
            while (a >= 0 && ++pos[a] > hi[a]) {
                pos[a] = lo[a];
                a--;
            }
            if (a < 0) {
                return;
            }
        }
    }

    /** Writes the block's voxels (all channels) at its box: each chunk (shard) it meets is encoded whole and replaced. */
    @Override
    public void write(Block block) {
        if (block.dtype() != dtype) {
            throw new IllegalArgumentException("write " + block.dtype() + " into " + dtype + " array " + store.location());
        }
        if (!info.box().contains(block.box())) {
            throw new IllegalArgumentException("write " + block.box() + " outside " + store.location() + " " + info.box());
        }
        int[] bShape = block.arrayShape();
        int[] bOrigin = NdCopy.origin(shape.length, block.box().min());
        int n = (int) ZarrV3Codecs.length(chunkShape);
        for (int[] idx : NdCopy.gridCovering(bOrigin, bShape, chunkShape)) {
            int[] co = origin(idx, chunkShape);
            boolean covered = true;
            for (int a = 0; a < idx.length; a++) {
                int hi = Math.min(co[a] + chunkShape[a], shape[a]);
                covered &= bOrigin[a] <= co[a] && bOrigin[a] + bShape[a] >= hi;
            }
            Object chunk;
            if (Arrays.equals(bShape, chunkShape) && Arrays.equals(bOrigin, co)) {
                chunk = block.data(); // the block is exactly this chunk (a task's core written as one shard)
            } else {
                chunk = covered ? (fillIsZero() ? dtype.allocate(n) : ZarrV3Codecs.filled(dtype, fill, n)) : readWhole(idx);
                NdCopy.copy(block.data(), bShape, bOrigin, chunk, chunkShape, co);
            }
            writeWhole(idx, codecs.encode(chunk, chunkShape));
        }
    }

    private Object readWhole(int[] idx) {
        String k = key(idx);
        byte[] b = store.get(k);
        if (b == null) {
            return ZarrV3Codecs.filled(dtype, fill, (int) ZarrV3Codecs.length(chunkShape));
        }
        return codecs.decode(b, chunkShape, store.location(k) + ": " + (sharding != null ? "shard " : "chunk ") + k);
    }

    private void writeWhole(int[] idx, byte[] stored) {
        String k = key(idx);
        store.put(k, stored); // a folder: a temporary sibling renamed into place; S3: one PUT, whole
        if (written != null) {
            written.put(k, Digest.of(stored));
        }
    }

    private static int[] origin(int[] idx, int[] chunk) {
        int[] o = new int[idx.length];
        for (int a = 0; a < idx.length; a++) {
            o[a] = idx[a] * chunk[a];
        }
        return o;
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    // ---- groups -------------------------------------------------------------------------------------------

    /**
     * Opens a Zarr v3 node as a volume: an array (its voxel size from the enclosing OME-Zarr group when it says none
     * itself), or a group and the array {@code dataset} inside it (default: the finest OME-Zarr level).
     */
    public static VolumeReader openVolume(Path path, String dataset) {
        return openVolume(Stores.of(path), dataset);
    }

    public static VolumeReader openVolume(ChunkStore store, String dataset) {
        Map<String, Object> node = node(store);
        boolean array = "array".equals(node.get("node_type"));
        boolean named = dataset != null && !dataset.isEmpty() && !dataset.equals("/");
        String location = store.location();
        if (array) {
            if (named) {
                throw BasinException.badArguments(location + ": a Zarr v3 array has no dataset '" + dataset + "'");
            }
            return withOmeScale(open(store), store.parent(), store.name());
        }
        String inner;
        if (named) {
            inner = dataset.replaceFirst("^/", "");
        } else {
            List<String> levels = OmeZarr.levelPaths(store);
            if (levels.isEmpty()) {
                throw BasinException.badArguments(location + ": a Zarr v3 group without OME-Zarr multiscales" + arraysInside(store)
                        + "; name the array with --dataset");
            }
            inner = levels.get(0);
        }
        ChunkStore a = store.child(inner);
        if (!isArray(a)) {
            throw BasinException.badArguments(location + ": no Zarr v3 array '" + inner + "' in this group" + arraysInside(store));
        }
        return withOmeScale(open(a), store, inner);
    }

    /** The nodes directly inside a group, for messages: a folder's subfolders with zarr.json, or one listing of an S3 prefix. */
    private static String arraysInside(ChunkStore group) {
        Set<String> names = new TreeSet<>();
        try {
            group.anyKey(2, k -> {
                if (k.endsWith("/" + METADATA) && k.indexOf('/') == k.length() - METADATA.length() - 1) {
                    names.add(k.substring(0, k.indexOf('/')));
                }
                return false; // walk them all: a group holds a handful of nodes
            });
        } catch (BasinException e) {
            return "";
        }
        return names.isEmpty() ? "" : " (it holds " + String.join(", ", names) + ")";
    }

    private static ZarrV3Array withOmeScale(ZarrV3Array a, ChunkStore group, String arrayPath) {
        if (group != null && a.info().voxelSizeAttribute() == null) {
            double[] zyx = OmeScale.of(group, arrayPath);
            if (zyx != null) {
                a.info().attributes().put(VolumeInfo.OME_SCALE, zyx);
            }
        }
        return a;
    }
}
