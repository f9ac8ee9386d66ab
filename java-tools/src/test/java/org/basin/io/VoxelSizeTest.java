package org.basin.io;

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
}
