package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * Chunks of one scale of a Neuroglancer precomputed volume stored in the sharded format
 * ({@code neuroglancer_uint64_sharded_v1}): a chunk id is hashed (identity or MurmurHash3_x86_128) to a shard file
 * {@code <shard hex>.shard} and a minishard; the shard index at the start of the file locates the minishard index,
 * which lists (delta-encoded) chunk ids, offsets and sizes. Offsets are checked against the file's length. Shards are
 * read in ranges through the {@link ChunkStore} (ranged GETs in S3), never whole.
 */
final class PrecomputedShards {
    /** The {@code sharding} member of a scale in the info file. */
    record Spec(int preshiftBits, boolean murmur, int minishardBits, int shardBits, boolean gzipMinishardIndex, boolean gzipData) {
        static Spec parse(Object o, String where) {
            if (!(o instanceof Map<?, ?> m)) {
                throw BasinException.badInput(where + " 'sharding' " + PrecomputedVolume.shown(o) + " is not an object");
            }
            Object type = m.get("@type");
            if (!"neuroglancer_uint64_sharded_v1".equals(type)) {
                throw BasinException.badInput(where + " 'sharding' field '@type' " + (type == null ? "is missing" : PrecomputedVolume.shown(type) + " is not")
                        + " \"neuroglancer_uint64_sharded_v1\"");
            }
            int preshift = bits(m, "preshift_bits", where);
            int minishard = bits(m, "minishard_bits", where);
            int shard = bits(m, "shard_bits", where);
            if (minishard + shard > 64) {
                throw BasinException.badInput(where + " 'sharding': minishard_bits " + minishard + " + shard_bits " + shard + " is over 64");
            }
            if (minishard > 40) {
                throw BasinException.badInput(where + " 'sharding' field 'minishard_bits' " + minishard
                        + " makes a shard index of 16 * 2^" + minishard + " bytes, more than basin reads (40 bits at most)");
            }
            Object hash = m.get("hash");
            boolean murmur;
            if ("murmurhash3_x86_128".equals(hash)) {
                murmur = true;
            } else if ("identity".equals(hash)) {
                murmur = false;
            } else {
                throw BasinException.badInput(where + " 'sharding' field 'hash' " + (hash == null ? "is missing" : PrecomputedVolume.shown(hash) + " is not")
                        + " \"identity\" or \"murmurhash3_x86_128\"");
            }
            return new Spec(preshift, murmur, minishard, shard, gzip(m, "minishard_index_encoding", where), gzip(m, "data_encoding", where));
        }

        private static int bits(Map<?, ?> m, String field, String where) {
            Object v = m.get(field);
            if (!(v instanceof Integer i) || i < 0 || i > 64) {
                throw BasinException.badInput(where + " 'sharding' field '" + field + "' " + (v == null ? "is missing" : PrecomputedVolume.shown(v)
                        + " is not an integer 0..64"));
            }
            return i;
        }

        /** "raw" (also when absent, as the spec allows) or "gzip". */
        private static boolean gzip(Map<?, ?> m, String field, String where) {
            Object v = m.get(field);
            if (v == null || "raw".equals(v)) {
                return false;
            }
            if ("gzip".equals(v)) {
                return true;
            }
            throw BasinException.badInput(where + " 'sharding' field '" + field + "' " + PrecomputedVolume.shown(v) + " is not \"raw\" or \"gzip\"");
        }

        String describe() {
            return "sharded(" + (murmur ? "murmurhash3_x86_128" : "identity") + ", " + (1L << shardBits) + " shards x " + (1L << minishardBits)
                    + " minishards, data " + (gzipData ? "gzip" : "raw") + ")";
        }
    }

    /** Where one chunk's bytes lie in its shard file. */
    private record Located(long start, long size) {
    }

    private static final int CACHED_MINISHARDS = 4096;
    private static final int CACHED_SHARDS = 4096;

    private final ChunkStore dir;
    private final Spec spec;
    private final String scaleName;
    private final long indexEnd;
    // the size of each shard file met (-1: none there), from the Content-Range of its first ranged read
    private final Map<Long, Long> shardSizes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> e) {
            return size() > CACHED_SHARDS;
        }
    };
    private final Map<Long, Map<Long, Located>> minishards = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Map<Long, Located>> e) {
            return size() > CACHED_MINISHARDS;
        }
    };

    PrecomputedShards(ChunkStore dir, Spec spec, String scaleName) {
        this.dir = dir;
        this.spec = spec;
        this.scaleName = scaleName;
        this.indexEnd = 16L << spec.minishardBits();
    }

    /**
     * The stored (data_encoding decoded) bytes of chunk {@code chunkId}, or null when the volume holds none for it.
     * Reads ranges of the shard only: its index entry for the minishard (16 bytes), the minishard index (both once
     * per minishard, then cached) and the chunk's bytes.
     */
    byte[] read(long chunkId) {
        long hashed = hashed(chunkId);
        long minishard = hashed & mask(spec.minishardBits());
        long shard = shardOf(hashed);
        String file = shardKey(shard);
        long key = (shard << spec.minishardBits()) | minishard;
        Map<Long, Located> index;
        synchronized (minishards) {
            index = minishards.get(key);
        }
        if (index == null) {
            index = readMinishard(shard, file, minishard);
            synchronized (minishards) {
                minishards.put(key, index);
            }
        }
        Located at = index.get(chunkId);
        if (at == null) {
            return null;
        }
        String what = "chunk id " + Long.toUnsignedString(chunkId) + " (minishard " + minishard + ")";
        byte[] stored = readRange(file, at.start(), at.size(), what + " data");
        String where = dir.location(file) + ": " + scaleName + " " + what + " (data_encoding gzip)";
        return spec.gzipData() ? PrecomputedVolume.gunzip(stored, where) : stored;
    }

    /** Where the shard that holds chunk {@code chunkId} is (if the volume has it), for messages. */
    String locationOf(long chunkId) {
        return dir.location(shardKey(shardOf(hashed(chunkId))));
    }

    private long hashed(long chunkId) {
        long shifted = spec.preshiftBits() >= 64 ? 0 : chunkId >>> spec.preshiftBits();
        return spec.murmur() ? murmurHash64(shifted, 0) : shifted;
    }

    private long shardOf(long hashed) {
        return (spec.minishardBits() >= 64 ? 0 : hashed >>> spec.minishardBits()) & mask(spec.shardBits());
    }

    private static long mask(int bits) {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }

    private String shardKey(long shard) {
        int digits = (spec.shardBits() + 3) / 4;
        String hex = Long.toHexString(shard).toLowerCase(Locale.ROOT);
        return "0".repeat(Math.max(0, digits - hex.length())) + hex + ".shard";
    }

    /**
     * chunk id -> location, from the minishard's entry of the shard index and its (delta-encoded) minishard index;
     * empty when the shard file does not exist (every chunk it would hold reads as 0).
     */
    private Map<Long, Located> readMinishard(long shard, String file, long minishard) {
        Long known;
        synchronized (shardSizes) {
            known = shardSizes.get(shard);
        }
        if (known != null && known < 0) {
            return Map.of();
        }
        ChunkStore.Range r = dir.getRange(file, 16 * minishard, 16);
        synchronized (shardSizes) {
            shardSizes.put(shard, r == null ? -1L : r.objectSize());
        }
        if (r == null) {
            return Map.of();
        }
        long length = r.objectSize();
        String name = dir.location(file);
        if (length < indexEnd) {
            throw BasinException.badInput(name + ": " + scaleName + " shard file is " + length + " bytes, shorter than its shard index (16 * 2^"
                    + spec.minishardBits() + " = " + indexEnd + " bytes): truncated");
        }
        if (r.bytes().length != 16) {
            throw BasinException.io(name + ": " + scaleName + " shard index entry of minishard " + minishard + " came back as " + r.bytes().length
                    + " bytes, not 16 (the file changed while being read?)", null);
        }
        ByteBuffer entry = ByteBuffer.wrap(r.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        long start = entry.getLong();
        long end = entry.getLong();
        Map<Long, Located> out = new HashMap<>();
        if (start == end) {
            return out;
        }
        String field = "shard index entry of minishard " + minishard;
        if (Long.compareUnsigned(start, end) > 0 || Long.compareUnsigned(end, length - indexEnd) > 0) {
            throw BasinException.badInput(name + ": " + scaleName + " " + field + " [" + Long.toUnsignedString(start) + ", "
                    + Long.toUnsignedString(end) + ") points past the end of the file (" + (length - indexEnd) + " bytes after the index)");
        }
        byte[] stored = readRange(file, indexEnd + start, end - start, "minishard index " + minishard);
        String where = name + ": " + scaleName + " minishard index " + minishard;
        byte[] raw = spec.gzipMinishardIndex() ? PrecomputedVolume.gunzip(stored, where + " (minishard_index_encoding gzip)") : stored;
        if (raw.length % 24 != 0) {
            throw BasinException.badInput(where + " is " + raw.length + " bytes, not a whole number of 24-byte entries: truncated");
        }
        int n = raw.length / 24;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long id = 0;
        long at = indexEnd;
        for (int i = 0; i < n; i++) {
            id += b.getLong(8 * i);
            long offset = at + b.getLong(8 * (n + i));
            long size = b.getLong(8 * (2 * n + i));
            if (offset < indexEnd || size < 0 || offset > length || size > length - offset) {
                throw BasinException.badInput(where + ": chunk id " + Long.toUnsignedString(id) + " data [" + offset + ", " + (offset + size)
                        + ") points past the end of the file (" + length + " bytes)");
            }
            out.put(id, new Located(offset, size));
            at = offset + size;
        }
        return out;
    }

    /** {@code size} bytes at {@code start} of the shard: one ranged read (one GET in S3). */
    private byte[] readRange(String file, long start, long size, String what) {
        String name = dir.location(file);
        if (size > Integer.MAX_VALUE - 16) {
            throw BasinException.badInput(name + ": " + scaleName + " " + what + " is " + size + " bytes, more than basin reads at once");
        }
        if (size == 0) {
            return new byte[0];
        }
        ChunkStore.Range r = dir.getRange(file, start, (int) size);
        if (r == null || r.bytes().length < size) {
            throw BasinException.badInput(name + ": " + scaleName + " " + what + " [" + start + ", " + (start + size)
                    + ") is past the end of the file" + (r == null ? " (the shard is gone)" : "") + ": truncated");
        }
        return r.bytes();
    }

    /** MurmurHash3_x86_128 of the 8 little-endian bytes of {@code key}; the low 64 bits of the hash (h1 | h2 << 32). */
    static long murmurHash64(long key, int seed) {
        int h1 = seed;
        int h2 = seed;
        int h3 = seed;
        int h4 = seed;
        final int c1 = 0x239b961b;
        final int c2 = 0xab0e9789;
        final int c3 = 0x38b34ae5;
        // 8 bytes: no full 16-byte block, a tail of two words (k2 then k1, as the reference's switch falls through)
        int k2 = (int) (key >>> 32) * c2;
        k2 = Integer.rotateLeft(k2, 16) * c3;
        h2 ^= k2;
        int k1 = (int) key * c1;
        k1 = Integer.rotateLeft(k1, 15) * c2;
        h1 ^= k1;
        h1 ^= 8;
        h2 ^= 8;
        h3 ^= 8;
        h4 ^= 8;
        h1 += h2 + h3 + h4;
        h2 += h1;
        h3 += h1;
        h4 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h3 = fmix(h3);
        h4 = fmix(h4);
        h1 += h2 + h3 + h4;
        h2 += h1;
        return (h1 & 0xFFFFFFFFL) | ((long) h2 << 32);
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * The compressed Morton code of grid cell {@code g} (x, y, z) in a grid of {@code grid} cells: bit i of each axis
     * that needs it (2^i below that axis's size), interleaved x, y, z from the lowest bit up.
     */
    static long compressedMorton(long[] g, long[] grid) {
        long code = 0;
        int j = 0;
        for (int i = 0; i < 64 && j < 64; i++) {
            boolean any = false;
            for (int d = 0; d < 3; d++) {
                if (i < 63 && (1L << i) < grid[d]) {
                    code |= ((g[d] >>> i) & 1L) << j++;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return code;
    }
}
