package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What Volumes.open says of folders that hold no volume it reads: what the folder looks like and what it looked for. */
class VolumesTest {
    @TempDir
    Path dir;

    private static BasinException refused(Path p, String dataset) {
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(p, dataset).close());
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode(), e.getMessage());
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("folder holds no .tif/.tiff slices") || e.getMessage().contains(".zarray"), e.getMessage());
        return e;
    }

    @Test
    void aZarrGroupWithoutZgroupListsItsArraysAndOpensTheOneNamed() {
        Path g = dir.resolve("g.zarr");
        ZarrArray.create(g.resolve("raw"), DType.UINT8, 0, new int[] {2, 2, 2}, new int[] {2, 2, 2}, ZarrCodec.NONE, ".", Map.of());
        ZarrArray.create(g.resolve("labels"), DType.UINT64, 0, new int[] {2, 2, 2}, new int[] {2, 2, 2}, ZarrCodec.NONE, ".", Map.of());
        BasinException e = refused(g, null);
        assertTrue(e.getMessage().contains("a Zarr group without .zgroup holding the arrays [labels, raw]; name one with --dataset"), e.getMessage());
        try (VolumeReader r = Volumes.open(g, "/labels")) {
            assertEquals(DType.UINT64, r.info().dtype());
        }
    }

    @Test
    void anEmptyFolderSaysWhatWasLookedFor() throws Exception {
        Path p = Files.createDirectories(dir.resolve("empty"));
        BasinException e = refused(p, null);
        assertEquals(p + ": no volume basin reads (looked for .zarray, .zgroup, zarr.json, attributes.json, info and .tif/.tiff slices)",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"[\"4\", 4, 40]; attribute voxel_size [\"4\", 4, 40] is not three numbers (z, y, x)",
        "[40, 0, 4]; attribute voxel_size [40.0, 0.0, 4.0] (z, y, x) has a size that is not above 0",
        "[40, 4, -4]; attribute voxel_size [40.0, 4.0, -4.0] (z, y, x) has a size that is not above 0"})
    void aVoxelSizeAttributeThatIsNoSizeIsBadInputNamingTheFile(String value, String message) throws Exception {
        Path a = dir.resolve("a.zarr");
        ZarrArray.create(a, DType.UINT8, 0, new int[] {2, 2, 2}, new int[] {2, 2, 2}, ZarrCodec.NONE, ".", Map.of());
        Files.writeString(a.resolve(".zattrs"), "{\"voxel_size\": " + value + "}");
        try (VolumeReader r = Volumes.open(a, null)) {
            BasinException e = assertThrows(BasinException.class, () -> r.info().voxelSize());
            assertEquals(ExitCode.BAD_INPUT, e.exitCode());
            assertEquals(a + ": " + message, e.getMessage());
        }
    }
}
