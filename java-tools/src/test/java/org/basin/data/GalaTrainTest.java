package org.basin.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.basin.agglomerate.MeanAffinity;
import org.basin.evaluate.SegmentationScores;
import org.basin.fill.SeededFill;
import org.basin.infer.Affinities;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.basin.volume.DType;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.junit.jupiter.api.Test;

/**
 * The real FIB-SEM volume from gala (src/test/resources/gala-train, HHMI notice beside it): its LZF boundary map
 * read through jhdf, turned into affinities, segmented, and scored against its ground truth.
 */
class GalaTrainTest {
    static Path resource(String name) throws Exception {
        return Path.of(GalaTrainTest.class.getResource("/gala-train/" + name).toURI());
    }

    @Test
    void boundaryMapSegmentsTheRealVolume() throws Exception {
        Block boundary;
        Block truth;
        try (VolumeReader r = Volumes.open(resource("train-p1.lzf.h5"), "stack")) {
            assertEquals(DType.FLOAT32, r.info().dtype());
            assertEquals("lzf", r.info().compression());
            boundary = r.readAll();
        }
        try (VolumeReader r = Volumes.open(resource("train-gt.lzf.h5"), "stack")) {
            assertEquals(DType.INT32, r.info().dtype());
            truth = r.readAll();
        }
        int[] shape = boundary.shape();
        assertEquals(50 * 100 * 200, boundary.length());
        float[] aff = Affinities.fromBoundary(boundary.floats(), shape);
        // dense watershed (T_low -1, T_dust 0; T_high and T_size the defaults), then mean-affinity agglomeration at 0.6:
        // dense labels from the watershed itself (README, "Segmentation quality"); not the default, whose merge step stays bounded
        WatershedParams p = new WatershedParams(0.9f, -1f, 0.5f, 16000, 0, WatershedParams.SizeRule.SQUARE);
        Watershed.Result result = Watershed.run(aff, shape, p);
        long[] table = MeanAffinity.run(result.count(), result.regionGraph(), 0.6f).table(0.6f);
        long[] seg = new long[result.labels().length];
        for (int i = 0; i < seg.length; i++) {
            seg[i] = table[result.labels()[i]];
        }
        assertEquals(0, Arrays.stream(seg).filter(v -> v == 0).count(), "dense: no voxel background");
        SegmentationScores scores = new SegmentationScores();
        scores.add(truth.convert(DType.INT64).longs(), seg);
        SegmentationScores.Scores s = scores.scores();
        System.out.printf("gala-train, whole volume, dense + agglomeration 0.6: VOI split %.4f merge %.4f, adapted Rand error %.4f, %d segments (%d in truth)%n",
                s.voiSplit(), s.voiMerge(), s.adaptedRandError(), s.segments(), s.truthSegments());
        assertEquals(87, s.truthSegments(), "88 labels including 0");
        assertTrue(s.adaptedRandError() < BOUND, "adapted Rand error " + s.adaptedRandError());
    }

    /** The boundary map's affinities (min rule) and the truth. */
    private record Gala(float[] aff, int[] shape, long[] truth) {
        static Gala read() throws Exception {
            float[] aff;
            int[] shape;
            try (VolumeReader r = Volumes.open(resource("train-p1.lzf.h5"), "stack")) {
                Block b = r.readAll();
                shape = b.shape();
                aff = Affinities.fromBoundary(b.floats(), shape);
            }
            try (VolumeReader r = Volumes.open(resource("train-gt.lzf.h5"), "stack")) {
                return new Gala(aff, shape, r.readAll().convert(DType.INT64).longs());
            }
        }
    }

    /** The pipeline's defaults: T_high 0.9, T_low 0.01, T_size 16000, T_dust 100, agglomeration 0.6; unfilled (a copy). */
    private static long[] pipelineDefaults(float[] aff, int[] shape) {
        WatershedParams p = new WatershedParams(0.9f, 0.01f, 0.5f, 16000, 100, WatershedParams.SizeRule.SQUARE);
        Watershed.Result result = Watershed.run(aff.clone(), shape, p);
        long[] table = MeanAffinity.run(result.count(), result.regionGraph(), 0.6f).table(0.6f);
        long[] seg = new long[result.labels().length];
        for (int i = 0; i < seg.length; i++) {
            seg[i] = table[result.labels()[i]];
        }
        return seg;
    }

    private static double are(long[] truth, long[] seg) {
        SegmentationScores s = new SegmentationScores();
        s.add(truth, seg);
        return s.scores().adaptedRandError();
    }

    @Test
    void pipelineDefaultsWithTheFillMeetTheTarget() throws Exception {
        Gala g = Gala.read();
        long[] seg = pipelineDefaults(g.aff(), g.shape());
        double e0 = are(g.truth(), seg);
        long background = Arrays.stream(seg).filter(v -> v == 0).count();
        long filled = SeededFill.fill(seg, g.aff(), g.shape(), 4);
        long left = Arrays.stream(seg).filter(v -> v == 0).count();
        double e = are(g.truth(), seg);
        System.out.printf("gala-train, pipeline defaults: adapted Rand error %.4f unfilled (%d background voxels), %.4f filled (%d filled, %d left)%n",
                e0, background, e, filled, left);
        assertEquals(background - left, filled, "the fill counts the voxels it labels");
        assertTrue(e0 > 0.05, "without the fill the defaults leave the membranes as singletons: " + e0);
        assertTrue(e < BOUND, "adapted Rand error with the fill " + e);
    }

    @Test
    void uint8LevelsScoreWithinAHundredthOfTheFloat32TheyCameFrom() throws Exception {
        Gala g = Gala.read();
        float[] levels = new float[g.aff().length];
        int moved = 0;
        for (int i = 0; i < levels.length; i++) {
            levels[i] = Math.round(g.aff()[i] * 255f) / 255f; // what infer --output-dtype uint8 stores, as the tools read it
            moved += levels[i] != g.aff()[i] ? 1 : 0;
        }
        double[] scores = new double[2];
        float[][] inputs = {g.aff(), levels};
        for (int k = 0; k < 2; k++) {
            long[] seg = pipelineDefaults(inputs[k], g.shape());
            SeededFill.fill(seg, inputs[k], g.shape(), 4);
            scores[k] = are(g.truth(), seg);
        }
        System.out.printf("gala-train, pipeline defaults + fill: float32 %.4f, uint8 levels %.4f (%d of %d affinities moved)%n",
                scores[0], scores[1], moved, levels.length);
        assertTrue(moved > levels.length / 2, "the levels are not the float32 values: " + moved);
        assertTrue(Math.abs(scores[0] - scores[1]) <= 0.01, "float32 " + scores[0] + " vs uint8 " + scores[1]);
    }

    // measured 0.0190 with these settings (issue 19; the default T_high 0.9, T_low 0.01, T_dust 100 with agglomeration
    // 0.6: 0.084; the old defaults without agglomeration: 0.1000); issue 19's target 0.05
    static final double BOUND = 0.05;
}
