package org.basin.infer;

/**
 * Affinity arithmetic in basin's convention: {@code aff[c][v]} joins v and {@code v - e_c} (e_0 = z, e_1 = y,
 * e_2 = x); the first plane along each axis has no predecessor and is 0.
 */
public final class Affinities {
    private Affinities() {
    }

    /** affinity = min(s(v), s(v - e_c)) for a per-voxel "same object" score s in [0, 1]. */
    public static float[] fromScore(float[] s, int[] shape) {
        int nz = shape[0];
        int ny = shape[1];
        int nx = shape[2];
        int n = nz * ny * nx;
        float[] aff = new float[3 * n];
        for (int z = 0, v = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, v++) {
                    float here = s[v];
                    aff[v] = z > 0 ? Math.min(here, s[v - ny * nx]) : 0f;
                    aff[n + v] = y > 0 ? Math.min(here, s[v - nx]) : 0f;
                    aff[2 * n + v] = x > 0 ? Math.min(here, s[v - 1]) : 0f;
                }
            }
        }
        return aff;
    }

    /** From a boundary probability b in [0, 1]: affinity = min(1 - b(v), 1 - b(v - e_c)). */
    public static float[] fromBoundary(float[] b, int[] shape) {
        float[] s = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            s[i] = 1f - b[i];
        }
        return fromScore(s, shape);
    }
}
