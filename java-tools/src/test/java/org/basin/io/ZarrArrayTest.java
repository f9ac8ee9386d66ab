package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                + "\"compressor\":{\"id\":\"blosc\",\"cname\":\"snappy\"},\"fill_value\":0,\"order\":\"C\",\"filters\":null}");
        BasinException e = assertThrows(BasinException.class, () -> ZarrArray.open(p));
        assertEquals(p.resolve(".zarray") + ": blosc 'cname' \"snappy\" is not supported; basin reads blosclz, lz4, lz4hc, zlib, zstd"
                + " (blosc-java's c-blosc has no snappy)", e.getMessage());
        Files.writeString(p.resolve(".zarray"), "{\"zarr_format\":2,\"shape\":[2,2,2],\"chunks\":[2,2,2],\"dtype\":\"|u1\","
                + "\"compressor\":{\"id\":\"lzma\"},\"fill_value\":0,\"order\":\"C\",\"filters\":null}");
        e = assertThrows(BasinException.class, () -> ZarrArray.open(p));
        assertTrue(e.getMessage().contains("Zarr compressor 'lzma' is not supported"), e.getMessage());
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

    /** A .zarray of a 4^3 uint8 array in 2^3 chunks with the given extra or replaced fields. */
    private Path header(String name, String fields) throws Exception {
        Path p = Files.createDirectories(dir.resolve(name));
        Map<String, Object> m = new java.util.LinkedHashMap<>(Map.of("zarr_format", 2, "shape", java.util.List.of(4, 4, 4),
                "chunks", java.util.List.of(2, 2, 2), "dtype", "|u1", "order", "C"));
        m.put("compressor", null);
        m.put("fill_value", 0);
        m.put("filters", null);
        m.putAll(Json.parse("{" + fields + "}", "test header"));
        Json.write(p.resolve(".zarray"), m);
        return p;
    }

    private static BasinException badInput(Path p) {
        BasinException e = assertThrows(BasinException.class, () -> ZarrArray.open(p).readAll());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
        assertEquals(3, e.exitCode().code());
        assertTrue(e.getMessage().contains(p.resolve(".zarray").toString()), e.getMessage());
        return e;
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {"\"dimension_separator\": null", "\"dimension_separator\": \"\"", "\"zarr_format\": 2"})
    void nullEmptyOrAbsentSeparatorIsTheDefaultDot(String field) throws Exception {
        Path p = header("s.zarr", field);
        Files.write(p.resolve("1.0.1"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ZarrArray a = ZarrArray.open(p);
        assertTrue(a.hasAnyChunk());
        assertEquals(8, a.read(new Box(new int[] {3, 1, 3}, new int[] {4, 2, 4})).getLong(0));
    }

    @Test
    void anUnknownSeparatorIsNamed() throws Exception {
        BasinException e = badInput(header("u.zarr", "\"dimension_separator\": \"_\""));
        assertTrue(e.getMessage().contains("dimension_separator '_'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "\"chunks\": [0, 2, 2]; 'chunks' [0, 2, 2]",
        "\"chunks\": [2, -1, 2]; 'chunks' [2, -1, 2]",
        "\"shape\": [4, 0, 4]; 'shape' [4, 0, 4]",
        "\"shape\": [-4, 4, 4]; 'shape' [-4, 4, 4]",
        "\"shape\": [1000000000000, 4, 4]; 'shape' value 1000000000000",
        "\"shape\": [4.5, 4, 4]; 'shape' value 4.5",
        "\"chunks\": [2, \"2\", 2]; 'chunks' value \"2\"",
        "\"shape\": 4; 'shape'",
        "\"chunks\": [65536, 65536, 2], \"shape\": [65536, 65536, 2]; 'chunks' [65536, 65536, 2]",
        "\"shape\": [2147483647, 2147483647, 2147483647, 2147483647], \"chunks\": [1, 2, 2, 2]; has more than 2^63 voxels"})
    void impossibleShapesAndChunksAreBadInputNamingTheField(String fields, String named) throws Exception {
        BasinException e = badInput(header("h.zarr", fields));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {"|u1; 255; 255", "<f4; \"Infinity\"; Infinity", "<f4; \"-Infinity\"; -Infinity",
        "<f8; \"NaN\"; NaN", "<f8; -2.5; -2.5", "<u8; 18446744073709551615; -1", "<i4; -7; -7", "<u2; 2.0; 2", "|u1; null; 0"})
    void fillValuesAreDecodedLikeZarrPython(String dtype, String fill, String expected) throws Exception {
        Path p = header("f.zarr", "\"dtype\": \"" + dtype + "\", \"fill_value\": " + fill);
        Block b = ZarrArray.open(p).read(new Box(new int[] {0, 0, 0}, new int[] {1, 1, 1}));
        if (b.dtype().isFloating()) {
            assertEquals(Double.parseDouble(expected), b.getDouble(0));
        } else {
            assertEquals(Long.parseLong(expected), b.getLong(0));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {"|u1; 256; fill_value 256 is out of range for uint8 (0..255)",
        "|u1; -1; fill_value -1 is out of range for uint8 (0..255)",
        "<i4; 2147483648; fill_value 2147483648 is out of range for int32 (-2147483648..2147483647)",
        "<u8; 18446744073709551616; fill_value 18446744073709551616 is out of range for uint64",
        "|u1; 1.5; fill_value 1.5 is not an integer (dtype uint8)", "|u1; \"NaN\"; fill_value \"NaN\" is not an integer (dtype uint8)",
        "<f4; \"inf\"; fill_value \"inf\" is not a number"})
    void impossibleFillValuesAreBadInputNamingTheValue(String dtype, String fill, String named) throws Exception {
        BasinException e = badInput(header("f.zarr", "\"dtype\": \"" + dtype + "\", \"fill_value\": " + fill));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({".", "/"})
    void hasAnyChunkIsTrueOnlyOnceAChunkFileExists(String sep) {
        ZarrArray a = ZarrArray.create(dir.resolve("e.zarr"), DType.UINT8, 0, new int[] {4, 4, 4}, new int[] {2, 2, 2}, ZarrCodec.NONE, sep, Map.of());
        assertFalse(a.hasAnyChunk());
        assertFalse(ZarrArray.open(dir.resolve("e.zarr")).hasAnyChunk(), ".zarray and .zattrs are no chunks");
        a.write(pattern(DType.UINT8, 0, new Box(new int[] {2, 2, 0}, new int[] {4, 4, 2})));
        assertTrue(ZarrArray.open(dir.resolve("e.zarr")).hasAnyChunk());
    }

    @Test
    void hasAnyChunkIgnoresKeysOfTheOtherSeparatorAndOutsideTheGrid() throws Exception {
        Path p = header("k.zarr", "\"dimension_separator\": \"/\"");
        Files.write(p.resolve("0.0.0"), new byte[8]);
        Files.createDirectories(p.resolve("2/0"));
        Files.write(p.resolve("2/0/0"), new byte[8]);
        assertFalse(ZarrArray.open(p).hasAnyChunk());
        Files.createDirectories(p.resolve("1/0"));
        Files.write(p.resolve("1/0/1"), new byte[8]);
        assertTrue(ZarrArray.open(p).hasAnyChunk());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"gzip; 0; the data ends early: truncated", "gzip; 5; the data ends early: truncated",
        "gzip; -1; not gzip data: no gzip header", "zlib; 0; corrupt zlib chunk: 0 bytes decompress to 0 of the 64 bytes of a chunk (truncated, or not zlib data)", "none; 10; uncompressed chunk is 10 bytes, not the 64 of a chunk (truncated?)", "zstd; 3; corrupt zstd chunk: 3 bytes",
        "gzip; 30; the data ends early: truncated"})
    void corruptChunksSayWhatIsWrong(String codec, int keep, String named) throws Exception {
        Path p = dir.resolve(codec + ".zarr");
        ZarrArray a = ZarrArray.create(p, DType.UINT8, 0, new int[] {4, 4, 4}, new int[] {4, 4, 4}, ZarrCodec.parse(codec), ".", Map.of());
        a.write(pattern(DType.UINT8, 0, Box.ofShape(new int[] {4, 4, 4})));
        byte[] stored = Files.readAllBytes(p.resolve("0.0.0"));
        Files.write(p.resolve("0.0.0"), keep < 0 ? "not compressed at all".getBytes() : java.util.Arrays.copyOf(stored, Math.min(keep, stored.length - 1)));
        BasinException e = assertThrows(BasinException.class, () -> ZarrArray.open(p).readAll());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith(p.resolve("0.0.0") + ": ") && e.getMessage().contains(named), e.getMessage());
        assertFalse(e.getMessage().contains("(null)"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"zstd:abc; compression 'zstd:abc': the level must be a whole number 1..22 for zstd",
        "zlib:10; compression 'zlib:10': the level must be a whole number 0..9 for zlib", "gzip:; compression 'gzip:': the level must be",
        "none:3; compression 'none:3': none takes no level", "zstd:3:1; unknown compression 'zstd:3:1'", "blosc-snappy; unknown compression 'blosc-snappy'", "blosc-lz4:10; compression 'blosc-lz4:10': the level must be a whole number 0..9"})
    void badCompressionChoicesAreBadArgumentsNamingTheValue(String choice, String message) {
        BasinException e = assertThrows(BasinException.class, () -> ZarrCodec.parse(choice));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(new ZarrCodec("zstd", 5), ZarrCodec.parse("zstd:5"));
        assertEquals(new ZarrCodec("zlib", 1), ZarrCodec.parse("zlib"));
    }
}
