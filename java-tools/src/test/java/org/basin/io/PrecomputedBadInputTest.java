package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged precomputed volumes (copies of the fixtures with one field, chunk or index broken) are bad input, exit 3,
 * naming the file, the scale key and the field at fault.
 */
class PrecomputedBadInputTest {
    @TempDir
    Path dir;

    private Path copy(String volume) throws IOException {
        Path from = PrecomputedVolumeTest.fixtures().resolve(volume);
        Path to = dir.resolve(volume);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    /** Opening and reading all of {@code v} fails with exit 3; the message. */
    private static String refused(Path v) {
        BasinException e = assertThrows(BasinException.class, () -> {
            try (VolumeReader r = Volumes.open(v, null)) {
                r.readAll();
            }
        });
        assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
        assertEquals(3, e.exitCode().code());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' not in: " + message);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"data_type\": \"uint8\",|| field 'data_type' is missing",
        "\"data_type\": \"uint8\"|\"data_type\": \"int8\"| field 'data_type' \"int8\" is not one basin reads",
        "\"num_channels\": 1|\"num_channels\": \"1\"| field 'num_channels' \"1\" is not an integer above 0",
        "\"type\": \"image\"|\"type\": \"mesh\"| field 'type' \"mesh\" is not \"image\" or \"segmentation\"",
        "\"size\": [19, 13, 11]|\"size\": \"big\"|: scale \"4_5_40\" field 'size' \"big\" is not three integers above 0 (x, y, z)",
        "\"size\": [19, 13, 11]|\"size\": [19, 13]|: scale \"4_5_40\" field 'size' [19,13] is not three integers above 0",
        "\"size\": [19, 13, 11]|\"size\": [19, 13, 0]|: scale \"4_5_40\" field 'size' [19,13,0] is not three integers above 0",
        "\"size\": [19, 13, 11]|\"size\": [19, 13, 5000000000]|: scale \"4_5_40\" field 'size' [19,13,5000000000] has a value larger than basin reads",
        "\"voxel_offset\": [5, -3, 7]|\"voxel_offset\": [5, -3, 7.5]|: scale \"4_5_40\" field 'voxel_offset' [5,-3,7.5] is not three integers (x, y, z)",
        "\"resolution\": [4, 5, 40]|\"resolution\": [4, 0, 40]|: scale \"4_5_40\" field 'resolution' [4,0,40] is not three numbers above 0",
        "\"chunk_sizes\": [[8, 8, 4]]|\"chunk_sizes\": []|: scale \"4_5_40\" field 'chunk_sizes' [] is not a list of [x, y, z] sizes",
        "\"chunk_sizes\": [[8, 8, 4]]|\"chunk_sizes\": [[8, -8, 4]]|: scale \"4_5_40\" field 'chunk_sizes[0]' [8,-8,4] is not three integers above 0",
        "\"encoding\": \"raw\"|\"encoding\": \"png\"|: scale \"4_5_40\" field 'encoding' \"png\" is not supported; basin reads raw, compressed_segmentation and jpeg",
        "\"encoding\": \"raw\"|\"encoding\": \"compressed_segmentation\"|: scale \"4_5_40\": encoding compressed_segmentation needs data_type uint32 or uint64, not uint8",
        "\"key\": \"4_5_40\"|\"key\": 4|: scales[0] field 'key' 4 is not a folder name",
        "\"scales\": [|\"scales\": 7, \"x\": [| field 'scales' 7 is not a list of scales",
    })
    void malformedInfoFieldsAreNamed(String from, String to, String expected) throws Exception {
        Path v = copy("raw_uint8");
        Path info = v.resolve("info");
        String text = Files.readString(info).replaceAll("\\[\\s+", "[").replaceAll("\\s+]", "]").replaceAll(",\\s+(?=[-\\d\\[])", ", ");
        assertTrue(text.contains(from), text);
        Files.writeString(info, text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to == null ? "" : to)));
        String m = refused(v);
        assertTrue(m.startsWith(info.toString()), m);
        assertContains(m, expected);
    }

    @Test
    void anInfoThatIsNotJsonOrHasNoFieldsIsBadInputNotAnUnknownFolder() throws Exception {
        Path v = Files.createDirectories(dir.resolve("v"));
        Files.writeString(v.resolve("info"), "{}");
        assertEquals(v.resolve("info") + ": field 'type' is missing", refused(v));
        Files.writeString(v.resolve("info"), "{\"type\": \"image\", ");
        assertContains(refused(v), v.resolve("info") + ": not valid JSON");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"hash\": \"murmurhash3_x86_128\"|\"hash\": \"md5\"|'sharding' field 'hash' \"md5\" is not \"identity\" or \"murmurhash3_x86_128\"",
        "\"@type\": \"neuroglancer_uint64_sharded_v1\"|\"@type\": \"neuroglancer_uint64_sharded_v2\"|'sharding' field '@type' \"neuroglancer_uint64_sharded_v2\" is not",
        "\"minishard_bits\": 2|\"minishard_bits\": -1|'sharding' field 'minishard_bits' -1 is not an integer 0..64",
        "\"shard_bits\": 2,|\"shard_bits\": 70,|'sharding' field 'shard_bits' 70 is not an integer 0..64",
        "\"data_encoding\": \"gzip\"|\"data_encoding\": \"zstd\"|'sharding' field 'data_encoding' \"zstd\" is not \"raw\" or \"gzip\"",
    })
    void malformedShardingSpecsAreNamed(String from, String to, String expected) throws Exception {
        Path v = copy("raw_uint64_sharded_murmur");
        Path info = v.resolve("info");
        String text = Files.readString(info).replaceAll("\\s+", " ").replace("{ ", "{").replace(" }", "}");
        assertTrue(text.contains(from), text);
        Files.writeString(info, text.replace(from, to));
        String m = refused(v);
        assertContains(m, info + ": scale \"8_8_30\" " + expected);
    }

    @Test
    void aTruncatedRawChunkNamesFileScaleAndSizes() throws Exception {
        Path v = copy("raw_uint8");
        Path chunk = v.resolve("4_5_40/5-13_-3-5_7-11");
        Files.write(chunk, Arrays.copyOf(Files.readAllBytes(chunk), 100));
        assertEquals(chunk + ": scale \"4_5_40\" chunk: raw chunk is 100 bytes, not the 256 of 8x8x4 (x,y,z) x 1 channel(s) uint8: truncated or not raw",
                refused(v));
    }

    @Test
    void aTruncatedGzipChunkIsBadInputNamingTheFile() throws Exception {
        Path v = copy("raw_uint8");
        Path chunk = v.resolve("4_5_40/5-13_5-10_7-11.gz");
        byte[] b = Files.readAllBytes(chunk);
        Files.write(chunk, Arrays.copyOf(b, b.length / 2));
        assertContains(refused(v), chunk + ": scale \"4_5_40\" chunk: not valid gzip (");
        Path plain = v.resolve("4_5_40/21-24_5-10_15-18"); // gzip content under its plain name
        Files.write(chunk, b);
        byte[] p = Files.readAllBytes(plain);
        Files.write(plain, Arrays.copyOf(p, p.length - 9));
        assertContains(refused(v), plain + ": scale \"4_5_40\" chunk (gzip content): not valid gzip (");
    }

    /** The first minishard of {@code shard} whose index entry is not empty. */
    private static int firstListedMinishard(byte[] shard, int minishards) {
        ByteBuffer b = ByteBuffer.wrap(shard).order(ByteOrder.LITTLE_ENDIAN);
        for (int m = 0; m < minishards; m++) {
            if (b.getLong(16 * m) != b.getLong(16 * m + 8)) {
                return m;
            }
        }
        throw new AssertionError("no minishard listed");
    }

    @Test
    void aShardIndexEntryPointingPastTheFileIsNamed() throws Exception {
        Path v = copy("raw_uint64_sharded_murmur");
        Path shard = v.resolve("8_8_30/0.shard");
        byte[] b = Files.readAllBytes(shard);
        int m = firstListedMinishard(b, 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(16 * m + 8, b.length);
        Files.write(shard, b);
        assertContains(refused(v), shard + ": scale \"8_8_30\" shard index entry of minishard " + m + " [", ") points past the end of the file ("
                + (b.length - 64) + " bytes after the index)");
    }

    @Test
    void aShardFileShorterThanItsIndexIsTruncated() throws Exception {
        Path v = copy("raw_uint64_sharded_murmur");
        Path shard = v.resolve("8_8_30/1.shard");
        Files.write(shard, Arrays.copyOf(Files.readAllBytes(shard), 40));
        assertEquals(shard + ": scale \"8_8_30\" shard file is 40 bytes, shorter than its shard index (16 * 2^2 = 64 bytes): truncated", refused(v));
    }

    @Test
    void aTruncatedMinishardIndexIsNamedRawOrGzip() throws Exception {
        // raw minishard indices: one entry 5 bytes short
        Path v = copy("cseg_uint32_sharded_identity");
        Path shard = v.resolve("s0/0.shard");
        byte[] b = Files.readAllBytes(shard);
        int m = firstListedMinishard(b, 2);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long start = bb.getLong(16 * m);
        long end = bb.getLong(16 * m + 8);
        bb.putLong(16 * m + 8, end - 5);
        Files.write(shard, b);
        assertEquals(shard + ": scale \"s0\" minishard index " + m + " is " + (end - start - 5) + " bytes, not a whole number of 24-byte entries: truncated",
                refused(v));
        // gzip minishard indices: the compressed stream cut short
        Path w = copy("raw_uint64_sharded_murmur");
        Path s2 = w.resolve("8_8_30/0.shard");
        byte[] c = Files.readAllBytes(s2);
        int m2 = firstListedMinishard(c, 4);
        ByteBuffer cb = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        cb.putLong(16 * m2 + 8, cb.getLong(16 * m2 + 8) - 6);
        Files.write(s2, c);
        assertContains(refused(w), s2 + ": scale \"8_8_30\" minishard index " + m2 + " (minishard_index_encoding gzip): not valid gzip");
    }

    @Test
    void aChunkTheMinishardIndexPlacesPastTheFileIsNamed() throws Exception {
        Path v = copy("cseg_uint32_sharded_identity");
        Path shard = v.resolve("s0/0.shard");
        byte[] b = Files.readAllBytes(shard);
        int m = firstListedMinishard(b, 2);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long start = 32 + bb.getLong(16 * m);
        long end = 32 + bb.getLong(16 * m + 8);
        int n = (int) ((end - start) / 24);
        bb.putLong((int) start + 8 * (2 * n), b.length); // the first chunk's size: the whole file
        Files.write(shard, b);
        assertContains(refused(v), shard + ": scale \"s0\" minishard index " + m + ": chunk id ", ") points past the end of the file (" + b.length + " bytes)");
    }

    @Test
    void aDamagedChunkInsideAShardNamesTheShardFileAndChunk() throws Exception {
        Path v = copy("cseg_uint32_sharded_identity");
        Path shard = v.resolve("s0/0.shard");
        byte[] b = Files.readAllBytes(shard);
        int m = firstListedMinishard(b, 2);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long index = 32 + bb.getLong(16 * m);
        int n = (int) ((32 + bb.getLong(16 * m + 8) - index) / 24);
        long firstChunk = 32 + bb.getLong((int) index + 8 * n); // the first chunk's data: its channel offset word
        assertEquals(1, bb.getInt((int) firstChunk));
        bb.putInt((int) firstChunk, 7);
        Files.write(shard, b);
        String msg = refused(v);
        assertTrue(msg.startsWith(shard + ": scale \"s0\" chunk ["), msg);
        assertContains(msg, "compressed_segmentation chunk channel offset 0 is 7, not the channel count 1");
    }

    /** Word {@code i} of a compressed_segmentation chunk set to {@code value}. */
    private static void setWord(Path chunk, int i, int value) throws IOException {
        byte[] b = Files.readAllBytes(chunk);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * i, value);
        Files.write(chunk, b);
    }

    @Test
    void compressedSegmentationOffsetsOutOfRangeAreNamed() throws Exception {
        String name = "s0/0-16_0-16_0-8"; // 2x2x1 blocks of 8^3: headers at words 1..8 (after the channel offset)
        Path v = copy("cseg_uint64");
        Path chunk = v.resolve(name);
        int header = ByteBuffer.wrap(Files.readAllBytes(chunk)).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * 3); // block (1,0,0)
        setWord(chunk, 3, (header & 0xFF000000) | 0xFFFFFF);
        String where = chunk + ": scale \"s0\" chunk channel 0: compressed_segmentation chunk block (1,0,0): ";
        assertContains(refused(v), where + "lookupTableOffset 16777215 is past the end of the chunk");

        Files.copy(PrecomputedVolumeTest.fixtures().resolve("cseg_uint64").resolve(name), chunk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        setWord(chunk, 4, 0x7FFFFFFF); // block (1,0,0) encodedValuesOffset
        assertContains(refused(v), where + "encodedValuesOffset 2147483647 puts its values past the end of the chunk");

        Files.copy(PrecomputedVolumeTest.fixtures().resolve("cseg_uint64").resolve(name), chunk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        setWord(chunk, 3, (3 << 24) | (header & 0xFFFFFF));
        assertContains(refused(v), where + "encodedBits 3 is not 0, 1, 2, 4, 8, 16 or 32");

        Files.copy(PrecomputedVolumeTest.fixtures().resolve("cseg_uint64").resolve(name), chunk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        setWord(chunk, 0, 7);
        assertContains(refused(v), chunk + ": scale \"s0\" chunk: compressed_segmentation chunk channel offset 0 is 7, not the channel count 1");

        Files.write(chunk, Arrays.copyOf(Files.readAllBytes(PrecomputedVolumeTest.fixtures().resolve("cseg_uint64").resolve(name)), 20));
        assertContains(refused(v), chunk + ": scale \"s0\" chunk channel 0: compressed_segmentation chunk has 4 words from its start, fewer than its 4 block headers");

        Files.write(chunk, new byte[] {1, 0, 0});
        assertContains(refused(v), chunk + ": scale \"s0\" chunk: compressed_segmentation chunk is 3 bytes, not a whole number of 32-bit words");
    }

    @Test
    void aCompressedSegmentationIndexPastItsLookupTableIsNamed() throws Exception {
        // a 0-bit block whose table is the last word pair of the chunk, moved one word further: its one value reads past the end
        Path v = copy("cseg_uint64");
        Path chunk = v.resolve("s0/0-16_0-16_0-8");
        byte[] b = Files.readAllBytes(chunk);
        int words = b.length / 4;
        setWord(chunk, 1, words - 1 - 1); // block (0,0,0): 0 bits, table at the channel's last word (base 1): needs 2
        assertContains(refused(v), chunk + ": scale \"s0\" chunk channel 0: compressed_segmentation chunk block (0,0,0): lookupTableOffset "
                + (words - 2) + " is past the end of the chunk (" + words + " words)");
    }

    @Test
    void aJpegChunkThatIsNotJpegOrHasTheWrongSizeIsNamed() throws Exception {
        Path v = Files.createDirectories(dir.resolve("jpeg"));
        Files.createDirectories(v.resolve("s0"));
        Files.writeString(v.resolve("info"), "{\"type\": \"image\", \"data_type\": \"uint8\", \"num_channels\": 1, \"scales\": [{\"key\": \"s0\","
                + " \"size\": [4, 4, 2], \"chunk_sizes\": [[4, 4, 2]], \"resolution\": [1, 1, 1], \"encoding\": \"jpeg\"}]}");
        Path chunk = v.resolve("s0/0-4_0-4_0-2");
        Files.write(chunk, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        assertContains(refused(v), chunk + ": scale \"s0\" chunk: not a readable JPEG (");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "jpeg", out);
        Files.write(chunk, out.toByteArray());
        assertEquals(chunk + ": scale \"s0\" chunk: JPEG of 4x3 pixels, 1 component(s); the chunk needs 32 pixels of 1 component(s)", refused(v));
        Files.writeString(v.resolve("info"), Files.readString(v.resolve("info")).replace("uint8", "uint16"));
        assertEquals(v.resolve("info") + ": scale \"s0\": encoding jpeg needs data_type uint8 and num_channels 1 or 3, not uint16 x 1", refused(v));
    }
}
