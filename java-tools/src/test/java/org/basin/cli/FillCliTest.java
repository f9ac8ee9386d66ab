package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.basin.fill.SeededFill;
import org.basin.io.TaskTable;
import org.basin.io.VolumeOutput;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** basin fill through the command line: blocks with a halo write what one fill of the whole volume gives. */
class FillCliTest {
    @TempDir
    Path dir;

    static final int[] SHAPE = {12, 20, 24}; // z, y, x

    /** Cubes of 5 voxels in a lattice of 6 (membranes one voxel thick), some removed (background "dust"). */
    static long[] labels() {
        long[] out = new long[SHAPE[0] * SHAPE[1] * SHAPE[2]];
        for (int z = 0; z < SHAPE[0]; z++) {
            for (int y = 0; y < SHAPE[1]; y++) {
                for (int x = 0; x < SHAPE[2]; x++) {
                    if (z % 6 == 5 || y % 6 == 5 || x % 6 == 5) {
                        continue;
                    }
                    long id = 1 + (z / 6) * 100 + (y / 6) * 10 + x / 6;
                    out[(z * SHAPE[1] + y) * SHAPE[2] + x] = id % 7 == 0 ? 0 : id;
                }
            }
        }
        return out;
    }

    static Block read(Path p) {
        try (VolumeReader r = Volumes.open(p, null)) {
            return r.readAll();
        }
    }

    @Test
    void blocksEqualOneFillOfTheWholeVolume() {
        long[] labels = labels();
        int n = labels.length;
        float[] aff = new float[3 * n];
        Random rnd = new Random(5);
        for (int i = 0; i < aff.length; i++) {
            aff[i] = rnd.nextInt(5) / 4f;
        }
        Path seg = dir.resolve("segmentation.zarr");
        Path affs = dir.resolve("affinities.zarr");
        VolumeOutput.whole(seg, "segmentation", Block.of(labels, Box.ofShape(SHAPE)), new double[] {8, 8, 8}, Map.of("segments", 134L), false);
        VolumeOutput.whole(affs, "affinities", Block.wrap(DType.FLOAT32, 3, Box.ofShape(SHAPE), aff), new double[] {8, 8, 8}, Map.of(), false);

        long[] expected = labels.clone();
        long filled = SeededFill.fill(expected, aff, SHAPE, 3);
        long background = Arrays.stream(labels).filter(v -> v == 0).count();
        assertTrue(filled > 0 && filled < background, filled + " of " + background);

        // 2 x 2 x 1 blocks of 12 x 10 x 12 chunks (x, y, z), then one block over all
        Path blocked = dir.resolve("blocked.zarr");
        long sizes = 0;
        for (String block : List.of("0,0,0,0,0,0", "1,0,0,1,0,0", "0,1,0,0,1,0", "1,1,0,1,1,0")) {
            Path digests = dir.resolve(block + ".digest.tsv");
            Path segments = dir.resolve(block + ".segments.tsv");
            CliTest.Run r = CliTest.run("fill", "--segmentation", seg.toString(), "--affinities", affs.toString(), "--output", blocked.toString(),
                    "--chunk", "12,10,12", "--grid-block", block, "--distance", "3", "--digest-output", digests.toString(),
                    "--segment-sizes", segments.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("background voxels filled (distance 3)"), r.err());
            assertEquals(1, TaskTable.read(digests, "name", "digest").size());
            for (String v : TaskTable.read(segments, "voxels").column("voxels")) {
                sizes += Long.parseLong(v);
            }
        }
        assertArrayEquals(expected, read(blocked).longs());
        assertEquals(n - (background - filled), sizes, "the blocks' segment tables count every labelled voxel once");
        Path one = dir.resolve("one.zarr");
        CliTest.Run r = CliTest.run("fill", "--segmentation", seg.toString(), "--affinities", affs.toString(), "--output", one.toString(),
                "--chunk", "12,10,12", "--grid-block", "0,0,0,1,1,0", "--distance", "3");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(expected, read(one).longs());
        // the other store formats the pipeline writes: Zarr v3 sharded (a shard per block's chunk) and N5
        for (String[] f : new String[][] {{"zarr3", "blocked3.zarr"}, {"n5", "blocked.n5"}}) {
            Path out = dir.resolve(f[1]);
            for (String block : List.of("1,1,0,1,1,0", "0,0,0,0,0,0", "0,1,0,0,1,0", "1,0,0,1,0,0")) {
                CliTest.Run b = CliTest.run("fill", "--segmentation", seg.toString(), "--affinities", affs.toString(), "--output", out.toString(),
                        "--chunk", "12,10,12", "--grid-block", block, "--distance", "3", "--store-format", f[0]);
                assertEquals(0, b.code(), f[0] + ": " + b.err());
            }
            assertArrayEquals(expected, read(out).longs(), f[0]);
        }
    }

    @Test
    void badInputsAreNamedAndNothingIsWritten() {
        long[] labels = labels();
        Path seg = dir.resolve("segmentation.zarr");
        VolumeOutput.whole(seg, "segmentation", Block.of(labels, Box.ofShape(SHAPE)), new double[] {8, 8, 8}, Map.of(), false);
        Path small = dir.resolve("small.zarr");
        VolumeOutput.whole(small, "affinities", Block.allocate(DType.FLOAT32, 3, Box.ofShape(new int[] {12, 20, 23})), new double[] {8, 8, 8}, Map.of(), false);
        Path out = dir.resolve("out.zarr");
        CliTest.Run r = CliTest.run("fill", "--segmentation", seg.toString(), "--affinities", small.toString(), "--output", out.toString(),
                "--chunk", "12,10,12", "--grid-block", "0,0,0");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("[12, 20, 24] (z, y, x) but") && r.err().contains("small.zarr") && r.err().contains("[12, 20, 23]"), r.err());
        assertFalse(Files.exists(out));

        Path floats = dir.resolve("floats.zarr");
        VolumeOutput.whole(floats, "labels", Block.allocate(DType.FLOAT32, Box.ofShape(SHAPE)), new double[] {8, 8, 8}, Map.of(), false);
        r = CliTest.run("fill", "--segmentation", floats.toString(), "--affinities", small.toString(), "--output", out.toString(),
                "--chunk", "12,10,12", "--grid-block", "0,0,0");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("floats.zarr") && r.err().contains("labels must be a 3D integer volume; got float32"), r.err());

        r = CliTest.run("fill", "--segmentation", seg.toString(), "--affinities", small.toString(), "--output", out.toString(),
                "--chunk", "12,10,12", "--grid-block", "0,0,0", "--distance", "-1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--distance must be 0 or more; got -1"), r.err());
        assertFalse(Files.exists(out));

        byte[] before = labelsBytes(seg);
        r = CliTest.run("fill", "--segmentation", seg.toString(), "--affinities", small.toString(), "--output", seg.toString(),
                "--chunk", "12,10,12", "--grid-block", "0,0,0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--output " + seg + " is the --segmentation it fills"), r.err());
        assertArrayEquals(before, labelsBytes(seg), "the segmentation is untouched");
    }

    private static byte[] labelsBytes(Path store) {
        long[] v = read(store).longs();
        ByteBuffer b = ByteBuffer.allocate(v.length * 8);
        b.asLongBuffer().put(v);
        return b.array();
    }
}
