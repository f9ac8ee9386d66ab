package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TiffStackReaderTest {
    @TempDir
    Path dir;

    private static BufferedImage slice(int z, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (z * 31 + i * 7);
        }
        return img;
    }

    @Test
    void multiPageFileAndFolderOfSlicesReadTheSameVoxels() throws Exception {
        int depth = 5;
        int w = 9;
        int h = 6;
        Path multi = dir.resolve("stack.tif");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(multi.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int z = 0; z < depth; z++) {
                writer.writeToSequence(new IIOImage(slice(z, w, h), null, null), null);
            }
            writer.endWriteSequence();
        }
        Path folder = Files.createDirectory(dir.resolve("slices"));
        for (int z = 0; z < depth; z++) {
            ImageIO.write(slice(z, w, h), "tiff", folder.resolve(String.format("z%03d.tif", z)).toFile());
        }
        Box region = new Box(new int[] {1, 2, 3}, new int[] {4, 6, 9});
        byte[] expected = new byte[(int) region.voxels()];
        int i = 0;
        for (int z = 1; z < 4; z++) {
            for (int y = 2; y < 6; y++) {
                for (int x = 3; x < 9; x++) {
                    expected[i++] = (byte) (z * 31 + (y * w + x) * 7);
                }
            }
        }
        for (Path p : new Path[] {multi, folder}) {
            try (VolumeReader r = Volumes.open(p, null)) {
                assertEquals(DType.UINT8, r.info().dtype());
                assertArrayEquals(new int[] {depth, h, w}, r.info().shape());
                Block b = r.read(region);
                assertArrayEquals(expected, b.bytes(), p.toString());
            }
        }
    }

    @Test
    void slicesAreReadInNaturalNumericOrder() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("natural"));
        int[] numbers = {1, 2, 3, 9, 10, 11, 20, 100};
        for (int z = 0; z < numbers.length; z++) {
            ImageIO.write(slice(z, 4, 3), "tiff", folder.resolve("s_" + numbers[z] + ".tif").toFile());
        }
        try (VolumeReader r = Volumes.open(folder, null)) {
            Block b = r.readAll();
            for (int z = 0; z < numbers.length; z++) {
                assertEquals((byte) (z * 31), b.bytes()[z * 12], "slice s_" + numbers[z] + ".tif at z " + z);
            }
        }
        List<String> names = new ArrayList<>(List.of("b10.tif", "a2.tif", "b9.tif", "b09x.tif", "a10.tif", "b009.tif", "B1.tif"));
        names.sort(TiffStackReader.NATURAL);
        assertEquals(List.of("B1.tif", "a2.tif", "a10.tif", "b009.tif", "b9.tif", "b09x.tif", "b10.tif"), names);
    }

    @Test
    void aSliceOfAnotherSizeIsBadInputNamingIt() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("sizes"));
        for (int z = 0; z < 4; z++) {
            ImageIO.write(slice(z, 9, z == 2 ? 7 : 6), "tiff", folder.resolve("z" + z + ".tif").toFile());
        }
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(folder, null).close());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals(3, e.exitCode().code());
        assertTrue(e.getMessage().contains(folder.resolve("z2.tif") + ": slice is 9x7 (x,y) uint8, but " + folder.resolve("z0.tif")
                + " is 9x6 uint8"), e.getMessage());
    }

    @Test
    void aSliceOfAnotherDtypeIsBadInputNamingIt() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("dtypes"));
        for (int z = 0; z < 3; z++) {
            BufferedImage img = z == 1 ? new BufferedImage(9, 6, BufferedImage.TYPE_USHORT_GRAY) : slice(z, 9, 6);
            ImageIO.write(img, "tiff", folder.resolve("z" + z + ".tif").toFile());
        }
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(folder, null).close());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(folder.resolve("z1.tif") + ": slice is 9x6 (x,y) uint16, but " + folder.resolve("z0.tif")
                + " is 9x6 uint8"), e.getMessage());
    }
}
