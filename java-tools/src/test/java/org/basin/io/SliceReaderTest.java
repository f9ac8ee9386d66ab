package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        assertFalse(s.cropped(), "the whole 16 px slice");
        assertEquals(16.0, s.nmPerPixel(), "4 nm x 64 / 16");
        assertArrayEquals(new int[] {1, 16, 16}, s.plane().shape());
        assertEquals(12, s.plane().getLong(0));
        // a target larger than every level: level 0
        assertEquals("s0", SliceReader.read(n5, null, 40, new int[] {64, 64, 64}, new double[] {40, 4, 4}, 100).level());
    }

    /**
     * An OME-Zarr group with levels "0", "1", "2" in its multiscales (2x2x1: z stays, as the pyramid stage does for
     * anisotropic voxels): the level is chosen by its shape, its pixel size comes from its scale transform.
     */
    @Test
    @SuppressWarnings("unchecked")
    void omeZarrLevelsListedInMultiscalesAreUsedWithTheirScale() {
        Path g = dir.resolve("seg.zarr");
        int[][] shapes = {{8, 64, 64}, {8, 32, 32}, {8, 16, 16}};
        try (ZarrArray a = OmeZarr.create(g, "seg", DType.UINT64, 0, shapes[0], new int[] {8, 32, 32}, ZarrCodec.NONE, new double[] {40, 4, 4},
                Map.of())) {
            a.write(filled(shapes[0], 5));
        }
        for (int level = 1; level < 3; level++) {
            try (ZarrArray a = ZarrArray.create(g.resolve(String.valueOf(level)), DType.UINT64, 0, shapes[level], shapes[level], ZarrCodec.NONE, "/",
                    Map.of())) {
                a.write(filled(shapes[level], 5 + level));
            }
        }
        Map<String, Object> attrs = Json.read(g.resolve(".zattrs"));
        Map<String, Object> ms = (Map<String, Object>) ((List<Object>) attrs.get("multiscales")).get(0);
        List<Object> datasets = new ArrayList<>((List<Object>) ms.get("datasets"));
        for (int level = 1; level < 3; level++) {
            double xy = 4 << level;
            datasets.add(Map.of("path", String.valueOf(level), "coordinateTransformations",
                    List.of(Map.of("type", "scale", "scale", List.of(40.0, xy, xy)))));
        }
        ms.put("datasets", datasets);
        Json.write(g.resolve(".zattrs"), attrs);

        SliceReader.Slice s = SliceReader.read(g, null, 5, shapes[0], new double[] {40, 4, 4}, 32);
        assertEquals("1", s.level());
        assertEquals(5, s.levelZ(), "z is not downsampled");
        assertEquals(8.0, s.nmPerPixel(), "level 1's scale: 8 nm in x");
        assertArrayEquals(new int[] {1, 32, 32}, s.plane().shape());
        assertEquals(6, s.plane().getLong(100));
        assertEquals("2", SliceReader.read(g, null, 5, shapes[0], new double[] {40, 4, 4}, 16).level());
        assertEquals("0", SliceReader.read(g, null, 5, shapes[0], new double[] {40, 4, 4}, 64).level());
    }

    private static Block filled(int[] shape, long id) {
        long[] v = new long[shape[0] * shape[1] * shape[2]];
        Arrays.fill(v, id);
        return Block.of(v, Box.ofShape(shape));
    }

    /** A volume without levels and wider than the target: its centred target x target crop, decoded alone. */
    @Test
    void aSingleLevelWiderThanTheTargetGivesItsCentredCrop() {
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
        assertEquals(12, s.y0(), "(40 - 16) / 2");
        assertEquals(17, s.x0(), "(50 - 16) / 2");
        assertEquals(4.0, s.nmPerPixel(), "full resolution");
        assertArrayEquals(new int[] {1, 16, 16}, s.plane().shape());
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(100000 + (12 + y) * 1000 + 17 + x, s.plane().getDouble(y * 16 + x), "pixel " + y + "," + x);
            }
        }
        // a target as wide as the slice: all of it
        SliceReader.Slice all = SliceReader.read(p, null, 1, shape, new double[] {40, 4, 4}, 50);
        assertArrayEquals(new int[] {1, 40, 50}, all.plane().shape());
        assertFalse(all.cropped());
    }
}
