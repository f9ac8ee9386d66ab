package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.io.Hdf5Files;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values out of bounds are usage or data errors naming the option and value, not internal errors or silent results. */
class ValueBoundsCliTest {
    @TempDir
    Path dir;

    private Path raw(DType dtype, double lo, double hi, String name) {
        Block b = Block.allocate(dtype, Box.ofShape(new int[] {6, 8, 8}));
        for (int i = 0; i < b.length(); i++) {
            b.setDouble(i, lo + (hi - lo) * ((i * 7919L) % 101) / 100.0);
        }
        Path f = dir.resolve(name);
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("raw", b)), false);
        return f;
    }

    @Test
    void inferRefusesAWindowThatIsNotNumbersAndASigmaOutOfBounds() {
        Path f = raw(DType.UINT8, 0, 255, "raw.h5");
        Path out = dir.resolve("aff.h5");
        CliTest.Run w = CliTest.run("infer", "--input", f.toString(), "--window", "abc,def", "--output", out.toString());
        assertEquals(2, w.code(), w.err());
        assertTrue(w.err().contains("--window 'abc,def': low and high must be numbers"), w.err());
        assertFalse(w.err().contains("internal error"), w.err());
        CliTest.Run neg = CliTest.run("infer", "--input", f.toString(), "--sigma", "-1", "--output", out.toString());
        assertEquals(2, neg.code(), neg.err());
        assertTrue(neg.err().contains("option '--sigma': '-1': -1.0 is not a sigma from 0 to 32 voxels"), neg.err());
        CliTest.Run huge = CliTest.run("infer", "--input", f.toString(), "--sigma", "1e6", "--output", out.toString());
        assertEquals(2, huge.code(), huge.err());
        assertTrue(huge.err().contains("option '--sigma': '1e6': 1000000.0 is not a sigma from 0 to 32 voxels"), huge.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void inferAndChopRefuseAVoxelSizeNotAboveZero() {
        Path f = raw(DType.UINT8, 0, 255, "raw.h5");
        CliTest.Run i = CliTest.run("infer", "--input", f.toString(), "--voxel-size", "4,4,0", "--output", dir.resolve("a.h5").toString());
        assertEquals(2, i.code(), i.err());
        assertTrue(i.err().contains("option '--voxel-size': '4,4,0': 0 is not a size"), i.err());
        CliTest.Run c = CliTest.run("chop", "--input", f.toString(), "--chunk", "4", "--voxel-size", "-4", "--out-dir", dir.resolve("c").toString());
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().contains("option '--voxel-size': '-4': -4 is not a size"), c.err());
    }

    @Test
    void aZarrChunkOfZeroIsRefused() {
        CliTest.Run r = CliTest.run("stitch", dir.toString(), "--zarr-chunk", "0,32,32", "--output", dir.resolve("s.zarr").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("option '--zarr-chunk': '0,32,32': 0 is not a size; each of x,y,z must be at least 1"), r.err());
        CliTest.Run m = CliTest.run("merge", dir.toString(), "--zarr-chunk", "32,-1,32", "--output", dir.resolve("m.zarr").toString());
        assertEquals(2, m.code(), m.err());
        assertTrue(m.err().contains("-1 is not a size"), m.err());
    }

    @Test
    void theDefaultWindowOfWideIntegersIsTheirRangeAndFloatGreyLevelsPastOneWarn() throws Exception {
        Path u32 = raw(DType.UINT32, 1e9, 3e9, "u32.h5");
        Path out = dir.resolve("aff32.h5");
        CliTest.Run r = CliTest.run("infer", "--input", u32.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        float[] aff;
        try (VolumeReader a = Volumes.open(out, null)) {
            aff = a.readAll().floats();
        }
        long between = 0;
        for (float v : aff) {
            between += v > 0.05 && v < 0.95 ? 1 : 0;
        }
        assertTrue(between > aff.length / 2, "uint32 grey levels 1e9..3e9 in the window 0..2^32-1, not saturated at 1: " + between);

        Path f32 = raw(DType.FLOAT32, 0, 255, "f32.h5");
        CliTest.Run f = CliTest.run("infer", "--input", f32.toString(), "--output", dir.resolve("affF.h5").toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.err().contains("warning: " + f32 + ":raw: float grey levels up to 255.0, but the default window for floats is 0,1"), f.err());
    }

    @Test
    void watershedWarnsOfAffinitiesOutsideZeroToOne() {
        Block aff = Block.allocate(DType.FLOAT32, 3, Box.ofShape(new int[] {4, 5, 6}));
        java.util.Arrays.fill(aff.floats(), 0.9f);
        aff.floats()[7] = 4.5f;
        aff.floats()[8] = -2f;
        Path f = dir.resolve("logits.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("affinities", aff)), false);
        CliTest.Run r = CliTest.run("watershed", "--input", f.toString(), "--output", dir.resolve("w.h5").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: " + f + ":affinities: 2 affinities outside [0, 1], the first 4.5 (channel 0, voxel x,y,z 1,1,0"), r.err());
    }
}
