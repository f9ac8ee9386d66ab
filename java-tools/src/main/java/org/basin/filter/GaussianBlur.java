package org.basin.filter;

/**
 * Separable Gaussian smoothing of a (z, y, x) float array in place, edges replicated. A kernel of radius
 * ceil(3 sigma) per axis; sigma 0 leaves that axis alone.
 */
public final class GaussianBlur {
    private GaussianBlur() {
    }

    public static int radius(double sigma) {
        return sigma <= 0 ? 0 : (int) Math.ceil(3 * sigma);
    }

    public static void apply(float[] data, int[] shape, double[] sigmaZyx) {
        for (int axis = 0; axis < 3; axis++) {
            if (sigmaZyx[axis] > 0 && shape[axis] > 1) {
                blurAxis(data, shape, axis, kernel(sigmaZyx[axis]));
            }
        }
    }

    static float[] kernel(double sigma) {
        int r = radius(sigma);
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            double v = Math.exp(-0.5 * i * i / (sigma * sigma));
            k[i + r] = (float) v;
            sum += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        return k;
    }

    private static void blurAxis(float[] data, int[] s, int axis, float[] k) {
        int r = k.length / 2;
        int len = s[axis];
        int stride = axis == 0 ? s[1] * s[2] : axis == 1 ? s[2] : 1;
        int[] other = axis == 0 ? new int[] {s[1] * s[2]} : axis == 1 ? new int[] {s[0], s[2]} : new int[] {s[0] * s[1]};
        float[] line = new float[len + 2 * r];
        int lines = other.length == 1 ? other[0] : other[0] * other[1];
        for (int l = 0; l < lines; l++) {
            int base;
            if (axis == 0) {
                base = l;
            } else if (axis == 1) {
                base = (l / s[2]) * s[1] * s[2] + (l % s[2]);
            } else {
                base = l * s[2];
            }
            for (int i = 0; i < len + 2 * r; i++) {
                int j = Math.min(len - 1, Math.max(0, i - r));
                line[i] = data[base + j * stride];
            }
            for (int i = 0; i < len; i++) {
                float acc = 0;
                for (int t = 0; t < k.length; t++) {
                    acc += k[t] * line[i + t];
                }
                data[base + i * stride] = acc;
            }
        }
    }
}
