package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TIFF stacks read from S3 (s3proxy on 127.0.0.1): a prefix of .tif slices and a multi-page .tif key give the voxels
 * of their local copies; opening reads each slice's first 64 KiB block, a region each slice it meets up to its last row.
 */
class S3TiffTest {
    @TempDir
    static Path serverDir;
    @TempDir
    static Path dir;

    static S3TestServer server;
    static Path slices;
    static Path multi;

    private static final int W = 1024;
    private static final int H = 768;
    private static final int DEPTH = 12;

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(serverDir);
        server.createBucket("tiff");
        S3Connection.configure(server.settings());
        slices = Files.createDirectory(dir.resolve("slices"));
        S3ChunkStore prefix = S3ChunkStore.parse("s3://tiff/slices");
        // slices in strips of a few rows (the JDK's TIFF writer: ~8 KB a strip), as EM slices are mostly written; the
        // multi-page stack in the other writer's one strip a page
        for (int z = 1; z <= DEPTH; z++) {
            Path p = slices.resolve("s_" + z + ".tif"); // natural order: s_2 before s_10
            ImageWriter w = jdkWriter();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
                w.setOutput(out);
                w.write(null, new IIOImage(slice(z, W, H), null, null), null);
            } finally {
                w.dispose();
            }
            prefix.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        prefix.put("notes.txt", "not a slice".getBytes(StandardCharsets.UTF_8));
        multi = dir.resolve("stack.tif");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(multi.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int z = 0; z < 5; z++) {
                writer.writeToSequence(new IIOImage(slice(z, 300, 200), null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        S3ChunkStore.parse("s3://tiff").put("stack.tif", Files.readAllBytes(multi));
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

    /** The JDK's own TIFF writer (imageio-tiff's, first on the class path, writes one strip a page). */
    private static ImageWriter jdkWriter() {
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("tiff"); it.hasNext();) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.sun.imageio")) {
                return w;
            }
            w.dispose();
        }
        throw new IllegalStateException("no JDK TIFF writer");
    }

    private static BufferedImage slice(int z, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        short[] px = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) (z * 1031 + i * 7);
        }
        return img;
    }

    @Test
    void aPrefixOfSlicesReadsAsTheFolderAndARegionFetchesLittleOfEachSlice() throws Exception {
        long sliceBytes = Files.size(slices.resolve("s_1.tif"));
        S3Connection.Counts before = S3Connection.counts();
        try (VolumeReader local = Volumes.open(slices, null); VolumeReader r = Volumes.open(Path.of("s3://tiff/slices"), null)) {
            S3Connection.Counts opened = S3Connection.counts();
            assertEquals("tiff", r.info().format());
            assertEquals("s3://tiff/slices", r.info().path());
            assertEquals(DType.UINT16, r.info().dtype());
            assertArrayEquals(new int[] {DEPTH, H, W}, r.info().shape());
            assertEquals(1, opened.lists() - before.lists(), opened.toString());
            Box box = new Box(new int[] {2, 300, 400}, new int[] {5, 364, 464});
            S3Connection.Counts at = S3Connection.counts();
            short[] got = r.read(box).shorts();
            S3Connection.Counts read = S3Connection.counts();
            assertArrayEquals(local.read(box).shorts(), got);
            long gets = read.gets() - at.gets();
            long bytes = read.bytesRead() - at.bytesRead();
            System.out.printf("s3 TIFF: open %s; 64^2 x 3 region %d GET (%d bytes); a slice is %d bytes%n", opened, gets, bytes, sliceBytes);
            // opening read one 64 KiB block of each slice (its header and directory); the region each of its 3 slices
            // from the start to row 364 of 768 (imageio-tiff decodes a page's strips in order), in runs of 1, 2, 4, 8 blocks
            assertEquals(1 + DEPTH, opened.gets() - before.gets(), opened.toString()); // .zarray's GET (404), then the slices
            assertEquals(DEPTH * TiffStackReader.S3_BLOCK, opened.bytesRead() - before.bytesRead(), opened.toString());
            assertEquals(5, opened.heads() - before.heads(), opened.toString()); // .zgroup, zarr.json, attributes.json, info, ../info
            assertEquals(15, gets, read.toString());
            assertEquals(3 * 16 * TiffStackReader.S3_BLOCK, bytes, read.toString());
            assertTrue(bytes < 3 * sliceBytes, bytes + " bytes for 64 x 64 pixels of 3 slices of " + sliceBytes + " bytes each");
            Box across = new Box(new int[] {0, 0, 1000}, new int[] {DEPTH, H, W});
            assertArrayEquals(local.read(across).shorts(), r.read(across).shorts());
        }
    }

    @Test
    void aMultiPageKeyReadsAsTheFile() {
        try (VolumeReader local = Volumes.open(multi, null); VolumeReader r = Volumes.open(Path.of("s3://tiff/stack.tif"), null)) {
            assertArrayEquals(new int[] {5, 200, 300}, r.info().shape());
            assertArrayEquals(local.readAll().shorts(), r.readAll().shorts());
            Box box = new Box(new int[] {1, 17, 33}, new int[] {4, 150, 299});
            assertArrayEquals(local.read(box).shorts(), r.read(box).shorts());
        }
    }

    @Test
    void aMissingKeyIsAnIoErrorNamingItAndOtherBytesAreBadInput() {
        BasinException key = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://tiff/none.tif"), null));
        assertEquals(ExitCode.IO_FAILURE, key.exitCode());
        assertEquals("s3://tiff/none.tif: no such key 'none.tif' in bucket 'tiff'", key.getMessage());
        S3ChunkStore.parse("s3://tiff").put("text.tif", "no TIFF".getBytes(StandardCharsets.UTF_8));
        BasinException text = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://tiff/text.tif"), null));
        assertEquals(ExitCode.BAD_INPUT, text.exitCode());
        assertEquals("s3://tiff/text.tif: not a TIFF file", text.getMessage());
        BasinException none = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://tiff/empty"), null));
        assertEquals(ExitCode.BAD_ARGUMENTS, none.exitCode());
        assertEquals(List.of(), TiffStackReader.sliceKeys(S3ChunkStore.parse("s3://tiff/empty")));
    }
}
