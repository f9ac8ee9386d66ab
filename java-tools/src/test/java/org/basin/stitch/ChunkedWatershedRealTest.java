package org.basin.stitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.basin.infer.Affinities;
import org.basin.infer.IntensityAffinity;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.phantom.Phantom;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.junit.jupiter.api.Test;

/**
 * Chunked == whole volume on real data and the phantom, several chunkings each (by the single merge task and by the
 * tree of merge tasks): gala-train's boundary map as
 * affinities (float32, and quantised to uint8 levels, where ties are everywhere), its raw EM image through the
 * intensity baseline, and the demo phantom.
 */
class ChunkedWatershedRealTest {
    static final WatershedParams DEFAULTS = new WatershedParams(0.99f, 0.01f, 0.5f, 8000, 100, WatershedParams.SizeRule.SQUARE);
    static final WatershedParams DEMO = new WatershedParams(0.99f, 0.1f, 0.5f, 4000, 100, WatershedParams.SizeRule.SQUARE);
    // z, y, x: a regular split, uneven splits with partial last chunks, and thin ones
    static final int[][] CHUNKINGS = {{25, 50, 100}, {16, 32, 48}, {7, 13, 29}, {50, 9, 200}};

    static Block read(String name, String dataset) throws Exception {
        Path p = Path.of(ChunkedWatershedRealTest.class.getResource("/gala-train/" + name).toURI());
        try (VolumeReader r = Volumes.open(p, dataset)) {
            return r.readAll();
        }
    }

    /** Whole vs every chunking; returns the whole-volume segment count. */
    static int check(String what, float[] aff, int[] shape, WatershedParams p) {
        Watershed.Result whole = Watershed.run(aff.clone(), shape, p);
        for (int[] chunk : CHUNKINGS) {
            String where = what + ", chunks " + chunk[2] + "," + chunk[1] + "," + chunk[0] + " (x,y,z)";
            long[] chunked = ChunkedWatershed.run(aff, shape, chunk, p);
            ChunkedWatershed.assertSameUpToRenaming(whole.labels(), chunked, where);
            // the tree of merge tasks: fan-in 2 everywhere, and level 1's own (as the pipeline's watershed blocks) of 1,2,3
            ChunkedWatershed.Chunks chunks = ChunkedWatershed.chunks(aff, shape, chunk, p);
            for (int[][] fans : new int[][][] {{{2, 2, 2}, {2, 2, 2}}, {{3, 2, 1}, {2, 2, 2}}}) {
                HierarchicalMerge.Result tree = HierarchicalMerge.run(chunks.segments(), chunks.planes(), shape, chunk, p, fans[0], fans[1], false);
                ChunkedWatershed.assertSameUpToRenaming(whole.labels(), chunks.relabel(tree.idTables()), where + ", merge tree, level 1 fan-in (z,y,x) "
                        + Arrays.toString(fans[0]));
            }
        }
        ChunkedWatershed.assertConnected(whole.labels(), shape);
        System.out.printf("%s: %d segments, chunked == whole for %d chunkings (single task and merge tree)%n", what, whole.count(), CHUNKINGS.length);
        return whole.count();
    }

    @Test
    void galaTrainBoundaryMap() throws Exception {
        Block b = read("train-p1.lzf.h5", "stack");
        float[] aff = Affinities.fromBoundary(b.floats(), b.shape());
        assertTrue(check("gala-train boundary map, defaults", aff, b.shape(), DEFAULTS) > 40);
    }

    @Test
    void galaTrainQuantisedToUint8() throws Exception {
        Block b = read("train-p1.lzf.h5", "stack");
        float[] aff = Affinities.fromBoundary(b.floats(), b.shape());
        for (int i = 0; i < aff.length; i++) {
            aff[i] = Math.round(aff[i] * 255) / 255f;
        }
        assertTrue(check("gala-train boundary map as uint8, defaults", aff, b.shape(), DEFAULTS) > 40);
        assertTrue(check("gala-train boundary map as uint8, demo thresholds", aff, b.shape(), DEMO) > 40);
    }

    @Test
    void galaTrainRawImageThroughTheIntensityBaseline() throws Exception {
        Block raw = read("train-image.h5", "stack");
        float[] aff = new IntensityAffinity(40, 200, new double[] {0.5, 1, 1}).apply(raw.toFloats(), raw.shape());
        assertTrue(check("gala-train raw image, intensity baseline", aff, raw.shape(), DEMO) > 10);
    }

    @Test
    void phantom() {
        int[] shape = {40, 96, 96};
        Phantom.Piece piece = new Phantom(7, 24, 1, 2, 10, 1).generate(Box.ofShape(shape), shape);
        float[] raw = new float[piece.raw().length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = piece.raw()[i] & 0xff;
        }
        float[] aff = new IntensityAffinity(60, 180, new double[] {1, 1, 1}).apply(raw, shape);
        int segments = check("phantom 96x96x40, intensity baseline", aff, shape, DEMO);
        assertEquals(segments, Watershed.run(aff.clone(), shape, DEMO).count());
    }
}
