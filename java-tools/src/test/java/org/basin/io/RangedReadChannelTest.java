package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block cache behind HDF5 and TIFF reads from object stores, here over a folder: every read returns the object's bytes. */
class RangedReadChannelTest {
    @TempDir
    Path dir;

    static final int BLOCK = 16;

    private byte[] object(int blocks) throws Exception {
        byte[] bytes = new byte[blocks * BLOCK];
        new Random(3).nextBytes(bytes);
        Files.write(dir.resolve("obj"), bytes);
        return bytes;
    }

    private static byte[] read(RangedReadChannel ch, long at, int n) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(n);
        ch.position(at);
        while (dst.hasRemaining() && ch.read(dst) > 0) {
            // a read may stop short of the buffer's end
        }
        return dst.array();
    }

    @Test
    void aReadWhoseFetchEvictsABlockItNeedsStillReturnsTheBytes() throws Exception {
        byte[] bytes = object(100);
        try (RangedReadChannel ch = RangedReadChannel.open(new FileChunkStore(dir), "obj", BLOCK)) {
            // block 0 came with the open and is the oldest; fill the cache backwards (no read-ahead) with blocks 32 .. 2
            for (int b = RangedReadChannel.CACHED_BLOCKS; b >= 2; b--) {
                assertArrayEquals(Arrays.copyOfRange(bytes, b * BLOCK, b * BLOCK + 3), read(ch, (long) b * BLOCK, 3));
            }
            // blocks 0 (cached, the eldest) and 1 (missing): fetching 1 evicts one block
            assertArrayEquals(Arrays.copyOfRange(bytes, BLOCK - 2, BLOCK + 2), read(ch, BLOCK - 2, 4));
        }
    }

    @Test
    void randomReadsThroughAFullCacheReturnTheObjectsBytes() throws Exception {
        byte[] bytes = object(200);
        Random rnd = new Random(11);
        try (RangedReadChannel ch = RangedReadChannel.open(new FileChunkStore(dir), "obj", BLOCK)) {
            for (int i = 0; i < 5000; i++) {
                int n = 1 + rnd.nextInt(3 * BLOCK);
                int at = rnd.nextInt(bytes.length - n + 1);
                assertArrayEquals(Arrays.copyOfRange(bytes, at, at + n), read(ch, at, n), "read " + i + " at " + at + " of " + n);
            }
        }
    }
}
