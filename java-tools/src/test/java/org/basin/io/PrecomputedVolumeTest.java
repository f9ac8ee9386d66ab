package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Neuroglancer precomputed volumes read voxel-exactly: the fixtures of src/test/resources/precomputed (written byte by
 * byte from the specs by make_fixtures.py, with the arrays every reader must return), JPEG chunks written here with
 * Java's own JPEG writer, the spec examples of compressed_segmentation, MurmurHash3 and compressed Morton codes.
 */
class PrecomputedVolumeTest {
    @TempDir
    Path dir;

    static Path fixtures() {
        try {
            return Path.of(PrecomputedVolumeTest.class.getResource("/precomputed/expected.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One scale of a fixture with the voxels it must read as. */
    record Expected(String volume, int scale, String key, DType dtype, int channels, int[] arrayShape, Block block) {
    }

    @SuppressWarnings("unchecked")
    static List<Expected> expected() throws Exception {
        Path root = fixtures();
        List<Expected> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : Json.read(root.resolve("expected.json")).entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            DType t = DType.parse((String) m.get("data_type"));
            int nc = (Integer) m.get("num_channels");
            List<List<Integer>> shapes = (List<List<Integer>>) m.get("shapes");
            List<String> keys = (List<String>) m.get("keys");
            for (int s = 0; s < shapes.size(); s++) {
                int[] shape = shapes.get(s).stream().mapToInt(Integer::intValue).toArray();
                int[] zyx = nc > 1 ? new int[] {shape[1], shape[2], shape[3]} : shape;
                byte[] bytes = Files.readAllBytes(root.resolve(e.getKey() + ".s" + s + ".bin"));
                int n = bytes.length / t.bytes();
                Object data = ByteCodec.decode(ByteBuffer.wrap(bytes), ByteOrder.LITTLE_ENDIAN, t, n);
                out.add(new Expected(e.getKey(), s, keys.get(s), t, nc, shape, Block.wrap(t, nc > 1 ? nc : 0, Box.ofShape(zyx), data)));
            }
        }
        return out;
    }

    /** A random non-empty box inside {@code shape} (z, y, x). */
    static Box randomBox(Random rnd, int[] shape) {
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = rnd.nextInt(shape[a]);
            hi[a] = lo[a] + 1 + rnd.nextInt(shape[a] - lo[a]);
        }
        return new Box(lo, hi);
    }

    static byte[] bytes(Block b) {
        return ByteCodec.encode(b.data(), b.dtype());
    }

    @Test
    void everyFixtureReadsVoxelExactlyAtEveryScale() throws Exception {
        List<Expected> all = expected();
        assertEquals(8, all.size(), "six volumes, one of them with three scales");
        for (Expected x : all) {
            try (VolumeReader r = Volumes.open(fixtures().resolve(x.volume()), x.key())) {
                String what = x.volume() + " scale " + x.key();
                assertEquals("precomputed", r.info().format(), what);
                assertEquals(x.dtype(), r.info().dtype(), what);
                assertEquals(x.channels() > 1 ? x.channels() : 0, r.info().channels(), what);
                assertArrayEquals(x.arrayShape(), r.info().arrayShape(), what);
                assertArrayEquals(bytes(x.block()), bytes(r.readAll()), what);
            }
        }
    }

    @Test
    void regionReadsNotAlignedToChunksMatchTheArrays() throws Exception {
        Random rnd = new Random(42);
        int reads = 0;
        for (Expected x : expected()) {
            int[] shape = x.block().box().shape();
            try (VolumeReader r = Volumes.open(fixtures().resolve(x.volume()), x.key())) {
                for (int k = 0; k < 12; k++) {
                    Box box = randomBox(rnd, shape);
                    Block got = r.read(box);
                    assertEquals(box, got.box());
                    assertArrayEquals(bytes(x.block().crop(box)), bytes(got), x.volume() + " " + x.key() + " " + box);
                    reads++;
                }
                Box empty = new Box(new int[] {1, 1, 1}, new int[] {1, 2, 2});
                assertEquals(0, r.read(empty).length());
            }
        }
        assertEquals(96, reads);
    }

    @Test
    void scalesAreListedFinestFirstAndChosenByKeyWithTheirVoxelSizeAndOffset() throws Exception {
        Path v = fixtures().resolve("raw_uint8");
        assertEquals(List.of("4_5_40", "8_10_80", "mip/2"), PrecomputedVolume.levelPaths(v));
        try (VolumeReader r = Volumes.open(v, null)) {
            assertEquals("4_5_40", r.info().dataset());
            assertArrayEquals(new int[] {11, 13, 19}, r.info().shape());
            assertArrayEquals(new int[] {4, 8, 8}, r.info().chunks());
            assertArrayEquals(new double[] {40, 5, 4}, r.info().voxelSize(), "resolution x,y,z 4,5,40 nm as z,y,x");
            assertArrayEquals(new long[] {5, -3, 7}, (long[]) r.info().attributes().get("voxel_offset_xyz"));
            assertEquals("image", r.info().attributes().get("type"));
            assertEquals("raw", r.info().compression());
        }
        try (VolumeReader r = Volumes.open(v, "8_10_80")) {
            assertArrayEquals(new int[] {6, 7, 10}, r.info().shape());
            assertArrayEquals(new double[] {80, 10, 8}, r.info().voxelSize());
            assertArrayEquals(new long[] {2, -2, 3}, (long[]) r.info().attributes().get("voxel_offset_xyz"));
        }
        try (VolumeReader r = Volumes.open(v, "/mip/2")) {
            assertArrayEquals(new double[] {160, 20, 16}, r.info().voxelSize());
        }
        try (VolumeReader r = Volumes.open(v.resolve("8_10_80"), null)) {
            assertEquals("8_10_80", r.info().dataset(), "a scale's folder opens that scale");
            assertArrayEquals(new int[] {6, 7, 10}, r.info().shape());
        }
        Path beside = dir.resolve("notes/volume");
        Files.createDirectories(beside);
        Files.writeString(dir.resolve("notes/info"), "not JSON: a text file named info");
        BasinException unknown = assertThrows(BasinException.class, () -> Volumes.open(beside, null));
        assertTrue(unknown.getMessage().startsWith(beside + ": no volume basin reads"), unknown.getMessage());
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(v, "s9"));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertEquals(v + ": the precomputed volume has no scale 's9'; its scales are [4_5_40, 8_10_80, mip/2]", e.getMessage());
        try (VolumeReader r = Volumes.open(fixtures().resolve("raw_uint64_sharded_murmur"), null)) {
            assertEquals("raw, sharded(murmurhash3_x86_128, 4 shards x 4 minishards, data gzip)", r.info().compression());
            assertArrayEquals(new double[] {30, 8, 8}, r.info().voxelSize());
        }
        try (VolumeReader r = Volumes.open(fixtures().resolve("cseg_uint64"), null)) {
            assertEquals("compressed_segmentation(block 8,8,8)", r.info().compression());
            assertEquals("segmentation", r.info().attributes().get("type"));
        }
    }

    @Test
    void chunksNotStoredReadAsZeroAndGzipChunksOfBothSpellingsRead() throws Exception {
        Path v = fixtures().resolve("raw_uint8");
        // chunk (1, 0, 1) of scale 0 is absent: x 8..16, y 0..8, z 4..8
        assertTrue(Files.notExists(v.resolve("4_5_40/13-21_-3-5_11-15")));
        Expected s0 = expected().get(0);
        try (VolumeReader r = Volumes.open(v, null)) {
            Block hole = r.read(new Box(new int[] {4, 0, 8}, new int[] {8, 8, 16}));
            for (int i = 0; i < hole.length(); i++) {
                assertEquals(0, hole.getLong(i));
            }
            // a .gz chunk and a chunk of gzip content under its plain name read as their voxels
            assertTrue(Files.exists(v.resolve("4_5_40/5-13_5-10_7-11.gz")));
            assertTrue(isGzip(Files.readAllBytes(v.resolve("4_5_40/21-24_5-10_15-18"))));
            for (Box b : List.of(new Box(new int[] {0, 8, 0}, new int[] {4, 13, 8}), new Box(new int[] {8, 8, 16}, new int[] {11, 13, 19}))) {
                Block got = r.read(b);
                assertArrayEquals(bytes(s0.block().crop(b)), bytes(got));
                long nonzero = 0;
                for (int i = 0; i < got.length(); i++) {
                    nonzero += got.getLong(i) != 0 ? 1 : 0;
                }
                assertTrue(nonzero > got.length() / 2, "random voxels, not a hole");
            }
        }
    }

    @Test
    void aRawChunkOfTheRawLengthThatStartsLikeGzipStaysRaw() throws Exception {
        Path v = dir.resolve("v");
        Files.createDirectories(v.resolve("s0"));
        Files.writeString(v.resolve("info"), "{\"type\": \"image\", \"data_type\": \"uint8\", \"num_channels\": 1, \"scales\": [{\"key\": \"s0\","
                + " \"size\": [4, 2, 1], \"chunk_sizes\": [[4, 2, 1]], \"resolution\": [1, 1, 1], \"encoding\": \"raw\"}]}");
        byte[] raw = {(byte) 0x1f, (byte) 0x8b, 8, 0, 5, 6, 7, 9};
        Files.write(v.resolve("s0/0-4_0-2_0-1"), raw);
        try (VolumeReader r = Volumes.open(v, null)) {
            assertArrayEquals(raw, r.readAll().bytes());
        }
    }

    private static boolean isGzip(byte[] b) {
        return (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    @Test
    void aShardedVolumeHoldsTheChunksItsIndexLists() throws Exception {
        Path v = fixtures().resolve("raw_uint64_sharded_murmur");
        Expected x = expected().stream().filter(e -> e.volume().equals("raw_uint64_sharded_murmur")).findFirst().orElseThrow();
        try (VolumeReader r = Volumes.open(v, null)) {
            // the one chunk not in any shard: grid (2, 0, 1): x 16..21, y 0..8, z 4..8
            Block hole = r.read(new Box(new int[] {4, 0, 16}, new int[] {8, 8, 21}));
            for (int i = 0; i < hole.length(); i++) {
                assertEquals(0, hole.getLong(i));
            }
            Block all = r.readAll();
            assertTrue(all.getLong(0) < 0 && all.getLong(0) > Long.MIN_VALUE, "ids above 2^63 survive: " + Long.toUnsignedString(all.getLong(0)));
            assertArrayEquals(bytes(x.block()), bytes(all));
        }
    }

    @Test
    void compressedSegmentationDecodesTheSpecsExample() {
        // neuroglancer encode_uint64.spec.ts / encode_uint32.spec.ts, encodeChannel "basic": x,y,z 2,2,2, block 2,2,1,
        // here behind the one-channel header [1] of the multi-channel format (offsets count from the channel's start)
        int[] w64 = {1, 5 | (2 << 24), 4, 12 | (1 << 24), 11, 0b01100001, 3, 0, 4, 0, 5, 0, 0b1110, 1, 0, 3, 0};
        long[] out64 = new long[8];
        CompressedSegmentation.decode(le(w64), new int[] {2, 2, 2}, new int[] {2, 2, 1}, 1, out64, "example");
        assertArrayEquals(new long[] {4, 3, 5, 4, 1, 3, 3, 3}, out64);
        int[] w32 = {1, 5 | (2 << 24), 4, 9 | (1 << 24), 8, 0b01100001, 3, 4, 5, 0b1110, 1, 3};
        int[] out32 = new int[8];
        CompressedSegmentation.decode(le(w32), new int[] {2, 2, 2}, new int[] {2, 2, 1}, 1, out32, "example");
        assertArrayEquals(new int[] {4, 3, 5, 4, 1, 3, 3, 3}, out32);
    }

    static byte[] le(int[] words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(words);
        return b.array();
    }

    @Test
    void murmurHashMatchesTheReferenceVectorsAndMortonCodesSkipUnusedBits() {
        // tensorstore murmurhash3_test.cc (from pymmh3): (input, seed) -> h1 | h2 << 32
        assertEquals(0x4772b084e028ae41L, PrecomputedShards.murmurHash64(0, 0));
        assertEquals(0xe8bd67d616d4ce9aL, PrecomputedShards.murmurHash64(1, 0));
        assertEquals(0xc20b94f95119f47aL, PrecomputedShards.murmurHash64(42, 0));
        assertEquals(0x543371085ad58a7eL, PrecomputedShards.murmurHash64(0, 1));
        assertEquals(0x082115eb2d83d9c7L, PrecomputedShards.murmurHash64(42, 2));
        long[] cube = {4, 4, 4};
        assertEquals(1, PrecomputedShards.compressedMorton(new long[] {1, 0, 0}, cube));
        assertEquals(2, PrecomputedShards.compressedMorton(new long[] {0, 1, 0}, cube));
        assertEquals(4, PrecomputedShards.compressedMorton(new long[] {0, 0, 1}, cube));
        assertEquals(8, PrecomputedShards.compressedMorton(new long[] {2, 0, 0}, cube));
        assertEquals(63, PrecomputedShards.compressedMorton(new long[] {3, 3, 3}, cube));
        // x needs 2 bits, y 1, z none: x0 y0 x1
        long[] flat = {4, 2, 1};
        assertEquals(0b111, PrecomputedShards.compressedMorton(new long[] {3, 1, 0}, flat));
        assertEquals(0b100, PrecomputedShards.compressedMorton(new long[] {2, 0, 0}, flat));
        assertEquals(0b010, PrecomputedShards.compressedMorton(new long[] {0, 1, 0}, flat));
        // volume.md's example: x below 2^16, y below 2^14, z below 2^24; the top z bits follow each other
        long[] big = {1 << 16, 1 << 14, 1 << 24};
        assertEquals(1L << (3 * 14 + 2 * 2), PrecomputedShards.compressedMorton(new long[] {0, 0, 1 << 16}, big));
        assertEquals(1L << (3 * 14 + 2 * 2 + 1), PrecomputedShards.compressedMorton(new long[] {0, 0, 1 << 17}, big));
        assertEquals(1L << (3 * 14 + 3), PrecomputedShards.compressedMorton(new long[] {0, 0, 1 << 15}, big));
        assertEquals(1L << (3 * 14 + 2), PrecomputedShards.compressedMorton(new long[] {1 << 15, 0, 0}, big));
    }

    /** A jpeg-encoded volume: rows of each image are the chunk's x, y, z voxels; 3 components are 3 channels. */
    @Test
    void jpegChunksReadInTheSpecsLayoutForOneAndThreeChannels() throws Exception {
        for (int nc : new int[] {1, 3}) {
            int sx = 12;
            int sy = 10;
            int sz = 6;
            int[] chunk = {8, 8, 4};
            Path v = dir.resolve("jpeg" + nc);
            Files.createDirectories(v.resolve("s0"));
            Files.writeString(v.resolve("info"), "{\"type\": \"image\", \"data_type\": \"uint8\", \"num_channels\": " + nc + ", \"scales\": [{\"key\": \"s0\","
                    + " \"size\": [" + sx + ", " + sy + ", " + sz + "], \"chunk_sizes\": [[8, 8, 4]], \"resolution\": [4, 4, 40], \"encoding\": \"jpeg\","
                    + " \"voxel_offset\": [0, 0, 0]}]}");
            // smooth content, channels different: lossy JPEG stays within a few grey levels
            byte[] source = new byte[nc * sz * sy * sx];
            for (int c = 0; c < nc; c++) {
                for (int z = 0; z < sz; z++) {
                    for (int y = 0; y < sy; y++) {
                        for (int x = 0; x < sx; x++) {
                            source[((c * sz + z) * sy + y) * sx + x] = (byte) (20 + 50 * c + 3 * x + 2 * y + 4 * z);
                        }
                    }
                }
            }
            byte[] decodedBySpec = new byte[source.length]; // what the spec's layout gives from the very images written
            for (int gz = 0; gz * chunk[2] < sz; gz++) {
                for (int gy = 0; gy * chunk[1] < sy; gy++) {
                    for (int gx = 0; gx * chunk[0] < sx; gx++) {
                        int[] b = {gx * chunk[0], gy * chunk[1], gz * chunk[2]};
                        int[] e = {Math.min(sx, b[0] + chunk[0]), Math.min(sy, b[1] + chunk[1]), Math.min(sz, b[2] + chunk[2])};
                        int w = e[0] - b[0];
                        int h = (e[1] - b[1]) * (e[2] - b[2]);
                        BufferedImage img = new BufferedImage(w, h, nc == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
                        for (int z = b[2]; z < e[2]; z++) {
                            for (int y = b[1]; y < e[1]; y++) {
                                for (int x = b[0]; x < e[0]; x++) {
                                    int row = (y - b[1]) + (e[1] - b[1]) * (z - b[2]);
                                    int px = 0;
                                    for (int c = 0; c < nc; c++) {
                                        px = px << 8 | (source[((c * sz + z) * sy + y) * sx + x] & 0xff);
                                    }
                                    if (nc == 1) {
                                        img.getRaster().setSample(x - b[0], row, 0, px);
                                    } else {
                                        img.setRGB(x - b[0], row, px);
                                    }
                                }
                            }
                        }
                        byte[] jpeg = jpeg(img);
                        Files.write(v.resolve("s0/" + b[0] + "-" + e[0] + "_" + b[1] + "-" + e[1] + "_" + b[2] + "-" + e[2]), jpeg);
                        BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
                        for (int z = b[2]; z < e[2]; z++) {
                            for (int y = b[1]; y < e[1]; y++) {
                                for (int x = b[0]; x < e[0]; x++) {
                                    int row = (y - b[1]) + (e[1] - b[1]) * (z - b[2]);
                                    for (int c = 0; c < nc; c++) {
                                        decodedBySpec[((c * sz + z) * sy + y) * sx + x] = (byte) back.getRaster().getSample(x - b[0], row, c);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            try (VolumeReader r = Volumes.open(v, null)) {
                assertEquals(nc == 1 ? 0 : 3, r.info().channels());
                assertEquals("jpeg", r.info().compression());
                Block all = r.readAll();
                assertArrayEquals(decodedBySpec, all.bytes(), nc + " channel(s): the decoded images in the spec's layout");
                int worst = 0;
                for (int i = 0; i < source.length; i++) {
                    worst = Math.max(worst, Math.abs((source[i] & 0xff) - (all.bytes()[i] & 0xff)));
                }
                assertTrue(worst <= 6, nc + " channel(s): JPEG at quality 1 within a few grey levels of the source, worst " + worst);
                Box part = new Box(new int[] {1, 3, 5}, new int[] {5, 9, 11});
                assertArrayEquals(all.crop(part).bytes(), r.read(part).bytes());
            }
        }
    }

    private static byte[] jpeg(BufferedImage img) throws Exception {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(1.0f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }
}
