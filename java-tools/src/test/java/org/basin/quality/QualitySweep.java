package org.basin.quality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.basin.agglomerate.MeanAffinity;
import org.basin.evaluate.SegmentationScores;
import org.basin.fill.SeededFill;
import org.basin.infer.Affinities;
import org.basin.infer.IntensityAffinity;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.phantom.Phantom;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.basin.watershed.WatershedParams.SizeRule;

/**
 * The sweep behind the watershed + agglomeration defaults (README, "Segmentation quality"): every setting scored
 * (adapted Rand error, segmentation 0 as singletons) on every volume, and each setting judged by its worst volume.
 * In-process and small (minutes on 2 cores): {@code mvn -o -q test-compile}, then
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.basin.quality.QualitySweep [quick]}.
 */
public final class QualitySweep {
    /** One scored volume: affinities, truth, and the voxel size (z, y, x) the sizes are measured against, as the pipeline does. */
    public record Volume(String name, int[] shape, float[] aff, long[] truth, double[] voxelSize) {
        Volume(String name, int[] shape, float[] aff, long[] truth) {
            this(name, shape, aff, truth, new double[] {1, 1, 1});
        }
    }

    private QualitySweep() {
    }

    static Path gala(String name) {
        return Path.of("src/test/resources/gala-train/" + name);
    }

    /** round(a * 255) / 255: what uint8 affinities hold (infer --output-dtype uint8). */
    static float[] uint8(float[] aff) {
        float[] out = new float[aff.length];
        for (int i = 0; i < aff.length; i++) {
            out[i] = Math.round(aff[i] * 255f) / 255f;
        }
        return out;
    }

    public static List<Volume> volumes(boolean quick) throws Exception {
        List<Volume> out = new ArrayList<>();
        long[] truth;
        float[] p1;
        float[] image;
        int[] shape;
        try (VolumeReader r = Volumes.open(gala("train-gt.lzf.h5"), "stack")) {
            truth = r.readAll().convert(DType.INT64).longs();
        }
        try (VolumeReader r = Volumes.open(gala("train-p1.lzf.h5"), "stack")) {
            var b = r.readAll();
            shape = b.shape();
            p1 = b.floats();
        }
        try (VolumeReader r = Volumes.open(gala("train-image.h5"), null)) {
            image = r.readAll().convert(DType.FLOAT32).floats();
        }
        float[] galaBoundary = Affinities.fromBoundary(p1, shape);
        out.add(new Volume("gala boundary f32", shape, galaBoundary, truth));
        out.add(new Volume("gala boundary u8", shape, uint8(galaBoundary), truth));
        if (quick) {
            return out;
        }
        // the intensity backend on gala's raw image (dark membranes): the demo's baseline on real EM
        float[] galaIntensity = new IntensityAffinity(0, 255, new double[] {1, 1, 1}).apply(image, shape);
        out.add(new Volume("gala intensity f32", shape, galaIntensity, truth));
        // phantoms: default, noisy, thin membranes, anisotropic (intensity backend, as the demo)
        record P(String name, double noise, double membrane, double anisotropy) {
        }
        for (P p : List.of(new P("phantom n10 m2 a1", 10, 2, 1), new P("phantom n30 m2 a1", 30, 2, 1), new P("phantom n10 m1 a1", 10, 1, 1),
                new P("phantom n10 m2 a4", 10, 2, 4))) {
            int[] ps = p.anisotropy() > 1 ? new int[] {24, 96, 96} : new int[] {64, 96, 96};
            Phantom ph = new Phantom(7, 24, p.anisotropy(), p.membrane(), p.noise(), 1);
            Phantom.Piece piece = ph.generate(Box.ofShape(ps), ps);
            float[] raw = new float[piece.raw().length];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = piece.raw()[i] & 0xff;
            }
            float[] aff = new IntensityAffinity(0, 255, new double[] {1.0 / p.anisotropy(), 1, 1}).apply(raw, ps);
            long[] t = new long[piece.truth().length];
            for (int i = 0; i < t.length; i++) {
                t[i] = piece.truth()[i];
            }
            double[] vs = {8 * p.anisotropy(), 8, 8}; // basin phantom's voxel size
            out.add(new Volume(p.name() + " f32", ps, aff, t, vs));
            if (p.noise() == 10 && p.membrane() == 2 && p.anisotropy() == 1) {
                out.add(new Volume(p.name() + " u8", ps, uint8(aff), t, vs));
            }
        }
        return out;
    }

    /** Adapted Rand error of labels (through table, null: as they are; then filled up to {@code fill} steps) against truth. */
    static double are(Volume v, int[] labels, long[] table, int fill) {
        long[] seg = new long[labels.length];
        for (int i = 0; i < seg.length; i++) {
            seg[i] = table == null ? labels[i] : table[labels[i]];
        }
        SeededFill.fill(seg, v.aff(), v.shape(), fill);
        long[] truth = v.truth();
        SegmentationScores s = new SegmentationScores();
        s.add(truth, seg);
        return s.scores().adaptedRandError();
    }

    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("quick");
        boolean large = args.length > 0 && args[0].equals("large"); // the neighbourhood of the chosen defaults
        List<Volume> vols = volumes(quick);
        float[] thresholds = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f};
        List<WatershedParams> settings = new ArrayList<>();
        float[] highs = large ? new float[] {0.9f, 0.8f} : new float[] {0.99f, 0.9f};
        float[] lows = large ? new float[] {-1f} : new float[] {-1f, 0.01f};
        long[] sizes = quick ? new long[] {0, 200, 2000} : large ? new long[] {8000, 12000, 16000, 20000, 24000, 32000} : new long[] {0, 200, 2000, 8000, 16000};
        long[] dusts = quick || large ? new long[] {0} : new long[] {0, 100};
        for (float high : highs) {
            for (float low : lows) {
                for (long size : sizes) {
                    for (long dust : dusts) {
                        settings.add(new WatershedParams(high, low, 0.5f, size, dust, SizeRule.SQUARE));
                    }
                }
            }
        }
        int[] fills = {0, 4}; // FILL's default distance, and none
        System.out.printf(Locale.ROOT, "%-60s %-6s", "watershed setting", "aggl");
        for (Volume v : vols) {
            System.out.printf(Locale.ROOT, " %9s", v.name().replace("phantom ", "ph").replace("boundary", "bd").replace("intensity", "in").replace(" ", ""));
        }
        System.out.printf(Locale.ROOT, " %7s%n", "worst");
        for (WatershedParams p : settings) {
            double[][][] are = new double[fills.length][thresholds.length + 1][vols.size()];
            for (int k = 0; k < vols.size(); k++) {
                Volume v = vols.get(k);
                // T_size and T_dust in voxels of the finest axis, as the pipeline passes them (--voxel-size)
                Watershed.Result r = Watershed.run(v.aff().clone(), v.shape(), p.forVoxelSize(v.voxelSize()));
                MeanAffinity.Merges m = MeanAffinity.run(r.count(), r.regionGraph(), thresholds[0]);
                for (int f = 0; f < fills.length; f++) {
                    are[f][0][k] = are(v, r.labels(), null, fills[f]);
                    for (int t = 0; t < thresholds.length; t++) {
                        are[f][t + 1][k] = are(v, r.labels(), m.table(thresholds[t]), fills[f]);
                    }
                }
            }
            for (int f = 0; f < fills.length; f++) {
                for (int t = 0; t <= thresholds.length; t++) {
                    String name = String.format(Locale.ROOT, "high %.2f low %.2f size %d dust %d fill %d", p.tHigh(), p.tLow(), p.tSize(), p.tDust(), fills[f]);
                    System.out.printf(Locale.ROOT, "%-60s %-6s", name, t == 0 ? "none" : String.format(Locale.ROOT, "%.1f", thresholds[t - 1]));
                    double worst = 0;
                    for (int k = 0; k < vols.size(); k++) {
                        System.out.printf(Locale.ROOT, " %9.3f", are[f][t][k]);
                        worst = Math.max(worst, are[f][t][k]);
                    }
                    System.out.printf(Locale.ROOT, " %7.3f%n", worst);
                }
            }
            System.out.flush();
        }
    }
}
