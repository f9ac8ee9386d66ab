package org.basin.quality;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.basin.agglomerate.MeanAffinity;
import org.basin.infer.IntensityAffinity;
import org.basin.phantom.Phantom;
import org.basin.volume.Box;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.basin.watershed.WatershedParams.SizeRule;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's defaults on the phantom (README, "Segmentation quality"): uint8 levels score as the float32 they came
 * from over several seeds, and on anisotropic voxels the sizes counted in voxels of the finest axis avoid the merges
 * that plain voxel counts make.
 */
class PhantomDefaultsTest {
    static final WatershedParams DEFAULTS = new WatershedParams(0.9f, 0.01f, 0.5f, 16000, 100, SizeRule.SQUARE);

    /** The phantom through the intensity backend (noise 10, membrane 2, cell size 24), as the sweep makes it. */
    private static QualitySweep.Volume phantom(long seed, double anisotropy, int[] shape) {
        Phantom.Piece piece = new Phantom(seed, 24, anisotropy, 2, 10, 1).generate(Box.ofShape(shape), shape);
        float[] raw = new float[piece.raw().length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = piece.raw()[i] & 0xff;
        }
        float[] aff = new IntensityAffinity(0, 255, new double[] {1 / anisotropy, 1, 1}).apply(raw, shape);
        long[] truth = new long[piece.truth().length];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = piece.truth()[i];
        }
        return new QualitySweep.Volume("phantom " + seed, shape, aff, truth);
    }

    /** Watershed, agglomeration 0.6 and the fill of 4, as the pipeline runs them; the adapted Rand error. */
    private static double pipelineScore(QualitySweep.Volume v, WatershedParams p) {
        Watershed.Result r = Watershed.run(v.aff().clone(), v.shape(), p);
        return QualitySweep.are(v, r.labels(), MeanAffinity.run(r.count(), r.regionGraph(), 0.6f).table(0.6f), 4);
    }

    @Test
    void uint8LevelsScoreWithinAHundredthOfTheFloat32OverEightSeeds() {
        int[] shape = {64, 96, 96};
        double gap = 0;
        double f32 = 0;
        double u8 = 0;
        for (long seed = 1; seed <= 8; seed++) {
            QualitySweep.Volume v = phantom(seed, 1, shape);
            QualitySweep.Volume levels = new QualitySweep.Volume(v.name() + " u8", shape, QualitySweep.uint8(v.aff()), v.truth());
            double a = pipelineScore(v, DEFAULTS);
            double b = pipelineScore(levels, DEFAULTS);
            f32 += a / 8;
            u8 += b / 8;
            gap += Math.abs(a - b) / 8;
        }
        System.out.printf("phantom, 8 seeds, pipeline defaults: float32 %.4f, uint8 levels %.4f, mean |difference| %.4f%n", f32, u8, gap);
        assertTrue(gap <= 0.01, "mean |ARE(uint8) - ARE(float32)| " + gap);
        assertTrue(f32 < 0.12 && u8 < 0.12, "float32 " + f32 + " uint8 " + u8);
    }

    @Test
    void sizesInVoxelsOfTheFinestAxisKeepAnisotropicCellsApart() {
        // z 4x coarser: the cells are a quarter of the voxels, and 16000 plain voxels would join them
        QualitySweep.Volume v = phantom(7, 4, new int[] {24, 96, 96});
        double scaled = pipelineScore(v, DEFAULTS.forVoxelSize(new double[] {32, 8, 8}));
        double plain = pipelineScore(v, DEFAULTS);
        System.out.printf("anisotropic phantom (4x z), pipeline defaults: ARE %.4f with sizes for its voxels, %.4f in plain voxel counts%n", scaled, plain);
        assertTrue(scaled < 0.3, "scaled " + scaled);
        assertTrue(plain > scaled + 0.1, "plain " + plain + " scaled " + scaled);
    }
}
