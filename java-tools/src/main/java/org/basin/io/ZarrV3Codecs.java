package org.basin.io;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import com.scalableminds.bloscjava.Blosc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.basin.error.BasinException;
import org.basin.volume.DType;

/**
 * A Zarr v3 codec chain (the array's {@code codecs}, or a shard's inner {@code codecs} / {@code index_codecs}):
 * array-to-array codecs ({@code transpose}), one array-to-bytes codec ({@code bytes} or {@code sharding_indexed})
 * and bytes-to-bytes codecs ({@code gzip}, {@code zstd}, {@code blosc}, {@code crc32c}), as the v3 core spec and its
 * codec specs define them. Decoded arrays are C-order Java primitive arrays of the chunk's shape.
 */
final class ZarrV3Codecs {
    /** One codec, as parsed from its metadata. */
    interface Codec {
        String name();

        Map<String, Object> configuration();
    }

    /** Axis {@code i} of the encoded array is axis {@code order[i]} of the decoded one. */
    record Transpose(int[] order) implements Codec {
        public String name() {
            return "transpose";
        }

        public Map<String, Object> configuration() {
            return Map.of("order", order);
        }
    }

    record Bytes(ByteOrder endian) implements Codec {
        public String name() {
            return "bytes";
        }

        public Map<String, Object> configuration() {
            return Map.of("endian", endian == ByteOrder.BIG_ENDIAN ? "big" : "little");
        }
    }

    record Gzip(int level) implements Codec {
        public String name() {
            return "gzip";
        }

        public Map<String, Object> configuration() {
            return Map.of("level", level);
        }
    }

    record ZstdCodec(int level, boolean checksum) implements Codec {
        public String name() {
            return "zstd";
        }

        public Map<String, Object> configuration() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("level", level);
            m.put("checksum", checksum);
            return m;
        }
    }

    record BloscCodec(String cname, int clevel, String shuffle, int typesize, int blocksize) implements Codec {
        public String name() {
            return "blosc";
        }

        public Map<String, Object> configuration() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cname", cname);
            m.put("clevel", clevel);
            m.put("shuffle", shuffle);
            m.put("typesize", typesize);
            m.put("blocksize", blocksize);
            return m;
        }
    }

    record Crc32c() implements Codec {
        public String name() {
            return "crc32c";
        }

        public Map<String, Object> configuration() {
            return null;
        }
    }

    /** {@code sharding_indexed}: a chunk (shard) of inner chunks of {@code chunkShape}, and an index of their places. */
    record Sharding(int[] chunkShape, ZarrV3Codecs inner, ZarrV3Codecs index, boolean indexAtEnd) implements Codec {
        public String name() {
            return "sharding_indexed";
        }

        public Map<String, Object> configuration() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chunk_shape", chunkShape);
            m.put("codecs", inner.toMetadata());
            m.put("index_codecs", index.toMetadata());
            m.put("index_location", indexAtEnd ? "end" : "start");
            return m;
        }
    }

    private final List<Transpose> arrayToArray;
    private final Codec arrayToBytes;
    private final List<Codec> bytesToBytes;
    private final DType dtype;
    private final Number fill;

    ZarrV3Codecs(List<Transpose> arrayToArray, Codec arrayToBytes, List<Codec> bytesToBytes, DType dtype, Number fill) {
        this.arrayToArray = List.copyOf(arrayToArray);
        this.arrayToBytes = arrayToBytes;
        this.bytesToBytes = List.copyOf(bytesToBytes);
        this.dtype = dtype;
        this.fill = fill;
    }

    Codec arrayToBytes() {
        return arrayToBytes;
    }

    List<Transpose> arrayToArray() {
        return arrayToArray;
    }

    List<Codec> bytesToBytes() {
        return bytesToBytes;
    }

    /** The sharding codec when it is the whole chain (the reader then reads inner chunks one by one); else null. */
    Sharding directSharding() {
        return arrayToArray.isEmpty() && bytesToBytes.isEmpty() && arrayToBytes instanceof Sharding s ? s : null;
    }

    List<Object> toMetadata() {
        List<Object> out = new ArrayList<>();
        List<Codec> all = new ArrayList<>(arrayToArray);
        all.add(arrayToBytes);
        all.addAll(bytesToBytes);
        for (Codec c : all) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            if (c.configuration() != null) {
                m.put("configuration", c.configuration());
            }
            out.add(m);
        }
        return out;
    }

    // ---- parsing ------------------------------------------------------------------------------------------

    /**
     * Parses a {@code codecs} list for chunks of {@code chunkShape}; {@code where} is the metadata file and
     * {@code field} the list's place in it ({@code codecs}, {@code codecs[0].configuration.codecs}).
     */
    static ZarrV3Codecs parse(Object list, DType dtype, Number fill, int[] chunkShape, String where, String field) {
        if (!(list instanceof List<?> codecs) || codecs.isEmpty()) {
            throw BasinException.badInput(where + ": '" + field + "' " + (list == null ? "is missing" : Json.write(list) + " is not a list of codecs"));
        }
        List<Transpose> aa = new ArrayList<>();
        Codec ab = null;
        List<Codec> bb = new ArrayList<>();
        int[] shape = chunkShape.clone();
        for (int i = 0; i < codecs.size(); i++) {
            String f = field + "[" + i + "]";
            Object o = codecs.get(i);
            String name;
            Map<?, ?> conf;
            if (o instanceof String s) {
                name = s;
                conf = Map.of();
            } else if (o instanceof Map<?, ?> m && m.get("name") instanceof String s) {
                name = s;
                conf = m.get("configuration") == null ? Map.of() : m.get("configuration") instanceof Map<?, ?> c ? c : null;
                if (conf == null) {
                    throw BasinException.badInput(where + ": " + f + ".configuration " + Json.write(m.get("configuration")) + " is not an object");
                }
            } else {
                throw BasinException.badInput(where + ": " + f + " " + Json.write(o) + " is not a codec (an object with a \"name\")");
            }
            String at = where + ": " + f + " (" + name + ")";
            switch (name) {
                case "transpose" -> {
                    if (ab != null) {
                        throw BasinException.badInput(at + " comes after the array-to-bytes codec " + ab.name() + "; transpose must come first");
                    }
                    Transpose t = new Transpose(order(conf.get("order"), shape.length, at));
                    aa.add(t);
                    shape = permuteShape(shape, t.order());
                }
                case "bytes", "sharding_indexed" -> {
                    if (ab != null) {
                        throw BasinException.badInput(at + ": a second array-to-bytes codec (after " + ab.name() + ")");
                    }
                    ab = name.equals("bytes") ? bytes(conf, dtype, at) : sharding(conf, dtype, fill, shape, where, f);
                }
                case "gzip", "zstd", "blosc", "crc32c" -> {
                    if (ab == null) {
                        throw BasinException.badInput(at + " comes before the array-to-bytes codec (bytes or sharding_indexed)");
                    }
                    bb.add(switch (name) {
                        case "gzip" -> new Gzip(intField(conf, "level", 0, 9, null, at));
                        case "zstd" -> new ZstdCodec(intField(conf, "level", -131072, 22, 0, at), boolField(conf, "checksum", false, at));
                        case "blosc" -> blosc(conf, dtype, at);
                        default -> new Crc32c();
                    });
                }
                default -> throw BasinException.badInput(at + ": unknown codec '" + name + "'; basin reads transpose, bytes, sharding_indexed, gzip, zstd, blosc and crc32c");
            }
        }
        if (ab == null) {
            throw BasinException.badInput(where + ": '" + field + "' has no array-to-bytes codec (bytes or sharding_indexed)");
        }
        return new ZarrV3Codecs(aa, ab, bb, dtype, fill);
    }

    private static int[] order(Object o, int rank, String at) {
        int[] order = new int[rank];
        if ("C".equals(o)) {
            for (int a = 0; a < rank; a++) {
                order[a] = a;
            }
            return order;
        }
        if ("F".equals(o)) {
            for (int a = 0; a < rank; a++) {
                order[a] = rank - 1 - a;
            }
            return order;
        }
        boolean[] seen = new boolean[rank];
        if (!(o instanceof List<?> l) || l.size() != rank) {
            throw BasinException.badInput(at + ": configuration.order " + Json.write(o) + " is not a permutation of the " + rank + " axes");
        }
        for (int a = 0; a < rank; a++) {
            if (!(l.get(a) instanceof Integer v) || v < 0 || v >= rank || seen[v]) {
                throw BasinException.badInput(at + ": configuration.order " + Json.write(o) + " is not a permutation of the " + rank + " axes");
            }
            seen[v] = true;
            order[a] = v;
        }
        return order;
    }

    private static Bytes bytes(Map<?, ?> conf, DType dtype, String at) {
        Object e = conf.get("endian");
        if (e == null) {
            if (dtype.bytes() > 1) {
                throw BasinException.badInput(at + ": configuration.endian is missing (needed for " + dtype.label() + ")");
            }
            return new Bytes(ByteOrder.LITTLE_ENDIAN);
        }
        if ("little".equals(e)) {
            return new Bytes(ByteOrder.LITTLE_ENDIAN);
        }
        if ("big".equals(e)) {
            return new Bytes(ByteOrder.BIG_ENDIAN);
        }
        throw BasinException.badInput(at + ": configuration.endian " + Json.write(e) + " is not \"little\" or \"big\"");
    }

    private static BloscCodec blosc(Map<?, ?> conf, DType dtype, String at) {
        Object cname = conf.get("cname");
        if (!(cname instanceof String c) || !List.of("lz4", "lz4hc", "blosclz", "zstd", "zlib").contains(c)) {
            throw BasinException.badInput(at + ": configuration.cname " + Json.write(cname) + " is not one of lz4, lz4hc, blosclz, zstd, zlib");
        }
        Object shuffle = conf.get("shuffle");
        if (!(shuffle instanceof String s) || !List.of("noshuffle", "shuffle", "bitshuffle").contains(s)) {
            throw BasinException.badInput(at + ": configuration.shuffle " + Json.write(shuffle) + " is not noshuffle, shuffle or bitshuffle");
        }
        int clevel = intField(conf, "clevel", 0, 9, null, at);
        int typesize = intField(conf, "typesize", 1, 255, dtype.bytes(), at);
        int blocksize = intField(conf, "blocksize", 0, Integer.MAX_VALUE, 0, at);
        return new BloscCodec(c, clevel, s, typesize, blocksize);
    }

    private static Sharding sharding(Map<?, ?> conf, DType dtype, Number fill, int[] shardShape, String where, String field) {
        String at = where + ": " + field + " (sharding_indexed)";
        Object cs = conf.get("chunk_shape");
        if (!(cs instanceof List<?> l) || l.size() != shardShape.length || !l.stream().allMatch(v -> v instanceof Integer n && n > 0)) {
            throw BasinException.badInput(at + ": configuration.chunk_shape " + (cs == null ? "is missing" : Json.write(cs)
                    + " is not " + shardShape.length + " positive integers"));
        }
        int[] inner = l.stream().mapToInt(v -> (Integer) v).toArray();
        for (int a = 0; a < inner.length; a++) {
            if (shardShape[a] % inner[a] != 0) {
                throw BasinException.badInput(at + ": configuration.chunk_shape " + Arrays.toString(inner) + " does not divide the shard (chunk) shape "
                        + Arrays.toString(shardShape));
            }
        }
        Object loc = conf.get("index_location") == null ? "end" : conf.get("index_location");
        if (!"end".equals(loc) && !"start".equals(loc)) {
            throw BasinException.badInput(at + ": configuration.index_location " + Json.write(loc) + " is not \"start\" or \"end\"");
        }
        ZarrV3Codecs innerCodecs = parse(conf.get("codecs"), dtype, fill, inner, where, field + ".configuration.codecs");
        int[] indexShape = Arrays.copyOf(gridOf(shardShape, inner), inner.length + 1);
        indexShape[inner.length] = 2;
        ZarrV3Codecs index = parse(conf.get("index_codecs"), DType.UINT64, 0L, indexShape, where, field + ".configuration.index_codecs");
        if (!(index.arrayToBytes instanceof Bytes) || !index.bytesToBytes.stream().allMatch(c -> c instanceof Crc32c)) {
            throw BasinException.badInput(at + ": configuration.index_codecs " + Json.write(index.toMetadata())
                    + " give an index of unknown size; basin reads indexes of bytes, transpose and crc32c codecs");
        }
        return new Sharding(inner, innerCodecs, index, "end".equals(loc));
    }

    private static int intField(Map<?, ?> conf, String key, int min, int max, Integer dflt, String at) {
        Object v = conf.get(key);
        if (v == null && dflt != null) {
            return dflt;
        }
        if (!(v instanceof Integer n) || n < min || n > max) {
            throw BasinException.badInput(at + ": configuration." + key + " " + (v == null ? "is missing" : Json.write(v) + " is not an integer " + min + ".." + max));
        }
        return n;
    }

    private static boolean boolField(Map<?, ?> conf, String key, boolean dflt, String at) {
        Object v = conf.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw BasinException.badInput(at + ": configuration." + key + " " + Json.write(v) + " is not true or false");
        }
        return b;
    }

    // ---- decoding -----------------------------------------------------------------------------------------

    /**
     * The chunk of {@code shape} whose stored bytes are {@code stored}; {@code where} names the file and chunk key
     * in messages.
     */
    Object decode(byte[] stored, int[] shape, String where) {
        int[][] shapes = encodedShapes(shape);
        int[] encoded = shapes[shapes.length - 1];
        long[] sizes = byteSizes(encoded);
        byte[] b = stored;
        for (int i = bytesToBytes.size() - 1; i >= 0; i--) {
            b = decodeBytes(bytesToBytes.get(i), b, sizes[i], where + " (codecs: " + bytesToBytes.get(i).name() + ")");
        }
        Object array;
        if (arrayToBytes instanceof Bytes bc) {
            long n = length(encoded);
            if (b.length != n * dtype.bytes()) {
                throw BasinException.badInput(where + ": the bytes codec got " + b.length + " bytes, not the " + n * dtype.bytes() + " of a "
                        + Arrays.toString(encoded) + " " + dtype.label() + " chunk (truncated, or another chunk shape or codec?)");
            }
            array = ByteCodec.decode(ByteBuffer.wrap(b), bc.endian(), dtype, (int) n);
        } else {
            array = decodeShard((Sharding) arrayToBytes, b, encoded, where);
        }
        for (int i = arrayToArray.size() - 1; i >= 0; i--) {
            array = permute(array, shapes[i + 1], inverse(arrayToArray.get(i).order()));
        }
        return array;
    }

    /** The chunk shape after each array-to-array codec: [0] is the decoded shape. */
    private int[][] encodedShapes(int[] shape) {
        int[][] out = new int[arrayToArray.size() + 1][];
        out[0] = shape;
        for (int i = 0; i < arrayToArray.size(); i++) {
            out[i + 1] = permuteShape(out[i], arrayToArray.get(i).order());
        }
        return out;
    }

    /** The size in bytes after the array-to-bytes codec and after each bytes-to-bytes one that keeps sizes known; -1 where unknown. */
    private long[] byteSizes(int[] encoded) {
        long[] out = new long[bytesToBytes.size() + 1];
        out[0] = arrayToBytes instanceof Bytes ? length(encoded) * dtype.bytes() : -1;
        for (int i = 0; i < bytesToBytes.size(); i++) {
            out[i + 1] = out[i] >= 0 && bytesToBytes.get(i) instanceof Crc32c ? out[i] + 4 : -1;
        }
        return out;
    }

    /** Size in bytes of an encoded chunk of {@code shape} when fixed (bytes and crc32c codecs only), else -1. */
    long fixedSize(int[] shape) {
        long[] s = byteSizes(encodedShapes(shape)[arrayToArray.size()]);
        return s[s.length - 1];
    }

    private static byte[] decodeBytes(Codec c, byte[] in, long expected, String where) {
        try {
            byte[] out;
            if (c instanceof Gzip) {
                try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in))) {
                    out = gz.readAllBytes();
                }
            } else if (c instanceof ZstdCodec) {
                long size = expected >= 0 ? expected : Zstd.decompressedSize(in);
                if (size <= 0 || size > Integer.MAX_VALUE - 8) {
                    // a frame that does not say its size: stream it
                    try (var zin = new ZstdInputStream(new ByteArrayInputStream(in))) {
                        out = zin.readAllBytes();
                    }
                } else {
                    out = Zstd.decompress(in, (int) size);
                }
            } else if (c instanceof BloscCodec) {
                out = bloscDecode(in, expected, where);
            } else {
                out = crc32cCheck(in, where);
            }
            if (expected >= 0 && out.length != expected) {
                throw BasinException.badInput(where + ": decodes to " + out.length + " bytes, not the " + expected + " expected ("
                        + (out.length < expected ? "truncated?" : "another chunk shape or data type?") + ")");
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BasinException be) {
                throw be;
            }
            throw BasinException.badInput(where + ": " + in.length + " bytes that do not decode (" + why(e) + ")");
        }
    }

    /** Blosc's 16-byte header checked before the native decoder sees the bytes: it trusts the sizes it finds there. */
    private static byte[] bloscDecode(byte[] in, long expected, String where) {
        if (in.length < 16) {
            throw BasinException.badInput(where + ": " + in.length + " bytes are shorter than a blosc header (16 bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        long nbytes = Integer.toUnsignedLong(h.getInt(4));
        long cbytes = Integer.toUnsignedLong(h.getInt(12));
        if (cbytes != in.length) {
            throw BasinException.badInput(where + ": the blosc header says " + cbytes + " compressed bytes; there are " + in.length + " (truncated?)");
        }
        if (expected >= 0 && nbytes != expected) {
            throw BasinException.badInput(where + ": the blosc header says " + nbytes + " bytes decompressed, not the " + expected + " of a chunk");
        }
        return Blosc.decompress(in);
    }

    private static byte[] crc32cCheck(byte[] in, String where) {
        if (in.length < 4) {
            throw BasinException.badInput(where + ": " + in.length + " bytes, too short for a crc32c checksum (4 bytes)");
        }
        int n = in.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(in, 0, n);
        int stored = ByteBuffer.wrap(in, n, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw BasinException.badInput(where + ": crc32c checksum mismatch: stored " + String.format("0x%08x", stored) + ", the data gives "
                    + String.format("0x%08x", (int) crc.getValue()) + " (the chunk is damaged)");
        }
        return Arrays.copyOf(in, n);
    }

    private static String why(Exception e) {
        if (e instanceof EOFException) {
            return "the data ends early: truncated";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A whole shard decoded: its inner chunks where present, the fill value elsewhere. */
    private Object decodeShard(Sharding s, byte[] shard, int[] shardShape, String where) {
        ShardIndex index = ShardIndex.read(s, shardShape, shard, where);
        Object out = filled(dtype, fill, (int) length(shardShape));
        int[] grid = gridOf(shardShape, s.chunkShape());
        int[] pos = new int[grid.length];
        for (int i = 0; i < index.count(); i++) {
            if (!index.missing(i)) {
                byte[] bytes = Arrays.copyOfRange(shard, (int) index.offset(i), (int) (index.offset(i) + index.nbytes(i)));
                Object chunk = s.inner().decode(bytes, s.chunkShape(), where + " inner chunk " + Arrays.toString(pos));
                int[] origin = new int[grid.length];
                for (int a = 0; a < grid.length; a++) {
                    origin[a] = pos[a] * s.chunkShape()[a];
                }
                NdCopy.copy(chunk, s.chunkShape(), origin, out, shardShape, new int[grid.length]);
            }
            next(pos, grid);
        }
        return out;
    }

    // ---- encoding -----------------------------------------------------------------------------------------

    /** The stored bytes of a chunk: the C-order array of {@code shape}. */
    byte[] encode(Object array, int[] shape) {
        int[][] shapes = encodedShapes(shape);
        Object a = array;
        for (int i = 0; i < arrayToArray.size(); i++) {
            a = permute(a, shapes[i], arrayToArray.get(i).order());
        }
        int[] encoded = shapes[shapes.length - 1];
        byte[] b = arrayToBytes instanceof Bytes bc ? toBytes(a, dtype, bc.endian()) : encodeShard((Sharding) arrayToBytes, a, encoded);
        for (Codec c : bytesToBytes) {
            b = encodeBytes(c, b);
        }
        return b;
    }

    static byte[] toBytes(Object a, DType dtype, ByteOrder order) {
        int n = java.lang.reflect.Array.getLength(a);
        if (order == ByteOrder.LITTLE_ENDIAN) {
            return ByteCodec.encode(a, dtype);
        }
        ByteBuffer b = ByteBuffer.allocate(n * dtype.bytes()).order(order);
        if (a instanceof byte[] x) {
            b.put(x);
        } else if (a instanceof short[] x) {
            b.asShortBuffer().put(x);
        } else if (a instanceof int[] x) {
            b.asIntBuffer().put(x);
        } else if (a instanceof long[] x) {
            b.asLongBuffer().put(x);
        } else if (a instanceof float[] x) {
            b.asFloatBuffer().put(x);
        } else {
            b.asDoubleBuffer().put((double[]) a);
        }
        return b.array();
    }

    private static byte[] encodeBytes(Codec c, byte[] in) {
        try {
            if (c instanceof Gzip g) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 4 + 64);
                try (GZIPOutputStream gz = new GZIPOutputStream(out) {
                    {
                        def.setLevel(g.level());
                    }
                }) {
                    gz.write(in);
                }
                return out.toByteArray();
            }
            if (c instanceof ZstdCodec z) {
                return Zstd.compress(in, z.level());
            }
            if (c instanceof BloscCodec bl) {
                return Blosc.compress(in, bl.typesize(), bloscCompressor(bl.cname()), bl.clevel(), bloscShuffle(bl.shuffle()), bl.blocksize());
            }
            CRC32C crc = new CRC32C();
            crc.update(in);
            byte[] out = Arrays.copyOf(in, in.length + 4);
            ByteBuffer.wrap(out, in.length, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Blosc.Compressor bloscCompressor(String cname) {
        return switch (cname) {
            case "lz4" -> Blosc.Compressor.LZ4;
            case "lz4hc" -> Blosc.Compressor.LZ4HC;
            case "blosclz" -> Blosc.Compressor.BLOSCLZ;
            case "zstd" -> Blosc.Compressor.ZSTD;
            default -> Blosc.Compressor.ZLIB;
        };
    }

    private static Blosc.Shuffle bloscShuffle(String s) {
        return switch (s) {
            case "shuffle" -> Blosc.Shuffle.BYTE_SHUFFLE;
            case "bitshuffle" -> Blosc.Shuffle.BIT_SHUFFLE;
            default -> Blosc.Shuffle.NO_SHUFFLE;
        };
    }

    /** A shard: inner chunks that hold only the fill value are left out (offset and size 2^64 - 1), as zarr-python does. */
    private byte[] encodeShard(Sharding s, Object shard, int[] shardShape) {
        int[] inner = s.chunkShape();
        int[] grid = gridOf(shardShape, inner);
        int count = (int) length(grid);
        long[] offsets = new long[count];
        long[] sizes = new long[count];
        List<byte[]> parts = new ArrayList<>();
        int indexBytes = (int) ShardIndex.encodedSize(s, grid);
        long at = s.indexAtEnd() ? 0 : indexBytes;
        int[] pos = new int[grid.length];
        Object chunk = dtype.allocate((int) length(inner));
        for (int i = 0; i < count; i++) {
            int[] origin = new int[grid.length];
            for (int a = 0; a < grid.length; a++) {
                origin[a] = pos[a] * inner[a];
            }
            NdCopy.copy(shard, shardShape, new int[grid.length], chunk, inner, origin);
            if (allFill(chunk, fill)) {
                offsets[i] = -1;
                sizes[i] = -1;
            } else {
                byte[] b = s.inner().encode(chunk, inner);
                offsets[i] = at;
                sizes[i] = b.length;
                at += b.length;
                parts.add(b);
            }
            next(pos, grid);
        }
        byte[] index = new ShardIndex(offsets, sizes).encode(s, grid);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) at + indexBytes);
        if (!s.indexAtEnd()) {
            out.writeBytes(index);
        }
        parts.forEach(out::writeBytes);
        if (s.indexAtEnd()) {
            out.writeBytes(index);
        }
        return out.toByteArray();
    }

    // ---- array helpers ------------------------------------------------------------------------------------

    static boolean allFill(Object a, Number fill) {
        if (a instanceof byte[] x) {
            byte f = fill.byteValue();
            for (byte v : x) {
                if (v != f) {
                    return false;
                }
            }
        } else if (a instanceof short[] x) {
            short f = fill.shortValue();
            for (short v : x) {
                if (v != f) {
                    return false;
                }
            }
        } else if (a instanceof int[] x) {
            int f = fill.intValue();
            for (int v : x) {
                if (v != f) {
                    return false;
                }
            }
        } else if (a instanceof long[] x) {
            long f = fill.longValue();
            for (long v : x) {
                if (v != f) {
                    return false;
                }
            }
        } else if (a instanceof float[] x) {
            int f = Float.floatToIntBits(fill.floatValue());
            for (float v : x) {
                if (Float.floatToIntBits(v) != f) {
                    return false;
                }
            }
        } else {
            long f = Double.doubleToLongBits(fill.doubleValue());
            for (double v : (double[]) a) {
                if (Double.doubleToLongBits(v) != f) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A new array of {@code n} elements, each the fill value (a Double for floats, a Long of the bits for integers). */
    static Object filled(DType dtype, Number fill, int n) {
        Object a = dtype.allocate(n);
        if (a instanceof byte[] x) {
            Arrays.fill(x, fill.byteValue());
        } else if (a instanceof short[] x) {
            Arrays.fill(x, fill.shortValue());
        } else if (a instanceof int[] x) {
            Arrays.fill(x, fill.intValue());
        } else if (a instanceof long[] x) {
            Arrays.fill(x, fill.longValue());
        } else if (a instanceof float[] x) {
            Arrays.fill(x, fill.floatValue());
        } else {
            Arrays.fill((double[]) a, fill.doubleValue());
        }
        return a;
    }

    static int[] permuteShape(int[] shape, int[] order) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[order[i]];
        }
        return out;
    }

    static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inv[order[i]] = i;
        }
        return inv;
    }

    /** {@code numpy.transpose(src, order)}: axis i of the result is axis order[i] of {@code src}. */
    static Object permute(Object src, int[] srcShape, int[] order) {
        int rank = srcShape.length;
        int[] dstShape = permuteShape(srcShape, order);
        long[] srcStrides = NdCopy.strides(srcShape);
        long[] step = new long[rank];
        for (int i = 0; i < rank; i++) {
            step[i] = srcStrides[order[i]];
        }
        int n = java.lang.reflect.Array.getLength(src);
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), n);
        int row = dstShape[rank - 1];
        long rowStep = step[rank - 1];
        int[] idx = new int[rank - 1];
        int di = 0;
        while (di < n) {
            long si = 0;
            for (int a = 0; a < rank - 1; a++) {
                si += idx[a] * step[a];
            }
            if (src instanceof byte[] s) {
                byte[] d = (byte[]) dst;
                for (int j = 0; j < row; j++) {
                    d[di + j] = s[(int) (si + j * rowStep)];
                }
            } else if (src instanceof short[] s) {
                short[] d = (short[]) dst;
                for (int j = 0; j < row; j++) {
                    d[di + j] = s[(int) (si + j * rowStep)];
                }
            } else if (src instanceof int[] s) {
                int[] d = (int[]) dst;
                for (int j = 0; j < row; j++) {
                    d[di + j] = s[(int) (si + j * rowStep)];
                }
            } else if (src instanceof long[] s) {
                long[] d = (long[]) dst;
                for (int j = 0; j < row; j++) {
                    d[di + j] = s[(int) (si + j * rowStep)];
                }
            } else if (src instanceof float[] s) {
                float[] d = (float[]) dst;
                for (int j = 0; j < row; j++) {
                    d[di + j] = s[(int) (si + j * rowStep)];
                }
            } else {
                double[] s = (double[]) src;
                double[] d = (double[]) dst;
                for (int j = 0; j < row; j++) {
                    d[di + j] = s[(int) (si + j * rowStep)];
                }
            }
            di += row;
            for (int a = rank - 2; a >= 0; a--) {
                if (++idx[a] < dstShape[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return dst;
    }

    static int[] gridOf(int[] shape, int[] chunk) {
        int[] g = new int[shape.length];
        for (int a = 0; a < shape.length; a++) {
            g[a] = (shape[a] + chunk[a] - 1) / chunk[a];
        }
        return g;
    }

    static long length(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Steps a C-order grid position on by one. */
    static void next(int[] pos, int[] grid) {
        for (int a = pos.length - 1; a >= 0; a--) {
            if (++pos[a] < grid[a]) {
                return;
            }
            pos[a] = 0;
        }
    }
}
