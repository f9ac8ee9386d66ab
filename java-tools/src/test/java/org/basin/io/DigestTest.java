package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void dependsOnTheBytesNotOnHowTheyArrive() {
        byte[] data = new byte[3 * Digest.BLOCK + 12345];
        new Random(3).nextBytes(data);
        String whole = Digest.of(data);
        Digest pieces = new Digest();
        for (int at = 0; at < data.length;) {
            int n = (int) Math.min(data.length - at, 1 + (at * 7919L) % 700_000);
            pieces.update(ByteBuffer.wrap(data, at, n).slice());
            at += n;
        }
        assertEquals(whole, pieces.hex());
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertEquals(whole, new Digest().update(direct).hex());
        assertEquals(32, whole.length());
    }

    @Test
    void anyChangedByteOrLengthChangesIt() {
        byte[] data = new byte[Digest.BLOCK + 100];
        new Random(4).nextBytes(data);
        Set<String> seen = new HashSet<>();
        seen.add(Digest.of(data));
        for (int i : new int[] {0, 99, Digest.BLOCK - 1, Digest.BLOCK, data.length - 1}) {
            byte[] changed = data.clone();
            changed[i] ^= 1;
            seen.add(Digest.of(changed));
        }
        seen.add(Digest.of(Arrays.copyOf(data, data.length - 1)));
        seen.add(Digest.of(Arrays.copyOf(data, data.length + 1))); // a trailing zero byte
        seen.add(Digest.of(Arrays.copyOf(data, Digest.BLOCK)));
        assertEquals(9, seen.size());
        // the empty input and a single zero byte differ (the length is hashed too)
        assertNotEquals(Digest.of(new byte[0]), Digest.of(new byte[1]));
    }

    @Test
    void aBlocksDigestIsThatOfItsHeaderAndLittleEndianBytesHoweverLarge() {
        org.basin.volume.Block b = org.basin.volume.Block.allocate(org.basin.volume.DType.UINT64,
                org.basin.volume.Box.ofShape(new int[] {3, 300, 400})); // 2.9 MB: three pieces of a MiB
        long[] v = b.longs();
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0x9E3779B97F4A7C15L;
        }
        java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        all.asLongBuffer().put(v);
        String want = new Digest().update("uint64 " + b.channels() + " " + b.box()).update(all.array()).hex();
        assertEquals(want, Digest.of(b));
    }

    @Test
    void reusableAfterHex() {
        Digest d = new Digest();
        String a = d.update("chunk_0_0_0").hex();
        assertEquals(a, d.update("chunk_0_0_0").hex());
        assertEquals(a, Digest.of("chunk_0_0_0"));
    }
}
