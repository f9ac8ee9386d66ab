package org.basin.infer;

import org.basin.filter.GaussianBlur;

/**
 * The built-in baseline for membrane-stained EM, where membranes are dark: smooth the raw intensity with a
 * Gaussian, map the window [low, high] linearly onto [0, 1] (clamped), and take affinity = min of the two voxels'
 * scores. No training, no model: a fair stand-in on clean data and the demo's default backend.
 */
public final class IntensityAffinity {
    private final double low;
    private final double high;
    private final double[] sigmaZyx;

    public IntensityAffinity(double low, double high, double[] sigmaZyx) {
        if (!(high > low)) {
            throw new IllegalArgumentException("window high must exceed low");
        }
        this.low = low;
        this.high = high;
        this.sigmaZyx = sigmaZyx.clone();
    }

    /** The halo (z, y, x) a chunk needs for its core to equal whole-volume output. */
    public int[] fieldOfView() {
        return new int[] {GaussianBlur.radius(sigmaZyx[0]) + 1, GaussianBlur.radius(sigmaZyx[1]) + 1, GaussianBlur.radius(sigmaZyx[2]) + 1};
    }

    public float[] apply(float[] raw, int[] shape) {
        float[] s = raw.clone();
        GaussianBlur.apply(s, shape, sigmaZyx);
        float scale = (float) (1.0 / (high - low));
        float lo = (float) low;
        for (int i = 0; i < s.length; i++) {
            float v = (s[i] - lo) * scale;
            s[i] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
        return Affinities.fromScore(s, shape);
    }
}
