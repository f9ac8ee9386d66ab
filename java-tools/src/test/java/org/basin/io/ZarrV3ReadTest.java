package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zarr v3 fixtures written byte by byte from the specs by src/test/python/zarr3_fixtures.py (no Debian library
 * writes v3): basin reads each voxel-exactly, whole and in regions that do not align with chunks or shards.
 */
class ZarrV3ReadTest {
    static final Path FIXTURES = Path.of("src/test/resources/zarr3");

    /** What the fixture script says the array holds: expected.bin, C order, little-endian. */
    static Block expected(Path array, VolumeInfo info) throws Exception {
        byte[] raw = Files.readAllBytes(array.resolve("expected.bin"));
        int n = (int) (info.voxels() * Math.max(1, info.channels()));
        assertEquals((long) n * info.dtype().bytes(), raw.length, "expected.bin of " + array);
        return Block.wrap(info.dtype(), info.channels(), info.box(), ByteCodec.decode(ByteBuffer.wrap(raw), ByteOrder.LITTLE_ENDIAN, info.dtype(), n));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sharded_end_uint16", "sharded_start_float32_4d", "transpose_big_uint64_v2keys", "crc32c_int32_dotkeys",
        "plain_uint8", "hexfill_float64", "sharded_uint32_plainindex", "sharded_int64_inf"})
    void readsEachFixtureVoxelExactlyWholeAndInUnalignedRegions(String name) throws Exception {
        Path array = FIXTURES.resolve(name);
        try (VolumeReader r = Volumes.open(array, null)) {
            VolumeInfo info = r.info();
            assertEquals("zarr3", info.format());
            Block want = expected(array, info);
            Block all = r.readAll();
            assertArrayEquals(ByteCodec.encode(want.data(), info.dtype()), ByteCodec.encode(all.data(), info.dtype()), name);
            Random rnd = new Random(name.hashCode());
            for (int k = 0; k < 25; k++) {
                int[] lo = new int[3];
                int[] hi = new int[3];
                for (int a = 0; a < 3; a++) {
                    int s = info.shape()[a];
                    lo[a] = rnd.nextInt(s);
                    hi[a] = lo[a] + 1 + rnd.nextInt(s - lo[a]);
                }
                Box box = new Box(lo, hi);
                Block got = r.read(box);
                assertArrayEquals(ByteCodec.encode(want.crop(box).data(), info.dtype()), ByteCodec.encode(got.data(), info.dtype()), name + " " + box);
            }
        }
    }

    @Test
    void fixturesHoldWhatTheirNamesSay() throws Exception {
        // the fill value where chunks are missing, and values past 2^63 in uint64
        try (VolumeReader r = Volumes.open(FIXTURES.resolve("transpose_big_uint64_v2keys"), null)) {
            Block b = r.readAll();
            assertEquals(-1L, b.longs()[(4 * 6 + 4) * 9 + 8]); // voxel (4, 4, 8) is in chunk (1, 1, 2), is not stored: fill 2^64 - 1
            assertTrue(Long.compareUnsigned(b.longs()[0], Long.MIN_VALUE) >= 0);
            assertTrue(Files.isRegularFile(FIXTURES.resolve("transpose_big_uint64_v2keys/0.0.0")));
        }
        try (VolumeReader r = Volumes.open(FIXTURES.resolve("crc32c_int32_dotkeys"), null)) {
            assertEquals(-5L, r.read(Box.of(new int[] {0, 4, 0}, new int[] {1, 1, 1})).getLong(0));
            assertTrue(Files.isRegularFile(FIXTURES.resolve("crc32c_int32_dotkeys/c.0.0.0")));
        }
        try (VolumeReader r = Volumes.open(FIXTURES.resolve("hexfill_float64"), null)) {
            assertEquals(-2.5, r.read(Box.of(new int[] {0, 0, 3}, new int[] {1, 1, 1})).getDouble(0));
        }
        try (VolumeReader r = Volumes.open(FIXTURES.resolve("sharded_start_float32_4d"), null)) {
            assertEquals(3, r.info().channels());
            assertTrue(Float.isNaN(r.read(Box.of(new int[] {8, 0, 8}, new int[] {1, 1, 1})).floats()[0])); // shard (0, 1, 0, 1) is not stored
        }
    }

    @Test
    void aZarrJsonThatIsNotZarrV3IsBadInputNamingTheField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("zarr.json"), "{}");
        BasinException e = assertThrows(BasinException.class,
                () -> Volumes.open(dir, null).close());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals(dir.resolve("zarr.json") + ": zarr_format null is not 3", e.getMessage());
        Files.writeString(dir.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"group\"}");
        e = assertThrows(BasinException.class, () -> Volumes.open(dir, null).close());
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertTrue(e.getMessage().contains("a Zarr v3 group without OME-Zarr multiscales; name the array with --dataset"), e.getMessage());
    }

    @Test
    void omeZarr05GroupOpensItsFinestLevelWithTheVoxelSizeOfItsScale() {
        Path group = FIXTURES.resolve("ome05.zarr");
        assertEquals(List.of("s0", "s1"), OmeZarr.levelPaths(group));
        try (VolumeReader r = Volumes.open(group, null)) {
            assertArrayEquals(new int[] {8, 12, 10}, r.info().shape());
            assertArrayEquals(new double[] {40, 8, 8}, r.info().voxelSize(), 1e-9);
        }
        try (VolumeReader r = Volumes.open(group, "s1")) {
            assertArrayEquals(new int[] {4, 6, 5}, r.info().shape());
            assertArrayEquals(new double[] {80, 16, 16}, r.info().voxelSize(), 1e-9);
        }
        try (VolumeReader r = Volumes.open(group.resolve("s1"), null)) {
            assertArrayEquals(new double[] {80, 16, 16}, r.info().voxelSize(), 1e-9); // from the enclosing group
        }
    }
}
