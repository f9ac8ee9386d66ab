package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HDF5 volumes read from S3 (s3proxy on 127.0.0.1) through ranged GETs of 1 MiB blocks: the voxels of the local
 * read, and a small region of a chunked dataset fetches the blocks of its metadata and chunks, not the file.
 */
class S3Hdf5Test {
    @TempDir
    static Path serverDir;
    @TempDir
    static Path dir;

    static S3TestServer server;
    static Path chunked;
    static Path slabs;
    static Path contiguous;

    private static final String BUCKET = "hdf5";
    // 128 x 384 x 384 noisy uint8 (deflate barely shrinks it): 72 chunks of 64^3, ~19 MB
    private static final int[] SHAPE = {128, 384, 384};

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(serverDir);
        server.createBucket(BUCKET);
        S3Connection.configure(server.settings());
        Random rnd = new Random(3);
        byte[] voxels = new byte[SHAPE[0] * SHAPE[1] * SHAPE[2]];
        rnd.nextBytes(voxels);
        chunked = dir.resolve("chunked.h5");
        Hdf5Files.write(chunked, Map.of("source", "test"), List.of(Hdf5Files.Entry.of("/raw", Block.wrap(DType.UINT8, 0, Box.ofShape(SHAPE), voxels))),
                true);
        // unfiltered slab chunks (basin's own intermediates) and a contiguous dataset (fewer than 16 rows)
        short[] labels = new short[20 * 30 * 40];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (short) (i * 7 + i / 40);
        }
        slabs = dir.resolve("slabs.h5");
        Hdf5Files.write(slabs, Map.of(), List.of(Hdf5Files.Entry.of("/seg", Block.wrap(DType.UINT16, 0, Box.ofShape(new int[] {20, 30, 40}), labels))),
                false);
        int[] flat = {2, 3, 40};
        float[] values = new float[2 * 3 * 40];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25f - 3;
        }
        contiguous = dir.resolve("contiguous.h5");
        Hdf5Files.write(contiguous, Map.of(), List.of(Hdf5Files.Entry.of("/aff", Block.wrap(DType.FLOAT32, 0, Box.ofShape(flat), values))), false);
        S3ChunkStore bucket = S3ChunkStore.parse("s3://" + BUCKET);
        for (Path p : List.of(chunked, slabs, contiguous)) {
            bucket.put("vol/" + p.getFileName(), Files.readAllBytes(p));
        }
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

    private static Path s3(Path local) {
        return Path.of("s3://" + BUCKET + "/vol/" + local.getFileName());
    }

    @Test
    void aSmallRegionOfAChunkedDatasetFetchesItsBlocksNotTheFile() throws Exception {
        long fileSize = Files.size(chunked);
        Box box = new Box(new int[] {70, 100, 200}, new int[] {80, 110, 210}); // inside one 64^3 chunk
        try (VolumeReader local = Volumes.open(chunked, null); VolumeReader r = Volumes.open(s3(chunked), null)) {
            assertEquals("hdf5", r.info().format());
            assertEquals("s3://hdf5/vol/chunked.h5", r.info().path());
            assertEquals("/raw", r.info().dataset());
            assertArrayEquals(SHAPE, r.info().shape());
            assertArrayEquals(new int[] {64, 64, 64}, r.info().chunks());
            assertEquals(local.info().compression(), r.info().compression());
            S3Connection.Counts opened = S3Connection.counts();
            Block got = r.read(box);
            S3Connection.Counts read = S3Connection.counts();
            assertArrayEquals(local.read(box).bytes(), got.bytes());
            long regionGets = read.gets() - opened.gets();
            long regionBytes = read.bytesRead() - opened.bytesRead();
            System.out.printf("s3 HDF5: open %d GET (%d bytes); 10^3 region %d GET (%d bytes); file %d bytes%n", opened.gets(), opened.bytesRead(),
                    regionGets, regionBytes, fileSize);
            // opening reads the first block (superblock, root group, the dataset's header); the region the blocks of
            // the chunk index and of its one chunk
            assertEquals(1, opened.gets(), opened.toString());
            assertEquals(RangedReadChannel.BLOCK, opened.bytesRead(), opened.toString());
            assertEquals(2, regionGets, read.toString());
            assertTrue(regionBytes <= 2L * RangedReadChannel.BLOCK, read.toString());
            assertTrue(read.bytesRead() < fileSize / 8, read + " for a 10^3 region of a " + fileSize + "-byte file");
            assertEquals(0, read.heads() + read.lists() + read.puts(), read.toString());

            // unaligned regions across chunks, and the whole dataset, equal the local read
            Box across = new Box(new int[] {50, 60, 120}, new int[] {90, 200, 140});
            assertArrayEquals(local.read(across).bytes(), r.read(across).bytes());
            assertArrayEquals(local.readAll().bytes(), r.readAll().bytes());
        }
    }

    @Test
    void slabChunksAndContiguousDatasetsReadAsLocally() throws Exception {
        try (VolumeReader local = Volumes.open(slabs, null); VolumeReader r = Volumes.open(s3(slabs), null)) {
            assertEquals(DType.UINT16, r.info().dtype());
            assertArrayEquals(local.readAll().shorts(), r.readAll().shorts());
            Box part = new Box(new int[] {3, 4, 5}, new int[] {17, 9, 33});
            assertArrayEquals(local.read(part).shorts(), r.read(part).shorts());
        }
        try (VolumeReader local = Volumes.open(contiguous, "/aff"); VolumeReader r = Volumes.open(s3(contiguous), "/aff")) {
            assertEquals(null, r.info().chunks());
            assertArrayEquals(local.readAll().floats(), r.readAll().floats());
            Box part = new Box(new int[] {1, 1, 7}, new int[] {2, 3, 29});
            assertArrayEquals(local.read(part).floats(), r.read(part).floats());
        }
    }

    @Test
    void aFileKeyIsStampedForResumeLikeAPrefix() throws Exception {
        String one = S3ChunkStore.parse("s3://hdf5/vol/slabs.h5").stamp();
        assertTrue(one.startsWith("1 objects, " + Files.size(slabs) + " bytes, listing "), one);
        assertEquals(one, S3ChunkStore.parse("s3://hdf5/vol/slabs.h5").stamp());
        String all = S3ChunkStore.parse("s3://hdf5/vol").stamp();
        assertTrue(all.startsWith("3 objects, " + (Files.size(chunked) + Files.size(slabs) + Files.size(contiguous)) + " bytes"), all);
        BasinException none = assertThrows(BasinException.class, () -> S3ChunkStore.parse("s3://hdf5/vol/slabs").stamp());
        assertEquals("s3://hdf5/vol/slabs: no objects under this prefix", none.getMessage());
    }

    @Test
    void aMissingKeyOrBucketIsAnIoErrorNamingThemAndOtherBytesAreBadInput() {
        BasinException key = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://hdf5/vol/none.h5"), null));
        assertEquals(ExitCode.IO_FAILURE, key.exitCode());
        assertEquals("s3://hdf5/vol/none.h5: no such key 'vol/none.h5' in bucket 'hdf5'", key.getMessage());

        BasinException bucket = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://no-such-bucket/raw.h5"), null));
        assertEquals(ExitCode.IO_FAILURE, bucket.exitCode());
        assertEquals("s3://no-such-bucket/raw.h5: no such bucket 'no-such-bucket'", bucket.getMessage());

        S3ChunkStore.parse("s3://hdf5/other").put("text.h5", "not an HDF5 file at all".getBytes(StandardCharsets.UTF_8));
        BasinException text = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://hdf5/other/text.h5"), null));
        assertEquals(ExitCode.BAD_INPUT, text.exitCode());
        assertTrue(text.getMessage().startsWith("s3://hdf5/other/text.h5: not a readable HDF5 file"), text.getMessage());

        BasinException none = assertThrows(BasinException.class, () -> Volumes.open(s3(chunked), "/labels"));
        assertEquals(ExitCode.BAD_ARGUMENTS, none.exitCode());
        assertEquals("s3://hdf5/vol/chunked.h5: no dataset '/labels'; the file holds [/raw]", none.getMessage());
    }
}
