package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jpountz.lz4.LZ4BlockOutputStream;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** N5 datasets basin writes and hand-made ones (varlength headers, lz4, edge blocks of either size), and bad N5 input. */
class N5ArrayTest {
    @TempDir
    Path dir;

    /** v(x, y, z) = x + 10 y + 100 z, a block's big-endian uint16 bytes for its (x, y, z) origin and stored extent. */
    static byte[] blockBytes(int[] origin, int[] extent) {
        ByteBuffer b = ByteBuffer.allocate(extent[0] * extent[1] * extent[2] * 2).order(ByteOrder.BIG_ENDIAN);
        for (int z = 0; z < extent[2]; z++) {
            for (int y = 0; y < extent[1]; y++) {
                for (int x = 0; x < extent[0]; x++) {
                    b.putShort((short) (origin[0] + x + 10 * (origin[1] + y) + 100 * (origin[2] + z)));
                }
            }
        }
        return b.array();
    }

    static byte[] lz4(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LZ4BlockOutputStream s = new LZ4BlockOutputStream(out, 65536)) {
            s.write(raw);
        }
        return out.toByteArray();
    }

    static byte[] header(int mode, int[] extent, Integer elements) {
        ByteBuffer h = ByteBuffer.allocate(4 + 4 * extent.length + (elements == null ? 0 : 4)).order(ByteOrder.BIG_ENDIAN);
        h.putShort((short) mode).putShort((short) extent.length);
        for (int e : extent) {
            h.putInt(e);
        }
        if (elements != null) {
            h.putInt(elements);
        }
        return h.array();
    }

    static void block(Path ds, String key, byte[]... parts) throws Exception {
        Path p = ds.resolve(key);
        Files.createDirectories(p.getParent());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        Files.write(p, out.toByteArray());
    }

    @Test
    void handMadeVarlengthLz4BlocksWithEdgeBlocksOfEitherSizeAndAHole() throws Exception {
        // dimensions x 5, y 4, z 3; blockSize 4 x 4 x 2: grid 2 x 1 x 2
        Path ds = dir.resolve("c.n5/raw");
        Files.createDirectories(ds);
        Files.writeString(dir.resolve("c.n5/attributes.json"), "{\"n5\": \"2.5.1\"}");
        Files.writeString(ds.resolve("attributes.json"), "{\"dimensions\": [5, 4, 3], \"blockSize\": [4, 4, 2], \"dataType\": \"uint16\","
                + " \"compression\": {\"type\": \"lz4\", \"blockSize\": 65536}, \"pixelResolution\": {\"dimensions\": [0.004, 0.004, 0.04], \"unit\": \"um\"}}");
        block(ds, "0/0/0", header(1, new int[] {4, 4, 2}, 32), lz4(blockBytes(new int[] {0, 0, 0}, new int[] {4, 4, 2})));
        block(ds, "1/0/0", header(0, new int[] {1, 4, 2}, null), lz4(blockBytes(new int[] {4, 0, 0}, new int[] {1, 4, 2}))); // truncated (n5-java)
        block(ds, "1/0/1", header(0, new int[] {4, 4, 2}, null), lz4(blockBytes(new int[] {4, 0, 2}, new int[] {4, 4, 2}))); // full (zarr-python)
        // block 0/0/1 missing: zeros
        try (VolumeReader r = Volumes.open(dir.resolve("c.n5"), "raw")) {
            assertEquals("lz4(block size 65536)", r.info().compression());
            assertArrayEquals(new int[] {3, 4, 5}, r.info().shape());
            assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize(), 1e-9);
            Block b = r.read(new Box(new int[] {1, 1, 2}, new int[] {3, 4, 5}));
            short[] got = b.shorts();
            int i = 0;
            for (int z = 1; z < 3; z++) {
                for (int y = 1; y < 4; y++) {
                    for (int x = 2; x < 5; x++) {
                        int expected = z == 2 && x < 4 ? 0 : x + 10 * y + 100 * z;
                        assertEquals(expected, got[i++], "x " + x + " y " + y + " z " + z);
                    }
                }
            }
        }
    }

    @Test
    void everyDtypeAndCodecRoundTripsThroughUnalignedWritesAndReads() throws Exception {
        int[] shape = {7, 11, 13};
        Box part = new Box(new int[] {1, 2, 3}, new int[] {6, 11, 10});
        for (DType t : DType.values()) {
            // every codec on uint16 and uint64, every dtype through the byte-order-sensitive ones
            String[] codecs = t == DType.UINT16 || t == DType.UINT64
                    ? new String[] {"raw", "gzip", "zlib", "bzip2:1", "xz:0", "lz4", "zstd", "blosc", "blosc-zstd", "blosc-blosclz:9"}
                    : new String[] {"raw", "gzip", "blosc"};
            for (String codec : codecs) {
                Path p = dir.resolve(t.label() + "-" + codec.replace(':', '_'));
                Block all = InteropTest.formula(t, 0, shape);
                N5Array a = N5Array.create(p, t, 0, shape, new int[] {3, 4, 5}, N5Codec.parse(codec), Map.of("resolution", List.of(4, 4, 40)));
                a.recordWrites();
                a.write(all.crop(part));
                try (N5Array r = N5Array.open(p)) {
                    Block got = r.read(new Box(new int[] {0, 1, 2}, new int[] {7, 11, 11}));
                    for (int i = 0; i < got.length(); i++) {
                        int[] pos = got.position(i);
                        int[] zyx = {pos[1], pos[2], pos[3]};
                        boolean inside = part.contains(new Box(zyx, new int[] {zyx[0] + 1, zyx[1] + 1, zyx[2] + 1}));
                        int at = (zyx[0] * shape[1] + zyx[1]) * shape[2] + zyx[2];
                        assertEquals(inside ? all.getDouble(at) : 0.0, got.getDouble(i), t + " " + codec + " at " + java.util.Arrays.toString(zyx));
                    }
                    assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize());
                }
                // blocks x 0..2, y 0..2, z 0..2 touched by x 3..9, y 2..10, z 1..5 of blocks 5, 4, 3: N5 keys are x/y/z
                assertEquals(List.of("0/0/0", "0/0/1", "0/1/0", "0/1/1", "0/2/0", "0/2/1", "1/0/0", "1/0/1", "1/1/0", "1/1/1", "1/2/0", "1/2/1"),
                        List.copyOf(a.writtenChunks().keySet()), t + " " + codec);
            }
        }
        Map<String, Object> m = Json.read(dir.resolve("uint64-gzip/attributes.json"));
        assertEquals(List.of(13, 11, 7), m.get("dimensions"));
        assertEquals(List.of(5, 4, 3), m.get("blockSize"));
        assertEquals("uint64", m.get("dataType"));
        assertEquals(Map.of("type", "gzip", "level", 1, "useZlib", false), m.get("compression"));
        // the edge block y 2 (y 8..10) is stored truncated to 3 voxels
        byte[] edge = Files.readAllBytes(dir.resolve("uint8-raw/0/2/0"));
        assertArrayEquals(header(0, new int[] {5, 3, 3}, null), java.util.Arrays.copyOf(edge, 16));
        assertEquals(16 + 5 * 3 * 3, edge.length);
    }

    @Test
    void fourDimensionalDatasetsKeepTheChannelsAsN5sLastAxis() throws Exception {
        int[] shape = {5, 6, 7};
        Block aff = InteropTest.formula(DType.FLOAT32, 3, shape);
        N5Array a = N5Array.create(dir.resolve("aff"), DType.FLOAT32, 3, shape, new int[] {2, 4, 4}, N5Codec.parse("zstd"), Map.of());
        a.write(aff);
        assertEquals(List.of(7, 6, 5, 3), Json.read(dir.resolve("aff/attributes.json")).get("dimensions"));
        try (VolumeReader r = Volumes.open(dir.resolve("aff"), null)) {
            assertEquals(3, r.info().channels());
            assertArrayEquals(aff.floats(), r.readAll().floats());
        }
    }

    @Test
    void multiscaleLevelsAreListedFinestFirstAndTakeTheirVoxelSize() throws Exception {
        Path g = dir.resolve("ms.n5");
        N5Array.createGroup(g, Map.of("resolution", List.of(4, 4, 30), "scales", List.of(List.of(1, 1, 1), List.of(2, 2, 1), List.of(4, 4, 2))));
        for (int s : new int[] {10, 2, 0, 1}) {
            N5Array.create(g.resolve("s" + s), DType.UINT8, 0, new int[] {4, 8, 8}, new int[] {4, 8, 8}, N5Codec.RAW, Map.of());
        }
        Files.createDirectories(g.resolve("s3")); // not a dataset
        assertEquals(List.of("s0", "s1", "s2", "s10"), N5Array.levelPaths(g));
        assertEquals(List.of(), N5Array.levelPaths(g.resolve("s0")));
        assertArrayEquals(new double[] {30, 4, 4}, N5Array.open(g.resolve("s0")).info().voxelSize());
        assertArrayEquals(new double[] {30, 8, 8}, N5Array.open(g.resolve("s1")).info().voxelSize());
        assertArrayEquals(new double[] {60, 16, 16}, N5Array.open(g.resolve("s2")).info().voxelSize());
        assertEquals(null, N5Array.open(g.resolve("s10")).info().voxelSize(), "no scales entry: the file does not say");
        assertEquals(g.resolve("s0").toString(), Volumes.open(g, null).info().path());
        Path cosem = dir.resolve("cosem");
        N5Array.create(cosem, DType.UINT8, 0, new int[] {2, 2, 2}, new int[] {2, 2, 2}, N5Codec.RAW, Map.of("transform",
                Map.of("axes", List.of("z", "y", "x"), "scale", List.of(8.0, 0.004, 0.004), "units", List.of("nm", "um", "um"))));
        assertArrayEquals(new double[] {8, 4, 4}, N5Array.open(cosem).info().voxelSize(), 1e-9);
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(dir.resolve("ms.n5"), "s7"));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertEquals(g + ": no N5 dataset 's7' in this container (it holds [s0, s1, s10, s2])", e.getMessage());
        Path empty = dir.resolve("empty.n5");
        N5Array.createGroup(empty, Map.of());
        e = assertThrows(BasinException.class, () -> Volumes.open(empty, null));
        assertEquals(empty + ": an N5 container (attributes.json) with no dataset directly inside (no subfolder whose attributes.json gives"
                + " 'dimensions', nor one with s0, s1, ...); name one with --dataset", e.getMessage());
        N5Array.createGroup(dir.resolve("root.n5"), Map.of());
        Files.move(g, dir.resolve("root.n5/ms"));
        Files.move(cosem, dir.resolve("root.n5/cosem"));
        e = assertThrows(BasinException.class, () -> Volumes.open(dir.resolve("root.n5"), null));
        assertEquals(dir.resolve("root.n5") + ": an N5 container (attributes.json) holding the datasets [cosem, ms]; name one with --dataset",
                e.getMessage());
        assertEquals(dir.resolve("root.n5/ms/s0").toString(), Volumes.open(dir.resolve("root.n5"), "ms").info().path());
    }

    static final String GOOD = "\"dimensions\": [4, 4, 4], \"blockSize\": [4, 4, 4], \"dataType\": \"uint8\"";

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "{\"dimensions\": [4, 4, ; not valid JSON",
        "{\"dimensions\": \"4x4x4\", \"blockSize\": [4, 4, 4], \"dataType\": \"uint8\"}; 'dimensions' \"4x4x4\" is not a list of whole numbers",
        "{\"dimensions\": [4, 4, 4.5], \"blockSize\": [4, 4, 4], \"dataType\": \"uint8\"}; 'dimensions' [ 4, 4, 4.5 ] is not a list of whole numbers below 2^31 (element 2 is 4.5)",
        "{\"dimensions\": [4, 4], \"blockSize\": [4, 4], \"dataType\": \"uint8\"}; 'dimensions' [4, 4] is not 3D (x, y, z) or 4D (x, y, z, c)",
        "{\"dimensions\": [4, 4, 4], \"blockSize\": [4, 4], \"dataType\": \"uint8\"}; 'blockSize' [4, 4] does not have the 3 axes of 'dimensions' [4, 4, 4]",
        "{\"dimensions\": [4, 4, 4], \"blockSize\": [4, 0, 4], \"dataType\": \"uint8\"}; 'blockSize' [4, 0, 4] has an extent below 1",
        "{\"dimensions\": [4, 4, 4], \"blockSize\": [4, 4, 4], \"dataType\": \"int8\"}; 'dataType' \"int8\" is not supported",
        "{" + GOOD + ", \"compression\": {\"type\": \"snappy\"}}; 'compression' type \"snappy\" is not supported; basin reads N5 raw, gzip, bzip2, xz, lz4, zstd, blosc",
        "{" + GOOD + ", \"compression\": \"gzip\"}; 'compression' \"gzip\" is not an object with a \"type\"",
        "{" + GOOD + ", \"compression\": {\"type\": \"gzip\", \"level\": \"high\"}}; 'compression' gzip 'level' \"high\" is not a whole number -1..9",
        "{" + GOOD + ", \"compression\": {\"type\": \"blosc\", \"cname\": \"lz5\"}}; 'compression': blosc 'cname' \"lz5\" is not supported",
        "{" + GOOD + ", \"compression\": {\"type\": \"blosc\", \"cname\": \"lz4\", \"shuffle\": 7}}; 'compression': blosc 'shuffle' 7 is not a whole number -1..2",
        "{" + GOOD + ", \"resolution\": [4, \"4\", 40]}; 'resolution' [ 4, \"4\", 40 ] is not a list of numbers",
        "{" + GOOD + ", \"pixelResolution\": {\"dimensions\": [4, 4, 40], \"unit\": \"furlong\"}}; 'pixelResolution.unit' \"furlong\" is not a length unit"})
    void malformedAttributesAreBadInputNamingFileAndField(String json, String named) throws Exception {
        Path ds = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(ds.resolve("attributes.json"), json);
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(ds, null).info().voxelSize());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith(ds.resolve("attributes.json").toString()) && e.getMessage().contains(named), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "gzip; cut; corrupt gzip(level 1) block data",
        "raw; cut; raw block data is 40 bytes, not the 64 its header gives (truncated?)",
        "xz; cut; corrupt xz(preset 6) block data",
        "bzip2; cut; corrupt bzip2(block size 9) block data",
        "lz4; cut; corrupt lz4(block size 65536) block data",
        "zstd; cut; corrupt zstd(level 3) block data",
        "blosc; cut; corrupt Blosc chunk: header field 'cbytes' says",
        "raw; header3; shorter than its 16-byte header (truncated?)",
        "raw; ndim; header 'number of dimensions' is 2, not the dataset's 3",
        "raw; dims; header 'dimensions' [4, 8, 4] do not fit the dataset's blockSize [4, 4, 4]",
        "raw; mode; header 'mode' is 7, not 0 (default) or 1 (varlength): not an N5 block",
        "raw; object; header 'mode' 2 (object block, serialized data) is not a voxel block",
        "raw; count; header 'number of elements' (varlength) is 63, not the 64 voxels of its dimensions [4, 4, 4]"})
    void corruptBlocksAreBadInputNamingFileBlockAndField(String codec, String damage, String named) throws Exception {
        Path ds = dir.resolve("d");
        N5Array a = N5Array.create(ds, DType.UINT8, 0, new int[] {4, 8, 4}, new int[] {4, 4, 4}, N5Codec.parse(codec), Map.of());
        a.write(InteropTest.formula(DType.UINT8, 0, new int[] {4, 8, 4}));
        Path p = ds.resolve("0/1/0");
        byte[] good = Files.readAllBytes(p);
        byte[] bad = switch (damage) {
            case "cut" -> java.util.Arrays.copyOf(good, codec.equals("raw") ? 16 + 40 : 16 + (good.length - 16) / 2);
            case "header3" -> java.util.Arrays.copyOf(good, 10);
            case "ndim" -> header(0, new int[] {4, 4}, null);
            case "dims" -> header(0, new int[] {4, 8, 4}, null);
            case "mode" -> header(7, new int[] {4, 4, 4}, null);
            case "object" -> header(2, new int[] {4, 4, 4}, null);
            default -> header(1, new int[] {4, 4, 4}, 63);
        };
        if (!damage.equals("cut") && !damage.equals("header3")) {
            bad = java.util.Arrays.copyOf(bad, bad.length + 64); // the block's 64 bytes after the damaged header
        }
        Files.write(p, bad);
        try (N5Array r = N5Array.open(ds)) {
            assertEquals(InteropTest.formula(DType.UINT8, 0, new int[] {4, 8, 4}).getLong(5),
                    r.read(new Box(new int[] {0, 0, 0}, new int[] {4, 4, 4})).getLong(5), "the good block next to it reads");
            BasinException e = assertThrows(BasinException.class, r::readAll);
            assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
            assertTrue(e.getMessage().startsWith(p + " (block 0/1/0): ") && e.getMessage().contains(named), e.getMessage());
        }
    }

    @Test
    void badN5CompressionChoicesAreBadArguments() {
        for (String[] c : new String[][] {{"snappy", "unknown N5 compression 'snappy'"}, {"gzip:x", "the level 'x' is not a whole number"},
            {"gzip:12", "'compression' gzip 'level' 12 is not a whole number -1..9"}, {"raw:3", "raw takes no level"}}) {
            BasinException e = assertThrows(BasinException.class, () -> N5Codec.parse(c[0]));
            assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        assertEquals(new N5Codec("gzip", 1, true, null), N5Codec.parse("zlib"));
        assertEquals(new N5Codec("blosc", 5, false, new BloscCodec("lz4", 5, 1, 0)), N5Codec.parse("blosc"));
    }
}
