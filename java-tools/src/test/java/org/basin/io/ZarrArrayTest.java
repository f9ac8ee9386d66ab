package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZarrArrayTest {
    @TempDir
    Path dir;

    static Block pattern(DType t, int channels, Box box) {
        Block b = channels > 0 ? Block.allocate(t, channels, box) : Block.allocate(t, box);
        for (int i = 0; i < b.length(); i++) {
            int[] p = b.position(i);
            long v = p[0] * 1_000_003L + p[1] * 10_007L + p[2] * 101L + p[3];
            if (t == DType.UINT64) {
                b.setLong(i, v | (1L << 62)); // exercises the high bits
            } else if (t.isFloating()) {
                b.setDouble(i, (v % 9973) / 7.0);
            } else {
                b.setLong(i, v % (t == DType.UINT8 ? 256 : 1 << 30));
            }
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({"UINT8,zlib,.", "UINT32,gzip,/", "UINT64,zstd,.", "FLOAT32,none,/", "UINT16,zlib,/", "INT64,zstd,."})
    void regionWritesAcrossChunkBordersReadBackExactly(DType t, String codec, String sep) {
        int[] shape = {13, 17, 19};
        ZarrArray a = ZarrArray.create(dir.resolve("a.zarr"), t, 0, shape, new int[] {4, 5, 6}, ZarrCodec.parse(codec), sep, Map.of());
        // two unaligned, overlapping writes; the second wins where they overlap
        Block first = pattern(t, 0, new Box(new int[] {1, 2, 3}, new int[] {11, 16, 18}));
        Block second = pattern(t, 0, new Box(new int[] {5, 0, 0}, new int[] {13, 9, 7}));
        a.write(first);
        a.write(second);
        ZarrArray back = ZarrArray.open(dir.resolve("a.zarr"));
        assertEquals(t, back.info().dtype());
        Box probe = new Box(new int[] {0, 1, 2}, new int[] {12, 17, 19});
        Block got = back.read(probe);
        Block expected = Block.allocate(t, probe);
        expected.copyFrom(first);
        expected.copyFrom(second);
        assertArrayEquals(ByteCodec.encode(expected.data(), t), ByteCodec.encode(got.data(), t));
        // untouched voxels read as the fill value
        assertEquals(0, back.read(new Box(new int[] {0, 0, 18}, new int[] {1, 1, 19})).getLong(0));
    }

    @Test
    void fourDimensionalAffinitiesRoundTrip() {
        int[] shape = {6, 7, 8};
        ZarrArray a = ZarrArray.create(dir.resolve("aff.zarr"), DType.FLOAT32, 3, shape, new int[] {4, 4, 4}, ZarrCodec.parse("zlib"), ".", Map.of());
        Block all = pattern(DType.FLOAT32, 3, Box.ofShape(shape));
        a.write(all);
        Block part = ZarrArray.open(dir.resolve("aff.zarr")).read(new Box(new int[] {1, 2, 3}, new int[] {5, 7, 8}));
        assertEquals(3, part.channels());
        assertArrayEquals(all.crop(part.box()).floats(), part.floats());
    }

    @Test
    void corruptChunkIsBadInputNamingTheFile() throws Exception {
        ZarrArray a = ZarrArray.create(dir.resolve("c.zarr"), DType.UINT8, 0, new int[] {4, 4, 4}, new int[] {4, 4, 4}, ZarrCodec.parse("zlib"), ".", Map.of());
        a.write(pattern(DType.UINT8, 0, Box.ofShape(new int[] {4, 4, 4})));
        Files.write(dir.resolve("c.zarr/0.0.0"), new byte[] {1, 2, 3});
        BasinException e = assertThrows(BasinException.class, () -> ZarrArray.open(dir.resolve("c.zarr")).readAll());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("c.zarr/0.0.0"), e.getMessage());
    }

    @Test
    void unsupportedCompressorIsNamed() throws Exception {
        Path p = dir.resolve("b.zarr");
        Files.createDirectories(p);
        Files.writeString(p.resolve(".zarray"), "{\"zarr_format\":2,\"shape\":[2,2,2],\"chunks\":[2,2,2],\"dtype\":\"|u1\","
                + "\"compressor\":{\"id\":\"blosc\",\"cname\":\"lz4\"},\"fill_value\":0,\"order\":\"C\",\"filters\":null}");
        BasinException e = assertThrows(BasinException.class, () -> ZarrArray.open(p));
        assertTrue(e.getMessage().contains("blosc"), e.getMessage());
    }

    @Test
    void omeZarrGroupOpensAtItsFirstScaleWithVoxelSize() {
        Path g = dir.resolve("seg.zarr");
        OmeZarr.create(g, "seg", DType.UINT64, 0, new int[] {2, 3, 4}, new int[] {2, 3, 4}, ZarrCodec.parse("zlib"), new double[] {40, 4, 4}, Map.of());
        try (VolumeReader r = Volumes.open(g, null)) {
            assertEquals(DType.UINT64, r.info().dtype());
            assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize());
        }
        Map<String, Object> attrs = Json.read(g.resolve(".zattrs"));
        assertTrue(attrs.get("multiscales").toString().contains("scale=[40.0, 4.0, 4.0]"), attrs.toString());
    }
}
