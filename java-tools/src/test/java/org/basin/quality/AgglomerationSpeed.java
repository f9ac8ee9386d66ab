package org.basin.quality;

import java.util.Locale;
import org.basin.agglomerate.MeanAffinity;
import org.basin.infer.IntensityAffinity;
import org.basin.phantom.Phantom;
import org.basin.volume.Box;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;

/**
 * Agglomeration speed on a noisy phantom's supervoxel region graph (T_high 0.999, T_size 0: the most edges), in
 * process, all the way down (threshold 0). Args: size (default 128).
 */
public final class AgglomerationSpeed {
    private AgglomerationSpeed() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int[] shape = {n, n, n};
        Phantom.Piece piece = new Phantom(1, 24, 1, 2, 40, 0.5).generate(Box.ofShape(shape), shape);
        float[] raw = new float[piece.raw().length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = piece.raw()[i] & 0xff;
        }
        float[] aff = new IntensityAffinity(90, 170, new double[] {1, 1, 1}).apply(raw, shape);
        for (long size : new long[] {0}) {
            Watershed.Result r = Watershed.run(aff.clone(), shape, new WatershedParams(0.999f, -1f, 0.5f, size, 0, WatershedParams.SizeRule.SQUARE));
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                MeanAffinity.Merges m = MeanAffinity.run(r.count(), r.regionGraph(), 0f);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%d^3 T_size %d: %d segments, %d edges, %d merges in %.3f s (%.2f M edges/s)%n", n, size, r.count(),
                        r.regionGraph().size(), m.size(), s, r.regionGraph().size() / s / 1e6);
            }
        }
    }
}
