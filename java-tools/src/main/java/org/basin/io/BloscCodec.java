package org.basin.io;

import com.scalableminds.bloscjava.Blosc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * Blosc 1 frames as numcodecs (zarr-python) and N5 write them, through blosc-java's c-blosc 1.21 natives. The frame
 * header and block offsets are checked here first: c-blosc trusts them, and a corrupt chunk must be an error naming
 * the chunk, not a crash of the JVM.
 *
 * @param cname the inner compressor: blosclz, lz4, lz4hc, zlib or zstd
 * @param clevel 0..9
 * @param shuffle 0 none, 1 byte, 2 bit, -1 auto (bit for 1-byte elements, else byte; numcodecs' AUTOSHUFFLE)
 * @param blocksize bytes per Blosc block, 0 for c-blosc's choice
 */
public record BloscCodec(String cname, int clevel, int shuffle, int blocksize) {
    /** The inner compressors this build decodes (c-blosc's snappy is not compiled into blosc-java's natives). */
    public static final List<String> CNAMES = List.of("blosclz", "lz4", "lz4hc", "zlib", "zstd");

    /** Compressor codes in bits 5..7 of the frame's flags, by c-blosc's numbering. */
    private static final String[] CODES = {"blosclz", "lz4 or lz4hc", "snappy", "zlib", "zstd"};

    private static final int HEADER = 16;
    private static final int MEMCPYED = 0x2;

    /** zarr-python's default compressor: Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE). */
    public static BloscCodec defaults(String cname) {
        return new BloscCodec(cname, 5, 1, 0);
    }

    /**
     * Parses numcodecs' {@code {"id": "blosc", "cname": ..., "clevel": ..., "shuffle": ..., "blocksize": ...}}, or N5's
     * {@code {"type": "blosc", ...}} (same keys); {@code where} names the metadata file.
     */
    public static BloscCodec fromMetadata(Map<String, Object> m, String where) {
        Object cn = m.get("cname");
        if (!(cn instanceof String cname) || !CNAMES.contains(cname)) {
            throw BasinException.badInput(where + ": blosc 'cname' " + Json.write(cn) + " is not supported; basin reads "
                    + String.join(", ", CNAMES) + (String.valueOf(cn).equals("snappy") ? " (blosc-java's c-blosc has no snappy)" : ""));
        }
        int clevel = whole(m, "clevel", 5, 0, 9, where);
        int shuffle = whole(m, "shuffle", 1, -1, 2, where);
        int blocksize = whole(m, "blocksize", 0, 0, Integer.MAX_VALUE, where);
        return new BloscCodec(cname, clevel, shuffle, blocksize);
    }

    private static int whole(Map<String, Object> m, String key, int absent, int min, int max, String where) {
        Object v = m.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Integer i) || i < min || i > max) {
            throw BasinException.badInput(where + ": blosc '" + key + "' " + Json.write(v) + " is not a whole number " + min + ".."
                    + (max == Integer.MAX_VALUE ? "" : max));
        }
        return i;
    }

    public Map<String, Object> toMetadata(String idKey, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(idKey, id);
        m.put("cname", cname);
        m.put("clevel", clevel);
        m.put("shuffle", shuffle);
        m.put("blocksize", blocksize);
        return m;
    }

    /** For messages and VolumeInfo: {@code blosc(lz4, level 5, byte shuffle)}. */
    public String describe() {
        String s = switch (shuffle) {
            case 0 -> "no shuffle";
            case 1 -> "byte shuffle";
            case 2 -> "bit shuffle";
            default -> "auto shuffle";
        };
        return "blosc(" + cname + ", level " + clevel + ", " + s + ")";
    }

    /** Compresses {@code raw}, elements of {@code typesize} bytes (what shuffling regroups). */
    public byte[] encode(byte[] raw, int typesize) {
        int sh = shuffle >= 0 ? shuffle : typesize == 1 ? 2 : 1;
        Blosc.Shuffle s = sh == 0 ? Blosc.Shuffle.NO_SHUFFLE : sh == 1 ? Blosc.Shuffle.BYTE_SHUFFLE : Blosc.Shuffle.BIT_SHUFFLE;
        try {
            return Blosc.compress(raw, typesize, Blosc.Compressor.fromString(cname), clevel, s, blocksize, 1);
        } catch (LinkageError e) {
            throw noNatives("write", e);
        }
    }

    /**
     * Decompresses one frame that must hold exactly {@code expected} bytes; {@code where} names the chunk. The header's
     * sizes and every block offset are checked against the frame before c-blosc sees it.
     */
    public static byte[] decode(byte[] frame, int expected, String where) {
        if (frame.length < HEADER) {
            throw bad(where, "is " + frame.length + " bytes, shorter than the 16-byte Blosc header (truncated?)");
        }
        ByteBuffer h = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int version = frame[0] & 0xff;
        int flags = frame[2] & 0xff;
        int typesize = frame[3] & 0xff;
        long nbytes = h.getInt(4) & 0xffffffffL;
        long blocksize = h.getInt(8) & 0xffffffffL;
        long cbytes = h.getInt(12) & 0xffffffffL;
        if (version < 1 || version > 2) {
            throw bad(where, "header field 'version' is " + version + ", not a Blosc 1 frame (1 or 2; not Blosc data, or Blosc 2)");
        }
        if (typesize == 0) {
            throw bad(where, "header field 'typesize' is 0");
        }
        if (cbytes != frame.length) {
            throw bad(where, "header field 'cbytes' says " + cbytes + " bytes, the chunk has " + frame.length
                    + (cbytes > frame.length ? " (truncated)" : " (trailing bytes: not one Blosc frame)"));
        }
        if (nbytes != expected) {
            throw bad(where, "header field 'nbytes' says " + nbytes + " bytes, not the " + expected + " of a chunk (another chunk shape or dtype?)");
        }
        if ((flags & MEMCPYED) != 0) {
            if (cbytes != HEADER + nbytes) {
                throw bad(where, "is stored uncompressed (flags " + flags + ") but holds " + (cbytes - HEADER) + " bytes after its header, not " + nbytes);
            }
        } else if (nbytes > 0) {
            int code = flags >>> 5;
            if (code >= CODES.length || code == 2) {
                throw bad(where, "header field 'flags' (" + flags + ") names compressor " + (code < CODES.length ? CODES[code] : "code " + code)
                        + ", which basin does not decode (it reads " + String.join(", ", CNAMES) + ")");
            }
            if (blocksize == 0 || blocksize > Integer.MAX_VALUE) {
                throw bad(where, "header field 'blocksize' is " + blocksize);
            }
            long blocks = (nbytes + blocksize - 1) / blocksize;
            long first = HEADER + 4 * blocks;
            if (first > cbytes) {
                throw bad(where, "holds " + blocks + " blocks, whose offsets alone need " + first + " of its " + cbytes + " bytes (truncated?)");
            }
            for (int b = 0; b < blocks; b++) {
                long start = h.getInt(HEADER + 4 * b) & 0xffffffffL;
                if (start < first || start >= cbytes) {
                    throw bad(where, "block " + b + "'s offset (bstarts[" + b + "]) is " + start + ", outside the frame's data " + first + ".." + cbytes);
                }
            }
        }
        byte[] out;
        try {
            out = Blosc.decompress(frame);
        } catch (RuntimeException e) {
            throw bad(where, "does not decompress (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (LinkageError e) {
            throw noNatives("read " + where, e);
        }
        if (out == null || out.length != expected) {
            throw bad(where, "does not decompress to its " + expected + " bytes" + (out == null ? "" : " (got " + out.length + ")"));
        }
        return out;
    }

    /** blosc-java ships natives for x86-64 Linux, macOS and Windows only; elsewhere Blosc data cannot be read or written. */
    private static BasinException noNatives(String what, LinkageError e) {
        return BasinException.badInput("cannot " + what + ": Blosc needs blosc-java's c-blosc natives, which have no build for "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " (" + e + "); re-save the data with zstd or zlib");
    }

    private static BasinException bad(String where, String what) {
        return BasinException.badInput(where + ": corrupt Blosc chunk: " + what);
    }
}
