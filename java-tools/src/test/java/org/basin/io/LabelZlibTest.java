package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class LabelZlibTest {
    static ByteBuffer bytes(Object values) {
        int n = values instanceof long[] l ? l.length * 8 : ((int[]) values).length * 4;
        ByteBuffer b = ByteBuffer.allocateDirect(n).order(ByteOrder.LITTLE_ENDIAN);
        if (values instanceof long[] l) {
            b.asLongBuffer().put(l);
        } else {
            b.asIntBuffer().put((int[]) values);
        }
        return b;
    }

    static byte[] inflate(byte[] z, int n) throws Exception {
        Inflater inf = new Inflater();
        inf.setInput(z);
        byte[] out = new byte[n + 1];
        int got = inf.inflate(out);
        assertTrue(inf.finished(), "stream complete, checksum verified");
        assertEquals(n, got);
        inf.end();
        return java.util.Arrays.copyOf(out, n);
    }

    static byte[] raw(ByteBuffer b) {
        byte[] r = new byte[b.remaining()];
        b.duplicate().get(r);
        return r;
    }

    /** A segmentation-like chunk: boxes of random labels, some huge ids, a few single-voxel segments. */
    static long[] blocky(int[] s, long seed) {
        Random r = new Random(seed);
        long[] v = new long[s[0] * s[1] * s[2]];
        int bz = 1 + r.nextInt(5);
        int by = 2 + r.nextInt(9);
        int bx = 4 + r.nextInt(40);
        for (int z = 0; z < s[0]; z++) {
            for (int y = 0; y < s[1]; y++) {
                for (int x = 0; x < s[2]; x++) {
                    long id = (z / bz * 31 + y / by) * 17 + (x + y / 3) / bx;
                    v[(z * s[1] + y) * s[2] + x] = r.nextInt(50) == 0 ? r.nextLong() : id * 0x9E3779B97F4A7C15L >>> (seed % 2 == 0 ? 0 : 20);
                }
            }
        }
        return v;
    }

    @Test
    void labelChunksDecodeWithZlibToTheSameBytes() throws Exception {
        for (long seed = 0; seed < 40; seed++) {
            Random r = new Random(seed);
            int[] s = {1 + r.nextInt(9), 1 + r.nextInt(40), 1 + r.nextInt(70)};
            long[] v = blocky(s, seed);
            ByteBuffer b = bytes(v);
            byte[] z = LabelZlib.encode(v, s[2], s[1] * s[2], b);
            assertNotNull(z, "seed " + seed);
            assertArrayEquals(raw(b), inflate(z, b.remaining()), "seed " + seed);
            int[] w = new int[v.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (int) (v[i] ^ v[i] >>> 32);
            }
            ByteBuffer bw = bytes(w);
            z = LabelZlib.encode(w, s[2], s[1] * s[2], bw);
            assertNotNull(z, "seed " + seed);
            assertArrayEquals(raw(bw), inflate(z, bw.remaining()), "int seed " + seed);
        }
    }

    @Test
    void everyRunLengthAndEveryDistanceCode() throws Exception {
        // runs of 1..300 values (8..2400 bytes: every split of long runs into pieces of at most 258) at distances
        // 8 (the previous value), 8 * row and 8 * plane (up to the 32 KiB window and, for larger planes, beyond it)
        for (int row : new int[] {1, 2, 3, 5, 16, 64, 100, 4096}) {
            int planeRows = row >= 4096 ? 3 : 4096 / row;
            int n = row * planeRows * 3;
            long[] v = new long[n];
            Random r = new Random(row);
            for (int i = 0; i < n;) {
                int run = 1 + r.nextInt(300);
                long id = r.nextInt(4) == 0 && i >= row ? v[i - row] : r.nextLong();
                for (int k = 0; k < run && i < n; k++, i++) {
                    v[i] = id;
                }
            }
            ByteBuffer b = bytes(v);
            byte[] z = LabelZlib.encode(v, row, row * planeRows, b);
            assertNotNull(z, "row " + row);
            assertArrayEquals(raw(b), inflate(z, b.remaining()), "row " + row);
        }
        int[] codes = new int[32769];
        int[][] ranges = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 6}, {7, 8}, {9, 12}, {13, 16}, {17, 24}, {25, 32}, {33, 48}, {49, 64},
            {65, 96}, {97, 128}, {129, 192}, {193, 256}, {257, 384}, {385, 512}, {513, 768}, {769, 1024}, {1025, 1536}, {1537, 2048},
            {2049, 3072}, {3073, 4096}, {4097, 6144}, {6145, 8192}, {8193, 12288}, {12289, 16384}, {16385, 24576}, {24577, 32768}};
        for (int c = 0; c < ranges.length; c++) {
            for (int d = ranges[c][0]; d <= ranges[c][1]; d++) {
                codes[d] = c;
            }
        }
        for (int d = 1; d <= 32768; d++) {
            assertEquals(codes[d], LabelZlib.distanceCode(d), "distance " + d);
        }
    }

    @Test
    void uniformChunkIsTiny() throws Exception {
        long[] v = new long[64 * 64 * 64];
        java.util.Arrays.fill(v, 123456789012345L);
        ByteBuffer b = bytes(v);
        byte[] z = LabelZlib.encode(v, 64, 64 * 64, b);
        assertArrayEquals(raw(b), inflate(z, b.remaining()));
        // 2 MiB in 258-byte back-references of 14 bits each, plus header, 8 literals and checksum
        assertEquals(2 + (8 * 8 + 3 + 7 + (2097144 / 258 + 1) * 14 + 7) / 8 + 4, z.length, 100);
    }

    @Test
    void noiseIsLeftToTheDeflater() {
        long[] v = new Random(7).longs(4096).toArray();
        assertNull(LabelZlib.encode(v, 16, 256, bytes(v)));
        long[] empty = new long[0];
        assertNotNull(LabelZlib.encode(empty, 1, 1, bytes(empty)));
    }
}
