package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
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
}
