package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.basin.io.Hdf5Files;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.stitch.ChunkedWatershed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunked path through the real tools and files (chop --halo 2, watershed per chunk, stitch) == one watershed of the whole volume. */
class ChunkedWatershedCliTest {
    @TempDir
    Path dir;

    static long[] labels(Path p, String dataset) {
        try (VolumeReader r = Volumes.open(p, dataset)) {
            return r.readAll().convert(org.basin.volume.DType.UINT64).longs();
        }
    }

    @Test
    void stitchedChunksEqualTheWholeVolumeWatershed() throws Exception {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, CliTest.run("phantom", "--shape", "48,40,20", "--cell-size", "14", "--output", raw.toString()).code());
        Path aff = dir.resolve("aff.h5");
        assertEquals(0, CliTest.run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
        String[] thresholds = {"--t-low", "0.1", "--t-size", "300", "--t-dust", "20"};
        Path whole = dir.resolve("whole.h5");
        CliTest.Run w = CliTest.run(concat(new String[] {"watershed", "--input", aff.toString(), "--output", whole.toString()}, thresholds));
        assertEquals(0, w.code(), w.err());
        long[] expected = labels(whole, "labels");
        int chunkings = 0;
        for (String chunk : new String[] {"16,16,8", "20,13,7", "48,40,3"}) {
            Path chunks = dir.resolve("c" + chunkings);
            Path out = dir.resolve("w" + chunkings);
            Files.createDirectories(out);
            CliTest.Run c = CliTest.run("chop", "--input", aff.toString(), "--chunk", chunk, "--halo", "2,2,2", "--out-dir", chunks.toString());
            assertEquals(0, c.code(), c.err());
            int files = 0;
            try (var list = Files.list(chunks)) {
                for (Path f : list.filter(p -> p.toString().endsWith(".h5")).sorted().toList()) {
                    CliTest.Run r = CliTest.run(concat(new String[] {"watershed", "--input", f.toString(), "--output",
                        out.resolve(f.getFileName()).toString()}, thresholds));
                    assertEquals(0, r.code(), r.err());
                    files++;
                }
            }
            assertTrue(files >= 7, chunk + ": " + files + " chunks");
            Path seg = dir.resolve("seg" + chunkings + ".zarr");
            CliTest.Run s = CliTest.run(concat(new String[] {"stitch", out.toString(), "--output", seg.toString(), "--tree",
                dir.resolve("tree" + chunkings + ".h5").toString()}, thresholds));
            assertEquals(0, s.code(), s.err());
            long[] got = labels(seg, null);
            ChunkedWatershed.assertSameUpToRenaming(expected, got, chunk);
            long count = ((Number) Hdf5Files.readAttributes(whole).get("segments")).longValue();
            assertTrue(s.err().contains("-> " + count + " segments"), s.err());
            chunkings++;
        }
    }

    @Test
    void aChunkWithoutTheTwoVoxelHaloIsRefused() throws Exception {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, CliTest.run("phantom", "--shape", "20,20,10", "--output", raw.toString()).code());
        Path aff = dir.resolve("aff.h5");
        assertEquals(0, CliTest.run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
        Path chunks = dir.resolve("c");
        assertEquals(0, CliTest.run("chop", "--input", aff.toString(), "--chunk", "10,10,10", "--overlap", "1,1,1", "--out-dir", chunks.toString()).code());
        Path out = dir.resolve("w.h5");
        CliTest.Run r = CliTest.run("watershed", "--input", chunks.resolve("chunk_0_0_0.h5").toString(), "--output", out.toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("chunk_0_0_0 reaches 0 below and 1 above its core on y; the watershed needs a halo of 2"), r.err());
        assertFalse(Files.exists(out));
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
