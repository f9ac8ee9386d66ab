package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The voxel size stored in inputs: a CREMI-style HDF5 resolution, an OME-Zarr group's scale of the array. */
class VoxelSizeTest {
    @TempDir
    Path dir;

    @Test
    void aCremiResolutionAttributeIsTheVoxelSize() {
        Path f = dir.resolve("cremi.h5");
        Block b = Block.allocate(DType.UINT8, Box.ofShape(new int[] {2, 3, 4}));
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("volumes/raw", b, Map.of("resolution", new double[] {40, 4, 4}))), false);
        try (VolumeReader r = Volumes.open(f, "volumes/raw")) {
            assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize());
            assertEquals("resolution", r.info().voxelSizeAttribute());
        }
        Path plain = dir.resolve("plain.h5");
        Hdf5Files.write(plain, Map.of(), List.of(Hdf5Files.Entry.of("raw", b)), false);
        try (VolumeReader r = Volumes.open(plain, null)) {
            assertNull(r.info().voxelSize());
        }
    }

    @Test
    void anOmeZarrScaleIsTheVoxelSizeInNanometres() throws Exception {
        Path g = dir.resolve("em.zarr");
        ZarrArray.create(g.resolve("s1"), DType.UINT8, 0, new int[] {2, 3, 4}, new int[] {2, 3, 4}, ZarrCodec.NONE, "/", Map.of());
        ZarrArray.create(g.resolve("s0"), DType.UINT8, 0, new int[] {4, 6, 8}, new int[] {2, 3, 4}, ZarrCodec.NONE, "/", Map.of());
        Files.writeString(g.resolve(".zgroup"), "{\"zarr_format\": 2}");
        Files.writeString(g.resolve(".zattrs"), """
                {"multiscales": [{"version": "0.4", "axes": [{"name": "z", "type": "space", "unit": "micrometer"},
                  {"name": "y", "type": "space", "unit": "micrometer"}, {"name": "x", "type": "space", "unit": "micrometer"}],
                  "datasets": [{"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [0.04, 0.004, 0.004]}]},
                               {"path": "s1", "coordinateTransformations": [{"type": "scale", "scale": [0.08, 0.008, 0.008]}]}]}]}
                """);
        try (VolumeReader r = Volumes.open(g, null)) {
            assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize(), 1e-9);
            assertEquals(VolumeInfo.OME_SCALE, r.info().voxelSizeAttribute());
        }
        try (VolumeReader r = Volumes.open(g, "s1")) {
            assertArrayEquals(new double[] {80, 8, 8}, r.info().voxelSize(), 1e-9);
        }
        try (VolumeReader r = Volumes.open(g.resolve("s1"), null)) {
            assertArrayEquals(new double[] {80, 8, 8}, r.info().voxelSize(), 1e-9, "the array's folder opened directly");
        }
    }

    @Test
    void anImageJStacksSpacingIsTheVoxelSize() throws Exception {
        Path f = dir.resolve("stack.tif");
        Files.write(f, imageJTiff(4, 3, 2, "ImageJ=1.54f\nimages=2\nslices=2\nunit=micron\nspacing=0.04\n", 250, 1));
        try (VolumeReader r = Volumes.open(f, null)) {
            assertArrayEquals(new int[] {2, 3, 4}, r.info().shape());
            assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize(), 1e-9);
            assertEquals(VolumeInfo.IMAGEJ_SPACING, r.info().voxelSizeAttribute());
        }
        Path plain = dir.resolve("plain.tif");
        Files.write(plain, imageJTiff(4, 3, 2, "not ImageJ", 72, 1));
        try (VolumeReader r = Volumes.open(plain, null)) {
            assertNull(r.info().voxelSize());
        }
    }

    /** A little-endian uint8 TIFF of {@code pages} pages, each with the description and X/YResolution num/den. */
    static byte[] imageJTiff(int w, int h, int pages, String description, int num, int den) {
        byte[] desc = (description + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int entries = 12;
        int ifdSize = 2 + entries * 12 + 4;
        int pageSize = ifdSize + desc.length + 16 + w * h;
        ByteBuffer b = ByteBuffer.allocate(8 + pages * pageSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        for (int p = 0; p < pages; p++) {
            int ifd = 8 + p * pageSize;
            int descAt = ifd + ifdSize;
            int resAt = descAt + desc.length;
            int dataAt = resAt + 16;
            b.position(ifd);
            b.putShort((short) entries);
            int[][] tags = {{256, 3, 1, w}, {257, 3, 1, h}, {258, 3, 1, 8}, {259, 3, 1, 1}, {262, 3, 1, 1}, {270, 2, desc.length, descAt},
                {273, 4, 1, dataAt}, {277, 3, 1, 1}, {278, 3, 1, h}, {279, 4, 1, w * h}, {282, 5, 1, resAt}, {283, 5, 1, resAt + 8}};
            for (int[] t : tags) {
                b.putShort((short) t[0]).putShort((short) t[1]).putInt(t[2]);
                if (t[1] == 3) {
                    b.putShort((short) t[3]).putShort((short) 0);
                } else {
                    b.putInt(t[3]);
                }
            }
            b.putInt(p + 1 < pages ? ifd + pageSize : 0);
            b.put(desc);
            b.putInt(num).putInt(den).putInt(num).putInt(den);
            for (int i = 0; i < w * h; i++) {
                b.put((byte) (i + p));
            }
        }
        return b.array();
    }
}
