package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    void largeDatasetsAreWrittenContiguousAndReadBackExactly() {
        Block vol = ZarrArrayTest.pattern(DType.UINT8, 0, Box.ofShape(new int[] {300, 200, 200}));
        Block aff = ZarrArrayTest.pattern(DType.UINT32, 3, Box.ofShape(new int[] {40, 130, 140}));
        Path f = dir.resolve("whole.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("vol", vol), Hdf5Files.Entry.of("aff", aff)), false);
        try (VolumeReader r = Volumes.open(f, "vol")) {
            assertEquals(null, r.info().chunks()); // basin's own writer: contiguous, written in a few large writes
            assertArrayEquals(vol.bytes(), r.readAll().bytes());
            Box region = new Box(new int[] {200, 5, 0}, new int[] {220, 9, 200});
            assertArrayEquals(vol.crop(region).bytes(), r.read(region).bytes());
        }
        try (VolumeReader r = Volumes.open(f, "aff")) {
            assertArrayEquals(aff.ints(), r.readAll().ints());
        }
    }

    @Test
    void slabChunksFromJhdfAreReadBackExactly() {
        // an attribute kind basin's writer leaves to jhdf: then large datasets are slab chunks of at most 8 MiB,
        // several along the first axis, the last one partial
        Block vol = ZarrArrayTest.pattern(DType.UINT8, 0, Box.ofShape(new int[] {300, 200, 200}));
        Block aff = ZarrArrayTest.pattern(DType.UINT32, 3, Box.ofShape(new int[] {40, 130, 140}));
        Path f = dir.resolve("slabs.h5");
        Map<String, Object> attrs = Map.of("names", new String[] {"a", "b"});
        Hdf5Files.write(f, attrs, List.of(Hdf5Files.Entry.of("vol", vol), Hdf5Files.Entry.of("aff", aff)), false);
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
    void everyAttributeKindAndTableRoundTrips() {
        Map<String, Object> attrs = new java.util.LinkedHashMap<>();
        attrs.put("text", "zyx \u00e9");
        attrs.put("int", -7);
        attrs.put("long", 1L << 40);
        attrs.put("float", 0.25f);
        attrs.put("double", -1.5e-3);
        attrs.put("ints", new int[] {3, -1, Integer.MAX_VALUE});
        attrs.put("longs", new long[] {Long.MIN_VALUE, 0, 9});
        attrs.put("floats", new float[] {1.5f, Float.MIN_VALUE});
        attrs.put("doubles", new double[] {40, 4, 4});
        attrs.put("bytes", new byte[] {-1, 0, 1});
        Path f = dir.resolve("kinds.h5");
        List<Hdf5Files.Entry> tables = List.of(
                Hdf5Files.Entry.table("sizes", DType.UINT64, new int[] {4}, new long[] {0, 5, -1L, 1L << 50}),
                Hdf5Files.Entry.table("graph/ids", DType.UINT64, new int[] {2, 2}, new long[] {1, 2, 2, 3}),
                Hdf5Files.Entry.table("graph/affinity", DType.FLOAT32, new int[] {2}, new float[] {0.5f, Float.NaN}),
                Hdf5Files.Entry.table("faces/deep/crossings", DType.INT32, new int[] {1, 2}, new int[] {-4, 5}),
                Hdf5Files.Entry.table("frozen", DType.UINT8, new int[] {3}, new byte[] {0, 1, (byte) 255}),
                Hdf5Files.Entry.table("u16", DType.UINT16, new int[] {2}, new short[] {(short) 65535, 1}),
                Hdf5Files.Entry.table("f64", DType.FLOAT64, new int[] {1, 1, 2}, new double[] {Math.PI, -0.0}));
        Hdf5Files.write(f, attrs, tables, false);
        Map<String, Object> back = Hdf5Files.readAttributes(f);
        assertEquals(attrs.keySet(), back.keySet());
        assertEquals("zyx \u00e9", back.get("text"));
        assertEquals(-7, ((Number) back.get("int")).intValue());
        assertEquals(1L << 40, ((Number) back.get("long")).longValue());
        assertEquals(0.25f, ((Number) back.get("float")).floatValue());
        assertEquals(-1.5e-3, ((Number) back.get("double")).doubleValue());
        assertArrayEquals(new int[] {3, -1, Integer.MAX_VALUE}, (int[]) back.get("ints"));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, 9}, (long[]) back.get("longs"));
        assertArrayEquals(new float[] {1.5f, Float.MIN_VALUE}, (float[]) back.get("floats"));
        assertArrayEquals(new double[] {40, 4, 4}, (double[]) back.get("doubles"));
        assertArrayEquals(new byte[] {-1, 0, 1}, (byte[]) back.get("bytes"));
        assertArrayEquals(new long[] {0, 5, -1L, 1L << 50}, Hdf5Files.readTable(f, "sizes").longs());
        Map<String, Hdf5Files.Table> t = Hdf5Files.readTables(f, List.of("graph/ids", "graph/affinity", "faces/deep/crossings", "frozen", "u16", "f64"));
        assertArrayEquals(new int[] {2, 2}, t.get("graph/ids").shape());
        assertArrayEquals(new long[] {1, 2, 2, 3}, t.get("graph/ids").longs());
        assertArrayEquals(new float[] {0.5f, Float.NaN}, t.get("graph/affinity").floats());
        assertArrayEquals(new int[] {-4, 5}, t.get("faces/deep/crossings").ints());
        assertEquals(DType.UINT8, t.get("frozen").dtype());
        assertArrayEquals(new byte[] {0, 1, (byte) 255}, t.get("frozen").bytes());
        assertEquals(DType.UINT16, t.get("u16").dtype());
        assertArrayEquals(new short[] {(short) 65535, 1}, (short[]) t.get("u16").data());
        assertArrayEquals(new double[] {Math.PI, -0.0}, (double[]) t.get("f64").data());
    }

    @Test
    void aWholeReadGoesIntoASpareArrayOfItsTypeAndLength() {
        Block aff = ZarrArrayTest.pattern(DType.FLOAT32, 3, Box.ofShape(new int[] {5, 6, 7}));
        Path f = dir.resolve("s.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("aff", aff)), false);
        float[] spare = new float[3 * 5 * 6 * 7];
        java.util.Arrays.fill(spare, Float.NaN); // every element must be overwritten
        int[] asked = new int[1];
        try (Hdf5VolumeReader r = Hdf5VolumeReader.open(f, "aff")) {
            Block b = r.readAll(n -> {
                asked[0] = n;
                return spare;
            });
            assertTrue(b.data() == spare, "read into the spare array");
            assertArrayEquals(aff.floats(), b.floats());
            assertEquals(spare.length, asked[0]);
            Block wrongLength = r.readAll(n -> new float[n + 1]);
            assertArrayEquals(aff.floats(), wrongLength.floats());
            Block wrongType = r.readAll(n -> new int[n]);
            assertArrayEquals(aff.floats(), wrongType.floats());
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

    /** A chunk-like file (labels, then tables) cut inside its last dataset: every read of it is exit 3 naming file and dataset. */
    @ParameterizedTest
    @CsvSource({"false,100", "false,3000", "true,100"})
    void fileCutInsideItsLastDatasetIsBadInputNamingFileAndDataset(boolean attributesForJhdf, int cut) throws Exception {
        Path f = dir.resolve("chunk_0_0_0.h5");
        Block labels = ZarrArrayTest.pattern(DType.UINT64, 0, Box.ofShape(new int[] {8, 8, 8}));
        long[] edges = new long[2000];
        float[] weights = new float[1000];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = i * 7L + 1;
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i / 3f;
        }
        // a String[] attribute sends the file through jhdf's writer (slab-chunked tables), else basin's (contiguous)
        Map<String, Object> attrs = attributesForJhdf ? Map.of("names", new String[] {"a", "b"}) : Map.of("grid_position", new int[] {0, 0, 0});
        Hdf5Files.write(f, attrs, List.of(Hdf5Files.Entry.of("labels", labels),
                Hdf5Files.Entry.table("edges", DType.INT64, new int[] {1000, 2}, edges),
                Hdf5Files.Entry.table("weights", DType.FLOAT32, new int[] {1000}, weights)), false);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - cut));
        for (String name : new String[] {"weights", "edges"}) {
            BasinException e = assertThrows(BasinException.class, () -> Hdf5Files.readTables(f, List.of(name)), name);
            assertEquals(ExitCode.BAD_INPUT, e.exitCode());
            assertEquals(3, e.exitCode().code());
            assertTrue(e.getMessage().contains("chunk_0_0_0.h5") && e.getMessage().contains("'" + name + "'")
                    && e.getMessage().contains("truncated"), e.getMessage());
        }
        BasinException v = assertThrows(BasinException.class, () -> {
            try (VolumeReader r = Volumes.open(f, "labels")) {
                r.readAll();
            }
        });
        assertEquals(ExitCode.BAD_INPUT, v.exitCode());
        assertTrue(v.getMessage().contains("chunk_0_0_0.h5") && v.getMessage().contains("labels") && v.getMessage().contains("truncated"),
                v.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void aWriteThatCannotStartNamesTheOutputAndTheReasonNotTheTemporaryName(boolean attributesForJhdf) throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.txt"), "a file, not a folder");
        Path f = plain.resolve("x.h5");
        Map<String, Object> attrs = attributesForJhdf ? Map.of("names", new String[] {"a"}) : Map.of();
        BasinException e = assertThrows(BasinException.class, () -> Hdf5Files.write(f, attrs,
                List.of(Hdf5Files.Entry.of("raw", Block.allocate(DType.UINT8, Box.ofShape(new int[] {2, 2, 2})))), false));
        assertEquals(ExitCode.IO_FAILURE, e.exitCode());
        assertEquals(4, e.exitCode().code());
        assertEquals(f + ": cannot write HDF5 file in " + plain + " (Not a directory)", e.getMessage());
    }

    @Test
    void ioErrorsGiveReasonsNotTemporaryNames() {
        Path tmp = dir.resolve(".x.h5.partial-1");
        assertEquals("permission denied", IoErrors.reason(new AccessDeniedException(tmp.toString())));
        assertEquals("No space left on device", IoErrors.reason(new RuntimeException(new FileSystemException(tmp.toString(), null,
                "No space left on device"))));
        assertEquals("no such file or folder", IoErrors.reason(new NoSuchFileException(tmp.toString())));
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
