package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SliceReaderTest {
    @TempDir
    Path dir;

    @Test
    void theCoarsestLevelStillTargetPixelsWideIsRead() {
        Path n5 = dir.resolve("ms.n5");
        N5Array.createGroup(n5, Map.of());
        for (int s = 0; s < 4; s++) {
            int n = 64 >> s;
            try (N5Array a = N5Array.create(n5.resolve("s" + s), DType.UINT8, 0, new int[] {n, n, n}, new int[] {8, 8, 8}, N5Codec.RAW, Map.of())) {
                Block b = Block.allocate(DType.UINT8, Box.ofShape(new int[] {n, n, n}));
                Arrays.fill(b.bytes(), (byte) (10 + s));
                a.write(b);
            }
        }
        SliceReader.Slice s = SliceReader.read(n5, null, 40, new int[] {64, 64, 64}, new double[] {40, 4, 4}, 16);
        assertEquals("s2", s.level());
        assertEquals(10, s.levelZ(), "z 40 of 64 is slice 10 of 16");
        assertEquals(1, s.stride());
        assertEquals(16.0, s.nmPerPixel(), "4 nm x 64 / 16");
        assertArrayEquals(new int[] {1, 16, 16}, s.plane().shape());
        assertEquals(12, s.plane().getLong(0));
        // a target larger than every level: level 0
        assertEquals("s0", SliceReader.read(n5, null, 40, new int[] {64, 64, 64}, new double[] {40, 4, 4}, 100).level());
    }

    @Test
    void aSingleLevelOverTwiceTheTargetIsStridedInStrips() {
        Path p = dir.resolve("one.n5");
        int[] shape = {2, 40, 50};
        float[] v = new float[2 * 40 * 50];
        for (int i = 0; i < v.length; i++) {
            int z = i / 2000;
            int y = i / 50 % 40;
            int x = i % 50;
            v[i] = z * 100000 + y * 1000 + x;
        }
        try (N5Array a = N5Array.create(p, DType.FLOAT32, 0, shape, new int[] {8, 8, 8}, N5Codec.RAW, Map.of())) {
            a.write(Block.of(v, Box.ofShape(shape)));
        }
        SliceReader.Slice s = SliceReader.read(p, null, 1, shape, new double[] {40, 4, 4}, 16);
        assertEquals(3, s.stride(), "50 px over twice 16: every 50 / 16 = 3rd pixel");
        assertEquals(12.0, s.nmPerPixel());
        assertArrayEquals(new int[] {1, 14, 17}, s.plane().shape());
        for (int y = 0; y < 14; y++) {
            for (int x = 0; x < 17; x++) {
                assertEquals(100000 + 3 * y * 1000 + 3 * x, s.plane().getDouble(y * 17 + x), "pixel " + y + "," + x);
            }
        }
    }
}
