package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.basin.error.BasinException;

/**
 * Decodes Neuroglancer's compressed_segmentation chunks (uint32 or uint64, the multi-channel format): per channel a
 * grid of block headers (24-bit lookup-table offset, 8-bit bit width, 32-bit offset of the packed values, both in
 * 32-bit words from the channel's start), packed little-endian value indices and lookup tables. Every offset is
 * checked against the chunk's length: a damaged chunk is bad input naming the chunk, channel, block and field.
 */
final class CompressedSegmentation {
    private CompressedSegmentation() {
    }

    /**
     * Decodes {@code data} into {@code out} (int[] for uint32, long[] for uint64), which holds the chunk in C order
     * (c, z, y, x) for a chunk of {@code sizeXyz} voxels, {@code channels} channels and blocks of {@code blockXyz}.
     */
    static void decode(byte[] data, int[] sizeXyz, int[] blockXyz, int channels, Object out, String where) {
        if (data.length % 4 != 0) {
            throw bad(where, "is " + data.length + " bytes, not a whole number of 32-bit words");
        }
        int[] words = new int[data.length / 4];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(words);
        if (words.length < channels) {
            throw bad(where, "is " + data.length + " bytes, too short for the " + channels + " channel offsets");
        }
        long voxels = (long) sizeXyz[0] * sizeXyz[1] * sizeXyz[2];
        for (int c = 0; c < channels; c++) {
            long base = words[c] & 0xFFFFFFFFL;
            if (c == 0 && base != channels) {
                throw bad(where, "channel offset 0 is " + base + ", not the channel count " + channels);
            }
            if (base >= words.length) {
                throw bad(where, "channel " + c + " offset " + base + " (32-bit words) is past the end of the chunk (" + words.length + " words)");
            }
            decodeChannel(words, (int) base, sizeXyz, blockXyz, out, (int) (c * voxels), where + " channel " + c);
        }
    }

    private static void decodeChannel(int[] w, int base, int[] size, int[] block, Object out, int outAt, String where) {
        boolean wide = out instanceof long[];
        long[] outLong = wide ? (long[]) out : null;
        int[] outInt = wide ? null : (int[]) out;
        int valueWords = wide ? 2 : 1;
        int sx = size[0];
        int sy = size[1];
        int sz = size[2];
        int bx = block[0];
        int by = block[1];
        int bz = block[2];
        int gx = (sx + bx - 1) / bx;
        int gy = (sy + by - 1) / by;
        int gz = (sz + bz - 1) / bz;
        if (base + 2L * gx * gy * gz > w.length) {
            throw bad(where, "has " + (w.length - base) + " words from its start, fewer than its " + gx * gy * gz + " block headers ("
                    + gx + "x" + gy + "x" + gz + " blocks of " + bx + "x" + by + "x" + bz + ")");
        }
        for (int kz = 0; kz < gz; kz++) {
            for (int ky = 0; ky < gy; ky++) {
                for (int kx = 0; kx < gx; kx++) {
                    int h = base + 2 * (kx + gx * (ky + gy * kz));
                    long table = base + (long) (w[h] & 0xFFFFFF);
                    int bits = w[h] >>> 24;
                    long values = base + (w[h + 1] & 0xFFFFFFFFL);
                    String blockName = "block (" + kx + "," + ky + "," + kz + ")";
                    if (bits != 0 && bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16 && bits != 32) {
                        throw bad(where, blockName + ": encodedBits " + bits + " is not 0, 1, 2, 4, 8, 16 or 32");
                    }
                    int x0 = kx * bx;
                    int y0 = ky * by;
                    int z0 = kz * bz;
                    int ex = Math.min(bx, sx - x0);
                    int ey = Math.min(by, sy - y0);
                    int ez = Math.min(bz, sz - z0);
                    // the last position this block's voxels use (a partial block skips the padding)
                    long lastBit = (long) bits * ((ex - 1) + (long) bx * ((ey - 1) + (long) by * (ez - 1)));
                    if (bits > 0 && values + (lastBit >>> 5) >= w.length) {
                        throw bad(where, blockName + ": encodedValuesOffset " + (values - base) + " puts its values past the end of the chunk ("
                                + w.length + " words)");
                    }
                    if (table + valueWords > w.length) {
                        throw bad(where, blockName + ": lookupTableOffset " + (table - base) + " is past the end of the chunk (" + w.length + " words)");
                    }
                    int mask = bits == 32 ? -1 : (1 << bits) - 1;
                    int v = (int) values;
                    int t = (int) table;
                    for (int z = 0; z < ez; z++) {
                        for (int y = 0; y < ey; y++) {
                            int pos = bx * (y + by * z);
                            int o = outAt + ((z0 + z) * sy + y0 + y) * sx + x0;
                            for (int x = 0; x < ex; x++, pos++, o++) {
                                int index = 0;
                                if (bits > 0) {
                                    long bit = (long) bits * pos;
                                    index = (w[v + (int) (bit >>> 5)] >>> (int) (bit & 31)) & mask;
                                }
                                long at = t + (long) index * valueWords;
                                if (at + valueWords > w.length) {
                                    throw bad(where, blockName + ": value index " + (index & 0xFFFFFFFFL) + " reads past the end of the chunk from lookupTableOffset "
                                            + (table - base));
                                }
                                if (wide) {
                                    outLong[o] = (w[(int) at] & 0xFFFFFFFFL) | ((long) w[(int) at + 1] << 32);
                                } else {
                                    outInt[o] = w[(int) at];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static BasinException bad(String where, String what) {
        return BasinException.badInput(where + ": compressed_segmentation chunk " + what);
    }
}
