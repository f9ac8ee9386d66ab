package org.basin.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.basin.error.BasinException;
import org.basin.volume.DType;

/**
 * How a store basin writes is laid out: the format (Zarr v2, or Zarr v3 / OME-Zarr 0.5), the chunk (the inner
 * chunk in a sharded v3 store), the shard (v3 only; null for none) and the compression the user chose
 * ({@code none}, {@code zlib} (v2 only), {@code gzip}, {@code zstd}[:level], {@code blosc}[:cname][:level] (v3)).
 * All shapes (z, y, x).
 */
public record StoreLayout(Format format, int[] chunks, int[] shard, String compression) {
    public enum Format {
        zarr2, zarr3, n5;

        public static Format parse(String s) {
            for (Format f : values()) {
                if (f.name().equals(s.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw BasinException.badArguments("--store-format '" + s + "' must be zarr2, zarr3 or n5");
        }
    }

    public static StoreLayout zarr2(int[] chunks, String compression) {
        return new StoreLayout(Format.zarr2, chunks, null, compression);
    }

    /** The compression basin uses for a store of this format when the user names none for labels. */
    public static String defaultLabelCompression(Format f) {
        return switch (f) {
            case zarr2 -> "zlib";
            case zarr3 -> "zstd";
            case n5 -> "gzip"; // what every N5 reader (n5-java without plugins, zarr-python's N5Store) decodes
        };
    }

    /**
     * A layout for tasks that each write whole {@code core}s (the last ones clipped at the volume's edge): the
     * chunk must divide the core; in zarr3 the shard (default: the core) must divide the core and be whole chunks,
     * so that no two tasks ever write one shard. Anything else is refused (bad arguments).
     */
    public static StoreLayout forTasks(Format format, int[] chunks, int[] shard, int[] core, String compression) {
        for (int a = 0; a < 3; a++) {
            if (core[a] % chunks[a] != 0) {
                throw BasinException.badArguments("the store chunk " + xyz(chunks) + " must divide the task core " + xyz(core)
                        + " (x,y,z): a task writes whole store chunks, never one another task writes");
            }
        }
        if (format != Format.zarr3) {
            if (shard != null) {
                throw BasinException.badArguments("--shard " + xyz(shard) + " needs --store-format zarr3 (" + format + " has no shards)");
            }
            StoreLayout l = new StoreLayout(format, chunks, null, compression);
            l.check();
            return l;
        }
        int[] s = shard != null ? shard : core.clone();
        for (int a = 0; a < 3; a++) {
            if (core[a] % s[a] != 0) {
                throw BasinException.badArguments("--shard " + xyz(s) + " must divide the task core " + xyz(core)
                        + " (x,y,z): a task would write part of a shard a neighbouring task writes too, and one of them would lose its chunks");
            }
        }
        StoreLayout l = new StoreLayout(format, chunks, s, compression);
        l.check();
        return l;
    }

    /** A layout for one writer of a whole volume (no neighbours to share shards with). */
    public static StoreLayout single(Format format, int[] chunks, int[] shard, String compression) {
        StoreLayout l = new StoreLayout(format, chunks, format == Format.zarr3 ? shard : null, compression);
        l.check();
        return l;
    }

    private void check() {
        if (format == Format.zarr3 && shard != null) {
            for (int a = 0; a < 3; a++) {
                if (shard[a] < 1 || shard[a] % chunks[a] != 0) {
                    throw BasinException.badArguments("--shard " + xyz(shard) + " must be whole store chunks " + xyz(chunks)
                            + " (x,y,z) on every axis (Zarr v3 sharding needs the inner chunk to divide the shard)");
                }
            }
        }
        switch (format) {
            case zarr3 -> compressorMetadata(compression, DType.UINT8);
            case n5 -> n5Codec();
            case zarr2 -> ZarrCodec.parse(compression);
        }
    }

    /** The N5 compression for the user's choice: "none" is N5's raw; the rest as {@link N5Codec#parse} reads them. */
    N5Codec n5Codec() {
        return N5Codec.parse(compression.equals("none") ? "raw" : compression);
    }

    /** The bytes-to-bytes codecs of a Zarr v3 chunk for the user's compression choice (metadata, as zarr.json holds them). */
    static List<Object> compressorMetadata(String spec, DType dtype) {
        String[] p = spec.split(":", -1);
        List<Object> out = new ArrayList<>();
        String bad = "compression '" + spec + "' for --store-format zarr3: use none, gzip[:0..9], zstd[:1..22] or blosc[:lz4|lz4hc|blosclz|zstd|zlib][:0..9]";
        switch (p[0]) {
            case "none" -> {
                if (p.length > 1) {
                    throw BasinException.badArguments(bad);
                }
            }
            case "zlib" -> throw BasinException.badArguments("compression 'zlib' is not a Zarr v3 codec; with --store-format zarr3 use gzip"
                    + " (the same deflate data) or zstd");
            case "gzip", "zstd" -> {
                int max = p[0].equals("gzip") ? 9 : 22;
                int min = p[0].equals("gzip") ? 0 : 1;
                int level = p.length == 1 ? (p[0].equals("gzip") ? 1 : 3) : level(p[1], min, max, bad);
                if (p.length > 2) {
                    throw BasinException.badArguments(bad);
                }
                out.add(p[0].equals("gzip") ? ZarrV3Array.ordered("name", "gzip", "configuration", ZarrV3Array.ordered("level", level))
                        : ZarrV3Array.ordered("name", "zstd", "configuration", ZarrV3Array.ordered("level", level, "checksum", false)));
            }
            case "blosc" -> {
                String cname = "lz4";
                int level = 5;
                int i = 1;
                if (p.length > i && List.of("lz4", "lz4hc", "blosclz", "zstd", "zlib").contains(p[i])) {
                    cname = p[i++];
                }
                if (p.length > i) {
                    level = level(p[i++], 0, 9, bad);
                }
                if (p.length > i) {
                    throw BasinException.badArguments(bad);
                }
                out.add(ZarrV3Array.ordered("name", "blosc", "configuration", ZarrV3Array.ordered("cname", cname, "clevel", level,
                        "shuffle", dtype.bytes() == 1 ? "bitshuffle" : "shuffle", "typesize", dtype.bytes(), "blocksize", 0)));
            }
            default -> throw BasinException.badArguments(bad);
        }
        return out;
    }

    private static int level(String s, int min, int max, String bad) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw BasinException.badArguments(bad);
    }

    private static String xyz(int[] zyx) {
        return zyx[2] + "," + zyx[1] + "," + zyx[0];
    }

    @Override
    public String toString() {
        return format + " chunks " + Arrays.toString(chunks) + (shard != null ? " shards " + Arrays.toString(shard) : "") + " " + compression;
    }
}
