package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.commons.codec.digest.MurmurHash3;
import org.basin.volume.Block;

/**
 * Content digests (128 bits in hex) of what a task read or wrote. They travel between pipeline stages as values,
 * so a task's cache key changes exactly when the data it reads changes.
 *
 * <p>MurmurHash3 x64 128-bit, the hash Nextflow builds its own task keys with: these digests only have to tell
 * changed data from unchanged, never resist an adversary. SHA-256 ran at ~50 MB/s under the C1 compiler basin
 * uses (no SHA intrinsics there) and was ~40% of an inference task's CPU; this runs at ~400 MB/s. The stream is
 * hashed in blocks of {@link #BLOCK} bytes and the digest is the hash of the blocks' hashes and the length, so it
 * depends on the bytes alone, not on how they were handed to {@link #update}.
 */
public final class Digest {
    static final int BLOCK = 1 << 20;
    private static final int SEED = 0x62617369; // "basi"

    private byte[] block = new byte[256]; // grows to BLOCK only for long streams
    private int filled;
    private long length;
    private ByteBuffer hashes = ByteBuffer.allocate(64 * 16).order(ByteOrder.LITTLE_ENDIAN);

    public Digest update(byte[] bytes) {
        return update(ByteBuffer.wrap(bytes));
    }

    public Digest update(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        while (b.hasRemaining()) {
            if (filled == 0 && b.hasArray() && b.remaining() >= BLOCK) {
                // whole blocks straight from the caller's array: no copy
                addHash(MurmurHash3.hash128x64(b.array(), b.arrayOffset() + b.position(), BLOCK, SEED));
                b.position(b.position() + BLOCK);
                length += BLOCK;
                continue;
            }
            int n = Math.min(BLOCK - filled, b.remaining());
            if (filled + n > block.length) {
                block = Arrays.copyOf(block, Math.min(BLOCK, Math.max(2 * block.length, filled + n)));
            }
            b.get(block, filled, n);
            filled += n;
            length += n;
            if (filled == BLOCK) {
                addHash(MurmurHash3.hash128x64(block, 0, BLOCK, SEED));
                filled = 0;
            }
        }
        return this;
    }

    public Digest update(String s) {
        return update(s.getBytes(StandardCharsets.UTF_8));
    }

    private void addHash(long[] h) {
        if (hashes.remaining() < 16 + 8) { // a hash, and room for the length hex() appends
            ByteBuffer grown = ByteBuffer.allocate(hashes.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
            grown.put(hashes.flip());
            hashes = grown;
        }
        hashes.putLong(h[0]).putLong(h[1]);
    }

    /** The digest so far, 32 hex digits; the digest starts again empty. */
    public String hex() {
        if (filled > 0) {
            addHash(MurmurHash3.hash128x64(block, 0, filled, SEED));
        }
        hashes.putLong(length);
        long[] h = MurmurHash3.hash128x64(hashes.array(), 0, hashes.position(), SEED);
        byte[] out = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(h[0]).putLong(h[1]).array();
        filled = 0;
        length = 0;
        hashes.clear();
        return HexFormat.of().formatHex(out);
    }

    public static String of(String text) {
        return new Digest().update(text).hex();
    }

    public static String of(byte[] bytes) {
        return new Digest().update(bytes).hex();
    }

    /**
     * The digest of a block's voxels as little-endian bytes, with its type, channels and box; encoded a block of
     * {@link #BLOCK} bytes at a time (a whole copy of a region's uint64 labels cost as much memory as the labels).
     */
    public static String of(Block block) {
        Digest d = new Digest().update(block.dtype().label() + " " + block.channels() + " " + block.box());
        int per = BLOCK / block.dtype().bytes();
        ByteBuffer buf = ByteBuffer.allocate(per * block.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < block.length(); at += per) {
            buf.clear();
            ByteCodec.encodeInto(block.data(), at, Math.min(per, block.length() - at), block.dtype(), buf);
            buf.flip();
            d.update(buf);
        }
        return d.hex();
    }
}
