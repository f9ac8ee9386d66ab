package org.basin.io;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4BlockInputStream;
import net.jpountz.lz4.LZ4BlockOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.basin.error.BasinException;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The N5 block compressions, as n5-java's core and extension modules write them: raw, gzip (gzip or zlib framing,
 * {@code useZlib}), bzip2 (commons-compress), xz (XZ for Java), lz4 (lz4-java's block stream, n5's framing), zstd
 * (zstd-jni frames) and blosc ({@link BloscCodec}).
 *
 * @param type the N5 {@code compression.type}
 * @param level gzip / zstd level, bzip2 block size (1..9), xz preset (0..9), lz4 block size in bytes
 * @param useZlib gzip only: zlib framing instead of gzip's
 * @param blosc blosc only
 */
public record N5Codec(String type, int level, boolean useZlib, BloscCodec blosc) {
    public static final List<String> TYPES = List.of("raw", "gzip", "bzip2", "xz", "lz4", "zstd", "blosc");

    public static final N5Codec RAW = new N5Codec("raw", 0, false, null);

    /**
     * Parses an N5 {@code compression} object, or the pre-1.0 {@code compressionType} string; {@code where} names
     * attributes.json. Unknown types and out-of-range parameters are bad input naming the field.
     */
    @SuppressWarnings("unchecked")
    static N5Codec fromAttributes(Map<String, Object> attrs, String where) {
        Object c = attrs.get("compression");
        if (c == null) {
            Object legacy = attrs.get("compressionType");
            if (legacy == null) {
                return RAW; // n5-java's default
            }
            if (!(legacy instanceof String s)) {
                throw BasinException.badInput(where + ": 'compressionType' " + Json.write(legacy) + " is not a string");
            }
            c = Map.of("type", s);
        }
        if (!(c instanceof Map<?, ?> m)) {
            throw BasinException.badInput(where + ": 'compression' " + Json.write(c) + " is not an object with a \"type\"");
        }
        Map<String, Object> cm = (Map<String, Object>) m;
        Object t = cm.get("type");
        if (!(t instanceof String type) || !TYPES.contains(type)) {
            throw BasinException.badInput(where + ": 'compression' type " + Json.write(t) + " is not supported; basin reads N5 "
                    + String.join(", ", TYPES));
        }
        return switch (type) {
            case "raw" -> RAW;
            case "gzip" -> new N5Codec(type, whole(cm, "level", -1, -1, 9, where), Boolean.TRUE.equals(cm.get("useZlib")), null);
            case "bzip2" -> new N5Codec(type, whole(cm, "blockSize", 9, 1, 9, where), false, null);
            case "xz" -> new N5Codec(type, whole(cm, "preset", 6, 0, 9, where), false, null);
            case "lz4" -> new N5Codec(type, whole(cm, "blockSize", 65536, 64, 1 << 25, where), false, null);
            case "zstd" -> new N5Codec(type, whole(cm, "level", 3, -131072, 22, where), false, null);
            default -> {
                BloscCodec b = BloscCodec.fromMetadata(cm, where + ": 'compression'");
                yield new N5Codec(type, b.clevel(), false, b);
            }
        };
    }

    private static int whole(Map<String, Object> m, String key, int absent, int min, int max, String where) {
        Object v = m.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Integer i) || i < min || i > max) {
            throw BasinException.badInput(where + ": 'compression' " + m.get("type") + " '" + key + "' " + Json.write(v)
                    + " is not a whole number " + min + ".." + max);
        }
        return i;
    }

    /**
     * Parses a user's choice: raw, gzip, zlib (gzip with zlib framing), bzip2, xz, lz4, zstd, blosc (lz4, byte
     * shuffle) or blosc-CNAME, each optionally ":level".
     */
    public static N5Codec parse(String s) {
        String[] p = s.split(":", -1);
        String id = p[0];
        Integer level = null;
        if (p.length == 2) {
            try {
                level = Integer.parseInt(p[1].trim());
            } catch (NumberFormatException e) {
                throw BasinException.badArguments("compression '" + s + "': the level '" + p[1] + "' is not a whole number");
            }
        }
        String cname = id.equals("blosc") ? "lz4" : id.startsWith("blosc-") ? id.substring(6) : null;
        if (p.length > 2 || !(TYPES.contains(id) || id.equals("zlib") || cname != null && BloscCodec.CNAMES.contains(cname))) {
            throw BasinException.badArguments("unknown N5 compression '" + s + "'; use raw, gzip, zlib, bzip2, xz, lz4, zstd, blosc or blosc-"
                    + String.join("|blosc-", BloscCodec.CNAMES) + ", each [:level]");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (cname != null) {
            m.put("type", "blosc");
            m.put("cname", cname);
            m.put("clevel", level == null ? 5 : level);
            m.put("shuffle", 1);
        } else {
            m.put("type", id.equals("zlib") ? "gzip" : id);
            if (id.equals("zlib")) {
                m.put("useZlib", true);
            }
            String key = switch (id) {
                case "bzip2", "lz4" -> "blockSize";
                case "xz" -> "preset";
                default -> "level";
            };
            if (level != null) {
                if (id.equals("raw")) {
                    throw BasinException.badArguments("compression '" + s + "': raw takes no level");
                }
                m.put(key, level);
            } else if (id.equals("gzip") || id.equals("zlib")) {
                m.put(key, 1); // n5-java's -1 is Deflater's 6: 3x slower to write for a few percent
            }
        }
        try {
            return fromAttributes(Map.of("compression", m), "compression '" + s + "'");
        } catch (BasinException e) {
            throw BasinException.badArguments(e.getMessage());
        }
    }

    /** The attributes.json {@code compression} object. */
    public Map<String, Object> toAttributes() {
        if (blosc != null) {
            return blosc.toMetadata("type", "blosc");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        switch (type) {
            case "gzip" -> {
                m.put("level", level);
                m.put("useZlib", useZlib);
            }
            case "bzip2", "lz4" -> m.put("blockSize", level);
            case "xz" -> m.put("preset", level);
            case "zstd" -> m.put("level", level);
            default -> {
            }
        }
        return m;
    }

    /** For VolumeInfo and messages. */
    public String describe() {
        return switch (type) {
            case "raw" -> "raw";
            case "blosc" -> blosc.describe();
            case "gzip" -> (useZlib ? "zlib" : "gzip") + "(level " + level + ")";
            case "bzip2", "lz4" -> type + "(block size " + level + ")";
            case "xz" -> "xz(preset " + level + ")";
            default -> type + "(level " + level + ")";
        };
    }

    /** Compresses a block's big-endian element bytes, elements of {@code typesize} bytes. */
    public byte[] encode(byte[] raw, int typesize) {
        if (type.equals("raw")) {
            return raw;
        }
        if (type.equals("blosc")) {
            return blosc.encode(raw, typesize);
        }
        if (type.equals("zstd")) {
            return Zstd.compress(raw, level);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (OutputStream s = switch (type) {
            case "gzip" -> useZlib ? new DeflaterOutputStream(out, new Deflater(level), 65536)
                    : new GZIPOutputStream(out, 65536) {
                        {
                            def.setLevel(level);
                        }
                    };
            case "bzip2" -> new BZip2CompressorOutputStream(out, level);
            case "xz" -> new XZOutputStream(out, new LZMA2Options(level));
            default -> new LZ4BlockOutputStream(out, level);
        }) {
            s.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
        return out.toByteArray();
    }

    /**
     * Decompresses a block's data ({@code stored[from..]}) that must hold exactly {@code expected} bytes;
     * {@code where} names the block file.
     */
    public byte[] decode(byte[] stored, int from, int expected, String where) {
        int n = stored.length - from;
        byte[] out;
        try {
            switch (type) {
                case "raw" -> out = java.util.Arrays.copyOfRange(stored, from, stored.length);
                case "blosc" -> out = BloscCodec.decode(java.util.Arrays.copyOfRange(stored, from, stored.length), expected, where);
                case "zstd" -> out = Zstd.decompress(java.util.Arrays.copyOfRange(stored, from, stored.length), expected);
                case "gzip" -> out = useZlib ? inflate(stored, from, expected) : readAll(new GZIPInputStream(new ByteArrayInputStream(stored, from, n)), expected);
                case "bzip2" -> out = readAll(new BZip2CompressorInputStream(new ByteArrayInputStream(stored, from, n)), expected);
                case "xz" -> out = readAll(new XZInputStream(new ByteArrayInputStream(stored, from, n)), expected);
                default -> out = readAll(new LZ4BlockInputStream(new ByteArrayInputStream(stored, from, n)), expected);
            }
        } catch (BasinException e) {
            throw e;
        } catch (IOException | DataFormatException | RuntimeException e) {
            String why = e instanceof EOFException ? "the data ends early: truncated"
                    : e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            throw BasinException.badInput(where + ": corrupt " + describe() + " block data: " + n + " bytes that do not decompress to the "
                    + expected + " bytes its header gives (" + why + ")");
        }
        if (out.length != expected) {
            throw BasinException.badInput(where + ": " + describe() + " block data " + (type.equals("raw") ? "is " : "decompresses to ") + out.length
                    + " bytes, not the " + expected + " its header gives (" + (out.length < expected ? "truncated?" : "trailing data?") + ")");
        }
        return out;
    }

    /** Up to expected + 1 bytes: one more than expected says the data runs on. */
    private static byte[] readAll(InputStream in, int expected) throws IOException {
        try (in) {
            byte[] out = in.readNBytes(expected);
            if (out.length == expected && in.read() >= 0) {
                return java.util.Arrays.copyOf(out, expected + 1);
            }
            return out;
        }
    }

    private static byte[] inflate(byte[] stored, int from, int expected) throws DataFormatException {
        Inflater inf = new Inflater();
        inf.setInput(stored, from, stored.length - from);
        byte[] out = new byte[expected];
        int got = 0;
        while (got < expected && !inf.finished()) {
            int k = inf.inflate(out, got, expected - got);
            if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                break;
            }
            got += k;
        }
        inf.end();
        return got == expected ? out : java.util.Arrays.copyOf(out, got);
    }
}
