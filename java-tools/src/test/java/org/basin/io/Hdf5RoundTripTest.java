package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Hdf5RoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"UINT8,true", "UINT8,false", "UINT32,true", "UINT64,true", "UINT64,false", "FLOAT32,true", "INT32,false"})
    void regionReadsAcrossChunkBorders(DType t, boolean deflate) {
        int[] shape = {70, 66, 67}; // larger than the 64^3 storage chunks: reads cross chunk borders
        Block all = ZarrArrayTest.pattern(t, 0, Box.ofShape(shape));
        Path f = dir.resolve("v.h5");
        Hdf5Files.write(f, Map.of("voxel_size", new double[] {40, 4, 4}), List.of(Hdf5Files.Entry.of("group/data", all)), deflate);
        try (VolumeReader r = Volumes.open(f, "/group/data")) {
            assertEquals(t, r.info().dtype());
            assertArrayEquals(shape, r.info().shape());
            assertArrayEquals(new double[] {40, 4, 4}, r.info().voxelSize());
            Box region = new Box(new int[] {60, 1, 62}, new int[] {70, 66, 66});
            Block got = r.read(region);
            assertArrayEquals(ByteCodec.encode(all.crop(region).data(), t), ByteCodec.encode(got.data(), t));
        }
    }

    @Test
    void largeDatasetsAreWrittenAsSlabChunksAndReadBackExactly() {
        // over 8 MiB: several slabs along the first axis, the last one partial
        Block vol = ZarrArrayTest.pattern(DType.UINT8, 0, Box.ofShape(new int[] {300, 200, 200}));
        Block aff = ZarrArrayTest.pattern(DType.UINT32, 3, Box.ofShape(new int[] {40, 130, 140}));
        Path f = dir.resolve("slabs.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("vol", vol), Hdf5Files.Entry.of("aff", aff)), false);
        try (VolumeReader r = Volumes.open(f, "vol")) {
            assertArrayEquals(new int[] {209, 200, 200}, r.info().chunks());
            assertArrayEquals(vol.bytes(), r.readAll().bytes());
            Box region = new Box(new int[] {200, 5, 0}, new int[] {220, 9, 200});
            assertArrayEquals(vol.crop(region).bytes(), r.read(region).bytes());
        }
        try (VolumeReader r = Volumes.open(f, "aff")) {
            assertArrayEquals(new int[] {2, 40, 130, 140}, r.info().chunks());
            assertArrayEquals(aff.ints(), r.readAll().ints());
        }
    }

    @Test
    void fourDimensionalFloatRoundTrip() {
        Block aff = ZarrArrayTest.pattern(DType.FLOAT32, 3, Box.ofShape(new int[] {5, 6, 7}));
        Path f = dir.resolve("a.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("affinities", aff)), true);
        try (VolumeReader r = Volumes.open(f, "affinities")) {
            assertEquals(3, r.info().channels());
            assertArrayEquals(aff.floats(), r.readAll().floats());
        }
    }

    @Test
    void missingDatasetListsWhatIsThere() {
        Path f = dir.resolve("m.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("raw", Block.allocate(DType.UINT8, Box.ofShape(new int[] {2, 2, 2})))), false);
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(f, "stack"));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertTrue(e.getMessage().contains("no dataset 'stack'") && e.getMessage().contains("/raw"), e.getMessage());
    }

    @Test
    void truncatedFileIsBadInput() throws Exception {
        Path f = dir.resolve("t.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("raw", ZarrArrayTest.pattern(DType.UINT8, 0, Box.ofShape(new int[] {40, 40, 40})))), true);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 3));
        BasinException e = assertThrows(BasinException.class, () -> {
            try (VolumeReader r = Volumes.open(f, "raw")) {
                r.readAll();
            }
        });
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("t.h5"), e.getMessage());
    }

    @Test
    void failedWriteLeavesNoFile() {
        Path f = dir.resolve("x.h5");
        Hdf5Files.Entry bad = new Hdf5Files.Entry("d", DType.UINT8, new int[] {2, 2, 2}, new String[8], Map.of());
        assertThrows(RuntimeException.class, () -> Hdf5Files.write(f, Map.of(), List.of(bad), false));
        assertFalse(Files.exists(f));
        assertEquals(0, dir.toFile().list().length, "no temporary file left: " + List.of(dir.toFile().list()));
    }
}
