package org.basin.io;

import java.util.Arrays;
import org.basin.error.BasinException;

/**
 * The index of a Zarr v3 shard ({@code sharding_indexed}): per inner chunk, in C order, its byte offset in the shard
 * and its size; both 2^64 - 1 for an inner chunk not stored (it reads as the fill value). Stored as a uint64 array
 * of shape (inner grid..., 2) through the codec's {@code index_codecs}, at the shard's start or end.
 */
record ShardIndex(long[] offsets, long[] nbytes) {
    static final long MISSING = -1L; // 2^64 - 1

    int count() {
        return offsets.length;
    }

    boolean missing(int i) {
        return offsets[i] == MISSING && nbytes[i] == MISSING;
    }

    long offset(int i) {
        return offsets[i];
    }

    long nbytes(int i) {
        return nbytes[i];
    }

    /** Bytes the encoded index takes: 16 per inner chunk, plus what its codecs add (4 per crc32c). */
    static long encodedSize(ZarrV3Codecs.Sharding s, int[] grid) {
        return s.index().fixedSize(indexShape(grid));
    }

    private static int[] indexShape(int[] grid) {
        int[] shape = Arrays.copyOf(grid, grid.length + 1);
        shape[grid.length] = 2;
        return shape;
    }

    /** Where the index lies in a shard of {@code shardBytes} bytes: its first byte. */
    static long indexOffset(ZarrV3Codecs.Sharding s, int[] grid, long shardBytes) {
        return s.indexAtEnd() ? shardBytes - encodedSize(s, grid) : 0;
    }

    /** The index of a shard held whole in memory. */
    static ShardIndex read(ZarrV3Codecs.Sharding s, int[] shardShape, byte[] shard, String where) {
        int[] grid = ZarrV3Codecs.gridOf(shardShape, s.chunkShape());
        int count = (int) ZarrV3Codecs.length(grid);
        long size = encodedSize(s, grid);
        if (shard.length < size) {
            throw truncated(s, count, size, shard.length, where);
        }
        int at = (int) indexOffset(s, grid, shard.length);
        return decode(s, grid, Arrays.copyOfRange(shard, at, at + (int) size), shard.length, where);
    }

    static BasinException truncated(ZarrV3Codecs.Sharding s, int count, long size, long have, String where) {
        return BasinException.badInput(where + ": shard index (index_location " + (s.indexAtEnd() ? "end" : "start") + ") of " + count
                + " inner chunks takes " + size + " bytes; the shard has " + have + " (truncated shard)");
    }

    /** Decodes the index bytes and checks every inner chunk lies inside the shard's {@code shardBytes}, off the index. */
    static ShardIndex decode(ZarrV3Codecs.Sharding s, int[] grid, byte[] bytes, long shardBytes, String where) {
        int count = (int) ZarrV3Codecs.length(grid);
        long[] pairs = (long[]) s.index().decode(bytes, indexShape(grid), where + " shard index");
        long[] offsets = new long[count];
        long[] sizes = new long[count];
        long indexSize = bytes.length;
        long dataLo = s.indexAtEnd() ? 0 : indexSize;
        long dataHi = s.indexAtEnd() ? shardBytes - indexSize : shardBytes;
        int[] pos = new int[grid.length];
        for (int i = 0; i < count; i++) {
            offsets[i] = pairs[2 * i];
            sizes[i] = pairs[2 * i + 1];
            boolean missing = offsets[i] == MISSING && sizes[i] == MISSING;
            if (!missing && (offsets[i] < dataLo || sizes[i] < 0 || offsets[i] > dataHi || sizes[i] > dataHi - offsets[i])) {
                throw BasinException.badInput(where + ": shard index entry for inner chunk " + Arrays.toString(pos) + ": offset "
                        + Long.toUnsignedString(offsets[i]) + " + nbytes " + Long.toUnsignedString(sizes[i]) + " lies outside the shard's data (bytes "
                        + dataLo + ".." + dataHi + " of " + shardBytes + ")");
            }
            ZarrV3Codecs.next(pos, grid);
        }
        return new ShardIndex(offsets, sizes);
    }

    /** The index bytes, through the codec's index_codecs. */
    byte[] encode(ZarrV3Codecs.Sharding s, int[] grid) {
        long[] pairs = new long[2 * offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            pairs[2 * i] = offsets[i];
            pairs[2 * i + 1] = nbytes[i];
        }
        return s.index().encode(pairs, indexShape(grid));
    }
}
