package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Neuroglancer precomputed volumes read from S3 (s3proxy on 127.0.0.1): the fixtures of src/test/resources/precomputed
 * and a jpeg volume uploaded key for key read exactly as from their folders, each region costing the GETs of the
 * chunks it meets (ranged ones in shards, never a whole shard).
 */
class S3PrecomputedTest {
    @TempDir
    static Path serverDir;
    @TempDir
    static Path jpegDir;

    static S3TestServer server;

    private static final String BUCKET = "precomputed";

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(serverDir);
        server.createBucket(BUCKET);
        S3Connection.configure(server.settings());
        Path fixtures = PrecomputedVolumeTest.fixtures();
        for (PrecomputedVolumeTest.Expected x : PrecomputedVolumeTest.expected()) {
            upload(fixtures.resolve(x.volume()), "s3://" + BUCKET + "/" + x.volume());
        }
        writeJpegVolume(jpegDir.resolve("jpeg"));
        upload(jpegDir.resolve("jpeg"), "s3://" + BUCKET + "/jpeg");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        S3Connection.configure(S3Connection.Settings.DEFAULT);
    }

    @BeforeEach
    void connect() {
        S3Connection.configure(server.settings());
    }

    /** Every file under {@code dir} as the key of its relative path (uploading twice rewrites the same bytes). */
    static void upload(Path dir, String uri) throws IOException {
        S3ChunkStore store = S3ChunkStore.parse(uri);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                store.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
    }

    /** A 1-channel jpeg volume of 12 x 10 x 6 voxels (x, y, z) in 8 x 8 x 4 chunks, written with Java's JPEG writer. */
    private static void writeJpegVolume(Path v) throws IOException {
        int[] size = {12, 10, 6};
        int[] chunk = {8, 8, 4};
        Files.createDirectories(v.resolve("s0"));
        Files.writeString(v.resolve("info"), "{\"type\": \"image\", \"data_type\": \"uint8\", \"num_channels\": 1, \"scales\": [{\"key\": \"s0\","
                + " \"size\": [12, 10, 6], \"chunk_sizes\": [[8, 8, 4]], \"resolution\": [4, 4, 40], \"encoding\": \"jpeg\"}]}");
        for (int gz = 0; gz * chunk[2] < size[2]; gz++) {
            for (int gy = 0; gy * chunk[1] < size[1]; gy++) {
                for (int gx = 0; gx * chunk[0] < size[0]; gx++) {
                    int[] b = {gx * chunk[0], gy * chunk[1], gz * chunk[2]};
                    int[] e = {Math.min(size[0], b[0] + chunk[0]), Math.min(size[1], b[1] + chunk[1]), Math.min(size[2], b[2] + chunk[2])};
                    int w = e[0] - b[0];
                    int h = (e[1] - b[1]) * (e[2] - b[2]);
                    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                    for (int row = 0; row < h; row++) {
                        for (int x = 0; x < w; x++) {
                            img.getRaster().setSample(x, row, 0, 30 + 5 * (b[0] + x) + 3 * row + 17 * gz);
                        }
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ImageIO.write(img, "jpeg", out);
                    Files.write(v.resolve("s0/" + b[0] + "-" + e[0] + "_" + b[1] + "-" + e[1] + "_" + b[2] + "-" + e[2]), out.toByteArray());
                }
            }
        }
    }

    private static Path s3(String volume) {
        return Path.of("s3://" + BUCKET + "/" + volume);
    }

    /** What one read cost: GETs, HEADs and bytes since {@code before}. */
    private static S3Connection.Counts since(S3Connection.Counts before) {
        S3Connection.Counts now = S3Connection.counts();
        return new S3Connection.Counts(now.gets() - before.gets(), now.puts() - before.puts(), now.lists() - before.lists(),
                now.heads() - before.heads(), now.bytesRead() - before.bytesRead(), now.bytesWritten() - before.bytesWritten());
    }

    @Test
    void everyFixtureAndAJpegVolumeReadFromS3ExactlyAsFromTheirFolders() throws Exception {
        Random rnd = new Random(7);
        int regions = 0;
        List<PrecomputedVolumeTest.Expected> all = new ArrayList<>(PrecomputedVolumeTest.expected());
        assertEquals(8, all.size());
        all.add(new PrecomputedVolumeTest.Expected("jpeg", 0, "s0", null, 1, new int[] {6, 10, 12}, null));
        for (PrecomputedVolumeTest.Expected x : all) {
            Path local = x.volume().equals("jpeg") ? jpegDir.resolve("jpeg") : PrecomputedVolumeTest.fixtures().resolve(x.volume());
            String what = x.volume() + " scale " + x.key();
            try (VolumeReader folder = Volumes.open(local, x.key()); VolumeReader r = Volumes.open(s3(x.volume()), x.key())) {
                assertEquals("precomputed", r.info().format(), what);
                assertEquals("s3://" + BUCKET + "/" + x.volume(), r.info().path(), what);
                assertEquals(folder.info().dtype(), r.info().dtype(), what);
                assertArrayEquals(folder.info().arrayShape(), r.info().arrayShape(), what);
                assertArrayEquals(x.arrayShape(), r.info().arrayShape(), what);
                assertArrayEquals(folder.info().chunks(), r.info().chunks(), what);
                assertArrayEquals(folder.info().voxelSize(), r.info().voxelSize(), 0, what);
                assertEquals(folder.info().compression(), r.info().compression(), what);
                byte[] whole = PrecomputedVolumeTest.bytes(r.readAll());
                assertArrayEquals(PrecomputedVolumeTest.bytes(folder.readAll()), whole, what);
                if (x.block() != null) {
                    assertArrayEquals(PrecomputedVolumeTest.bytes(x.block()), whole, what + ": the fixture's own array");
                }
                int[] shape = r.info().shape();
                for (int k = 0; k < 6; k++) {
                    Box box = PrecomputedVolumeTest.randomBox(rnd, shape);
                    assertArrayEquals(PrecomputedVolumeTest.bytes(folder.read(box)), PrecomputedVolumeTest.bytes(r.read(box)), what + " " + box);
                    regions++;
                }
            }
        }
        assertEquals(54, regions);
        assertEquals(List.of("4_5_40", "8_10_80", "mip/2"), Volumes.levelPaths(s3("raw_uint8")));
        assertEquals("mip/2", Volumes.dataset(s3("raw_uint8"), null, 2));
        // a location naming a scale's prefix opens that scale of the volume above it
        try (VolumeReader r = Volumes.open(s3("raw_uint8/8_10_80"), null)) {
            assertEquals("8_10_80", r.info().dataset());
            assertArrayEquals(new int[] {6, 7, 10}, r.info().shape());
        }
    }

    @Test
    void anUnshardedRegionReadGetsOnlyTheChunksItMeets() throws Exception {
        try (VolumeReader r = Volumes.open(s3("raw_uint8"), null)) {
            // scale 4_5_40: 19 x 13 x 11 (x, y, z) in 8 x 8 x 4 chunks; chunk (0, 0, 0) is the key 5-13_-3-5_7-11 (voxel offset 5, -3, 7)
            long chunkBytes = Files.size(PrecomputedVolumeTest.fixtures().resolve("raw_uint8/4_5_40/5-13_-3-5_7-11"));
            S3Connection.Counts before = S3Connection.counts();
            r.read(new Box(new int[] {1, 2, 3}, new int[] {3, 7, 6}));
            S3Connection.Counts one = since(before);
            assertEquals(1, one.gets(), one.toString());
            assertEquals(0, one.heads() + one.lists(), one.toString());
            assertEquals(chunkBytes, one.bytesRead(), one.toString());

            // x 6..10 and y 6..9 meet 2 x 2 chunks of one z layer: 4 GETs; chunk (0, 1, 0) is stored as .gz (a 404 first)
            before = S3Connection.counts();
            r.read(new Box(new int[] {1, 6, 6}, new int[] {3, 9, 10}));
            S3Connection.Counts four = since(before);
            assertEquals(5, four.gets(), four.toString());

            // the chunk (1, 0, 1) is not stored: its plain and .gz keys are two 404s and it reads as 0
            before = S3Connection.counts();
            Block hole = r.read(new Box(new int[] {4, 0, 8}, new int[] {8, 8, 16}));
            S3Connection.Counts missing = since(before);
            assertEquals(2, missing.gets(), missing.toString());
            assertEquals(0, missing.bytesRead(), missing.toString());
            for (int i = 0; i < hole.length(); i++) {
                assertEquals(0, hole.getLong(i));
            }
        }
    }

    @Test
    void aShardedRegionReadIsThreeRangedGetsThenOnePerChunk() throws Exception {
        Path shardDir = PrecomputedVolumeTest.fixtures().resolve("raw_uint64_sharded_murmur/8_8_30");
        // chunk (0, 0, 0): id 0, preshift 1 -> 0, murmurhash3 0x4772b084e028ae41: minishard 1 of shard 0
        long shardSize = Files.size(shardDir.resolve("0.shard"));
        assertEquals(2371, shardSize);
        try (VolumeReader r = Volumes.open(s3("raw_uint64_sharded_murmur"), null)) {
            PrecomputedVolumeTest.Expected x = PrecomputedVolumeTest.expected().stream()
                    .filter(e -> e.volume().equals("raw_uint64_sharded_murmur")).findFirst().orElseThrow();
            Box box = new Box(new int[] {1, 1, 1}, new int[] {3, 4, 5}); // inside chunk (0, 0, 0)
            S3Connection.Counts before = S3Connection.counts();
            Block got = r.read(box);
            S3Connection.Counts first = since(before);
            assertArrayEquals(PrecomputedVolumeTest.bytes(x.block().crop(box)), PrecomputedVolumeTest.bytes(got));
            // the minishard's 16-byte shard index entry, its minishard index, the chunk's bytes
            assertEquals(3, first.gets(), first.toString());
            assertEquals(0, first.heads() + first.lists(), first.toString());
            assertEquals(464, first.bytesRead(), first + " of the shard's " + shardSize + " bytes");

            before = S3Connection.counts();
            r.read(box);
            S3Connection.Counts again = since(before);
            assertEquals(1, again.gets(), "the minishard index is cached: " + again);

            before = S3Connection.counts();
            r.readAll();
            S3Connection.Counts whole = since(before);
            long total = 0;
            try (Stream<Path> s = Files.list(shardDir)) {
                for (Path p : s.toList()) {
                    total += Files.size(p);
                }
            }
            assertTrue(whole.bytesRead() < total, whole + " against " + total + " bytes of shards: no byte read twice, the index skipped");
        }
    }

    @Test
    void aMissingShardReadsAsZeroAndTheOtherShardsAsStored() throws Exception {
        Path local = PrecomputedVolumeTest.fixtures().resolve("raw_uint64_sharded_murmur");
        upload(local, "s3://" + BUCKET + "/no-shard-1");
        S3ChunkStore shards = S3ChunkStore.parse("s3://" + BUCKET + "/no-shard-1/8_8_30");
        assertTrue(shards.exists("1.shard"));
        S3Client client = S3Connection.client();
        client.deleteObject(b -> b.bucket(BUCKET).key("no-shard-1/8_8_30/1.shard"));
        try (VolumeReader folder = Volumes.open(local, null); VolumeReader r = Volumes.open(s3("no-shard-1"), null)) {
            long[] want = (long[]) folder.readAll().data();
            long[] got = (long[]) r.readAll().data();
            int zeroed = 0;
            for (int i = 0; i < want.length; i++) {
                if (got[i] != want[i]) {
                    assertEquals(0, got[i], "voxel " + i + ": the shard's chunks read as 0, the rest as stored");
                    zeroed++;
                }
            }
            assertTrue(zeroed > 0 && zeroed < want.length, zeroed + " of " + want.length);
        }
    }

    @Test
    void aMissingInfoOrBucketIsAnIoErrorNamingBucketAndKeyAndABadInfoIsBadInput() {
        BasinException info = assertThrows(BasinException.class, () -> PrecomputedVolume.open(S3ChunkStore.parse("s3://" + BUCKET + "/none"), null));
        assertEquals(ExitCode.IO_FAILURE, info.exitCode());
        assertEquals("s3://precomputed/none/info: no precomputed volume's info (no such key 'none/info' in bucket 'precomputed')", info.getMessage());

        BasinException bucket = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://no-such-bucket/vol"), null));
        assertEquals(ExitCode.IO_FAILURE, bucket.exitCode());
        assertEquals("s3://no-such-bucket/vol/.zarray: no such bucket 'no-such-bucket'", bucket.getMessage());
        BasinException bucketInfo = assertThrows(BasinException.class,
                () -> PrecomputedVolume.open(S3ChunkStore.parse("s3://no-such-bucket/vol"), null));
        assertEquals(ExitCode.IO_FAILURE, bucketInfo.exitCode());
        assertEquals("s3://no-such-bucket/vol/info: no such bucket 'no-such-bucket'", bucketInfo.getMessage());

        // an empty prefix is no volume: the keys looked for are named, as for a folder with none of them
        BasinException nothing = assertThrows(BasinException.class, () -> Volumes.open(s3("nothing"), null));
        assertEquals(ExitCode.BAD_ARGUMENTS, nothing.exitCode());
        assertTrue(nothing.getMessage().startsWith("s3://precomputed/nothing: no volume here (no zarr.json, .zarray, .zgroup, attributes.json"
                + " or info key, nor .tif/.tiff slices)"), nothing.getMessage());

        S3ChunkStore bad = S3ChunkStore.parse("s3://" + BUCKET + "/bad");
        bad.put("info", "{\"type\": \"image\", \"data_type\": \"uint8\", \"num_channels\": 1, \"scales\": [{\"key\": \"s0\", \"size\": [4, 4],"
                .getBytes(StandardCharsets.UTF_8));
        BasinException json = assertThrows(BasinException.class, () -> Volumes.open(s3("bad"), null));
        assertEquals(ExitCode.BAD_INPUT, json.exitCode());
        assertTrue(json.getMessage().startsWith("s3://precomputed/bad/info: not valid JSON"), json.getMessage());
        bad.put("info", ("{\"type\": \"image\", \"data_type\": \"uint8\", \"num_channels\": 1, \"scales\": [{\"key\": \"s0\", \"size\": [4, 4],"
                + " \"chunk_sizes\": [[4, 4, 4]], \"resolution\": [1, 1, 1], \"encoding\": \"raw\"}]}").getBytes(StandardCharsets.UTF_8));
        BasinException size = assertThrows(BasinException.class, () -> Volumes.open(s3("bad"), null));
        assertEquals(ExitCode.BAD_INPUT, size.exitCode());
        assertEquals("s3://precomputed/bad/info: scale \"s0\" field 'size' [4,4] is not three integers above 0 (x, y, z)", size.getMessage());

        // a raw chunk of the wrong length names its key
        bad.put("info", ("{\"type\": \"image\", \"data_type\": \"uint8\", \"num_channels\": 1, \"scales\": [{\"key\": \"s0\", \"size\": [4, 4, 1],"
                + " \"chunk_sizes\": [[4, 4, 1]], \"resolution\": [1, 1, 1], \"encoding\": \"raw\"}]}").getBytes(StandardCharsets.UTF_8));
        bad.put("s0/0-4_0-4_0-1", new byte[] {1, 2, 3});
        try (VolumeReader r = Volumes.open(s3("bad"), null)) {
            BasinException chunk = assertThrows(BasinException.class, r::readAll);
            assertEquals(ExitCode.BAD_INPUT, chunk.exitCode());
            assertTrue(chunk.getMessage().startsWith("s3://precomputed/bad/s0/0-4_0-4_0-1: scale \"s0\" chunk: raw chunk is 3 bytes, not the 16"),
                    chunk.getMessage());
        }
    }
}
