package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Blosc frames round-trip for every inner compressor and shuffle, and corrupt frames are bad input, never a native crash. */
class BloscCodecTest {
    @TempDir
    Path dir;

    @Test
    void everyCnameAndShuffleRoundTripsAndWritesTheHeaderItSays() {
        Block b = InteropTest.formula(DType.UINT32, 0, new int[] {6, 40, 50});
        byte[] raw = ByteCodec.encode(b.data(), DType.UINT32);
        for (String cname : BloscCodec.CNAMES) {
            for (int shuffle = -1; shuffle <= 2; shuffle++) {
                byte[] frame = new BloscCodec(cname, 5, shuffle, 0).encode(raw, 4);
                ByteBuffer h = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(4, frame[3], "typesize");
                assertEquals(raw.length, h.getInt(4), "nbytes");
                assertEquals(frame.length, h.getInt(12), "cbytes");
                int flags = frame[2] & 0xff;
                int sh = shuffle == -1 ? 1 : shuffle;
                assertEquals(sh == 1, (flags & 0x1) != 0, cname + " byte shuffle flag");
                assertEquals(sh == 2, (flags & 0x4) != 0, cname + " bit shuffle flag");
                assertTrue(frame.length < raw.length / 2, cname + " " + shuffle + " compresses the formula: " + frame.length);
                assertArrayEquals(raw, BloscCodec.decode(frame, raw.length, "x"), cname + " " + shuffle);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "short; is 10 bytes, shorter than the 16-byte Blosc header (truncated?)",
        "version; header field 'version' is 9, not a Blosc 1 frame",
        "typesize; header field 'typesize' is 0",
        "cut; header field 'cbytes' says",
        "nbytes; header field 'nbytes' says 4096 bytes, not the 2048 of a chunk",
        "bstart; block 0's offset (bstarts[0]) is 1000000",
        "compressor; names compressor snappy, which basin does not decode",
        "stream; does not decompress"})
    void corruptFramesInAZarrArrayAreBadInputNamingTheChunkAndField(String damage, String named) throws Exception {
        Path p = dir.resolve("a.zarr");
        ZarrArray a = ZarrArray.create(p, DType.UINT16, 0, new int[] {4, 16, 16}, new int[] {4, 16, 16}, ZarrCodec.parse("blosc-lz4"), ".", Map.of());
        a.write(InteropTest.formula(DType.UINT16, 0, new int[] {4, 16, 16}));
        Path chunk = p.resolve("0.0.0");
        byte[] f = Files.readAllBytes(chunk);
        ByteBuffer h = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, f[2] & 0x2, "compressed, not a memcpy frame");
        switch (damage) {
            case "short" -> f = Arrays.copyOf(f, 10);
            case "version" -> f[0] = 9;
            case "typesize" -> f[3] = 0;
            case "cut" -> f = Arrays.copyOf(f, f.length - 7);
            case "nbytes" -> h.putInt(4, 4096);
            case "bstart" -> h.putInt(16, 1000000);
            case "compressor" -> f[2] = (byte) ((f[2] & 0x1f) | (2 << 5));
            default -> Arrays.fill(f, 20, f.length, (byte) 0xff);
        }
        Files.write(chunk, f);
        BasinException e = assertThrows(BasinException.class, () -> ZarrArray.open(p).readAll());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith(chunk + ": corrupt Blosc chunk: ") && e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void randomlyDamagedFramesDecodeOrAreBadInputNeverACrash() {
        Block b = InteropTest.formula(DType.UINT16, 0, new int[] {4, 64, 64});
        byte[] raw = ByteCodec.encode(b.data(), DType.UINT16);
        java.util.Random rnd = new java.util.Random(17);
        int refused = 0;
        for (String cname : BloscCodec.CNAMES) {
            byte[] good = new BloscCodec(cname, 5, 1, 4096).encode(raw, 2);
            for (int trial = 0; trial < 200; trial++) {
                byte[] f = good.clone();
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int at = trial % 2 == 0 ? rnd.nextInt(Math.min(f.length, 64)) : rnd.nextInt(f.length); // headers and offsets, or anywhere
                    f[at] = (byte) rnd.nextInt(256);
                }
                try {
                    assertEquals(raw.length, BloscCodec.decode(f, raw.length, "x").length);
                } catch (BasinException e) {
                    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
                    assertTrue(e.getMessage().startsWith("x: corrupt Blosc chunk: "), e.getMessage());
                    refused++;
                }
            }
        }
        assertTrue(refused > 100, "most damage is caught: " + refused + " of 1000");
    }
}
