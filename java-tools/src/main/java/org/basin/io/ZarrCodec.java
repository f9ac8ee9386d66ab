package org.basin.io;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.ZipException;
import org.basin.error.BasinException;

/**
 * The Zarr v2 compressors basin reads and writes: none, zlib, gzip (java.util.zip), zstd (zstd-jni) and blosc
 * ({@link BloscCodec}; {@code blosc} is null for the others).
 */
public record ZarrCodec(String id, int level, BloscCodec blosc) {
    public static final ZarrCodec NONE = new ZarrCodec("none", 0);

    public ZarrCodec(String id, int level) {
        this(id, level, null);
    }

    /** Parses a {@code .zarray} "compressor" value (null means none). */
    public static ZarrCodec fromMetadata(Map<String, Object> compressor, String where) {
        if (compressor == null) {
            return NONE;
        }
        String id = String.valueOf(compressor.get("id"));
        int level = compressor.get("level") instanceof Number n ? n.intValue() : defaultLevel(id);
        return switch (id) {
            case "zlib", "gzip", "zstd" -> new ZarrCodec(id, level);
            case "blosc" -> {
                BloscCodec b = BloscCodec.fromMetadata(compressor, where);
                yield new ZarrCodec(id, b.clevel(), b);
            }
            default -> throw BasinException.badInput(where + ": Zarr compressor '" + id
                    + "' is not supported; basin reads zlib, gzip, zstd and blosc (re-save the array with one of them)");
        };
    }

    /**
     * Parses a user's choice: none, zlib, gzip, zstd, blosc (zarr-python's default: lz4, byte shuffle) or blosc-CNAME
     * (CNAME one of {@link BloscCodec#CNAMES}), optionally with ":level".
     */
    public static ZarrCodec parse(String s) {
        String[] p = s.split(":", -1);
        String id = p[0];
        String cname = id.equals("blosc") ? "lz4" : id.startsWith("blosc-") ? id.substring(6) : null;
        if (cname != null && BloscCodec.CNAMES.contains(cname)) {
            int level = p.length == 1 ? 5 : p.length == 2 ? wholeOrMin(p[1]) : -1;
            if (level < 0 || level > 9) {
                throw BasinException.badArguments("compression '" + s + "': the level must be a whole number 0..9 for blosc");
            }
            return new ZarrCodec("blosc", level, new BloscCodec(cname, level, 1, 0));
        }
        if (!id.equals("none") && !id.equals("zlib") && !id.equals("gzip") && !id.equals("zstd") || p.length > 2) {
            throw BasinException.badArguments("unknown compression '" + s + "'; use none, zlib, gzip, zstd or blosc-"
                    + String.join("|blosc-", BloscCodec.CNAMES) + ", each [:level]");
        }
        if (p.length == 1) {
            return new ZarrCodec(id, defaultLevel(id));
        }
        // zlib and gzip take Deflater's 0..9; zstd 1..22 (what zstd-jni and numcodecs accept without surprises)
        int max = id.equals("zstd") ? 22 : 9;
        int min = id.equals("zstd") ? 1 : 0;
        int level;
        try {
            level = Integer.parseInt(p[1].trim());
        } catch (NumberFormatException e) {
            level = Integer.MIN_VALUE;
        }
        if (id.equals("none") || level < min || level > max) {
            throw BasinException.badArguments("compression '" + s + "': " + (id.equals("none") ? "none takes no level"
                    : "the level must be a whole number " + min + ".." + max + " for " + id));
        }
        return new ZarrCodec(id, level);
    }

    private static int wholeOrMin(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    /** For VolumeInfo and messages: {@code zlib(level 1)}, {@code blosc(lz4, level 5, byte shuffle)}, {@code none}. */
    public String describe() {
        return blosc != null ? blosc.describe() : id.equals("none") ? id : id + "(level " + level + ")";
    }

    private static int defaultLevel(String id) {
        return id.equals("zstd") ? 3 : 1;
    }

    public Map<String, Object> toMetadata() {
        if (id.equals("none")) {
            return null;
        }
        if (blosc != null) {
            return blosc.toMetadata("id", "blosc");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("level", level);
        return m;
    }

    /**
     * Compresses a chunk: its little-endian bytes ({@code raw}'s remaining ones) and the array they came from, with
     * {@code row} and {@code plane} values per row and plane. Integer chunks (labels) go through {@link LabelZlib}
     * for zlib where their runs compress them; everything else as {@link #encode(ByteBuffer)}.
     */
    public byte[] encode(ByteBuffer raw, Object values, int row, int plane) {
        if (id.equals("zlib") && (values instanceof long[] || values instanceof int[])) {
            byte[] z = LabelZlib.encode(values, row, plane, raw);
            if (z != null) {
                return z;
            }
        }
        if (blosc != null) {
            byte[] bytes = new byte[raw.remaining()];
            raw.get(bytes);
            return blosc.encode(bytes, elementBytes(values));
        }
        return encode(raw);
    }

    /** Compresses the buffer's remaining bytes (zlib straight from the buffer; the others through a copy). */
    public byte[] encode(ByteBuffer raw) {
        if (id.equals("zlib")) {
            Deflater d = new Deflater(level);
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.remaining() / 4 + 64);
            byte[] buf = new byte[65536];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            d.end();
            return out.toByteArray();
        }
        byte[] bytes = new byte[raw.remaining()];
        raw.get(bytes);
        return encode(bytes);
    }

    private static int elementBytes(Object values) {
        return values instanceof byte[] ? 1 : values instanceof short[] ? 2 : values instanceof int[] || values instanceof float[] ? 4 : 8;
    }

    /** Compresses bytes of elements that are {@code typesize} bytes each (blosc shuffles by it; the others ignore it). */
    public byte[] encode(byte[] raw, int typesize) {
        return blosc != null ? blosc.encode(raw, typesize) : encode(raw);
    }

    public byte[] encode(byte[] raw) {
        if (blosc != null) {
            throw new IllegalStateException("blosc needs the element size: encode(raw, typesize)");
        }
        try {
            switch (id) {
                case "none":
                    return raw;
                case "zlib":
                    return encode(ByteBuffer.wrap(raw));
                case "gzip": {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
                    try (GZIPOutputStream gz = new GZIPOutputStream(out) {
                        {
                            def.setLevel(level);
                        }
                    }) {
                        gz.write(raw);
                    }
                    return out.toByteArray();
                }
                case "zstd":
                    return Zstd.compress(raw, level);
                default:
                    throw new IllegalStateException(id);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decompresses a stored chunk that must hold exactly {@code expected} bytes. */
    public byte[] decode(byte[] stored, int expected, String where) {
        try {
            byte[] out;
            switch (id) {
                case "none" -> out = stored;
                case "zlib" -> {
                    Inflater inf = new Inflater();
                    inf.setInput(stored);
                    out = new byte[expected];
                    int n = 0;
                    while (n < expected && !inf.finished()) {
                        int k = inf.inflate(out, n, expected - n);
                        if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                            break;
                        }
                        n += k;
                    }
                    inf.end();
                    if (n != expected) {
                        throw BasinException.badInput(where + ": corrupt zlib chunk: " + stored.length + " bytes decompress to " + n + " of the "
                                + expected + " bytes of a chunk (truncated, or not zlib data)");
                    }
                }
                case "gzip" -> {
                    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
                        out = in.readAllBytes();
                    }
                }
                case "zstd" -> out = Zstd.decompress(stored, expected);
                case "blosc" -> out = BloscCodec.decode(stored, expected, where);
                default -> throw new IllegalStateException(id);
            }
            if (out.length != expected) {
                throw BasinException.badInput(where + ": " + (id.equals("none") ? "uncompressed chunk is " : id + " chunk decompresses to ")
                        + out.length + " bytes, not the " + expected + " of a chunk (" + (out.length < expected ? "truncated?" : "another chunk shape or dtype?") + ")");
            }
            return out;
        } catch (IOException | DataFormatException | RuntimeException e) {
            if (e instanceof BasinException be) {
                throw be;
            }
            throw BasinException.badInput(where + ": corrupt " + id + " chunk: " + stored.length + " bytes that do not decompress to the "
                    + expected + " bytes of a chunk (" + why(e) + ")");
        }
    }

    /** What went wrong, also where the exception has no message (GZIPInputStream's EOFException at a cut header). */
    private static String why(Exception e) {
        if (e instanceof EOFException) {
            return "the data ends early: truncated" + (e.getMessage() == null ? "" : ", " + e.getMessage());
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            return e.getClass().getSimpleName();
        }
        return e instanceof ZipException && e.getMessage().equals("Not in GZIP format") ? "not gzip data: no gzip header" : e.getMessage();
    }
}
