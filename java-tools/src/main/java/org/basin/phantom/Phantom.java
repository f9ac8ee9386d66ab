package org.basin.phantom;

import org.basin.filter.GaussianBlur;
import org.basin.volume.Box;

/**
 * A synthetic EM-like volume with ground truth. Cells are the Voronoi regions of one jittered seed per grid cell
 * (physical space, so anisotropy makes z slices thicker), their boundaries bent by smooth noise; dark membranes of
 * a given thickness separate them; cytoplasm has a per-cell brightness, darker organelle-like blobs and fine
 * texture; then blur and noise. Every value is a pure function of (seed, voxel), so any box of any volume can be
 * generated on its own and pieces fit together exactly.
 */
public final class Phantom {
    private final long seed;
    private final double cellSize;
    private final double anisotropy;
    private final double membrane;
    private final double noise;
    private final double blur;

    /**
     * @param cellSize   mean cell diameter in xy voxels
     * @param anisotropy z voxel size / xy voxel size (1 for isotropic)
     * @param membrane   membrane thickness in xy voxels
     * @param noise      standard deviation of the additive noise, in grey levels
     * @param blur       Gaussian blur sigma in xy voxels (z scaled by anisotropy)
     */
    public Phantom(long seed, double cellSize, double anisotropy, double membrane, double noise, double blur) {
        this.seed = seed;
        this.cellSize = cellSize;
        this.anisotropy = anisotropy;
        this.membrane = membrane;
        this.noise = noise;
        this.blur = blur;
    }

    /** Raw (uint8) and ground truth (uint32 labels, 0 on membranes) of one box, as flat (z, y, x) arrays. */
    public record Piece(byte[] raw, int[] truth) {
    }

    private double[] sigma() {
        return new double[] {blur / anisotropy, blur, blur};
    }

    public Piece generate(Box box, int[] volumeShape) {
        double[] sigma = sigma();
        int[] margin = {GaussianBlur.radius(sigma[0]), GaussianBlur.radius(sigma[1]), GaussianBlur.radius(sigma[2])};
        Box wide = box.grow(margin, margin, Box.ofShape(volumeShape));
        int[] ws = wide.shape();
        float[] clean = new float[(int) wide.voxels()];
        int[] truthWide = new int[clean.length];
        int i = 0;
        for (int z = wide.min(0); z < wide.max(0); z++) {
            for (int y = wide.min(1); y < wide.max(1); y++) {
                for (int x = wide.min(2); x < wide.max(2); x++, i++) {
                    int label = cellAt(z, y, x);
                    truthWide[i] = label;
                    clean[i] = intensity(label, z, y, x);
                }
            }
        }
        GaussianBlur.apply(clean, ws, sigma);
        int[] s = box.shape();
        byte[] raw = new byte[(int) box.voxels()];
        int[] truth = new int[raw.length];
        int o = 0;
        for (int z = box.min(0); z < box.max(0); z++) {
            for (int y = box.min(1); y < box.max(1); y++) {
                int row = ((z - wide.min(0)) * ws[1] + (y - wide.min(1))) * ws[2] - wide.min(2);
                for (int x = box.min(2); x < box.max(2); x++, o++) {
                    double v = clean[row + x] + noise * gaussian(z, y, x);
                    raw[o] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                    truth[o] = truthWide[row + x];
                }
            }
        }
        assert o == s[0] * s[1] * s[2];
        return new Piece(raw, truth);
    }

    /** The cell id at a voxel (1-based grid-cell index of the nearest seed), 0 on a membrane. */
    int cellAt(int z, int y, int x) {
        double bend = cellSize * 0.12;
        double pz = z * anisotropy + bend * smoothNoise(z * anisotropy, y, x, 11);
        double py = y + bend * smoothNoise(z * anisotropy, y, x, 12);
        double px = x + bend * smoothNoise(z * anisotropy, y, x, 13);
        int gz = (int) Math.floor(pz / cellSize);
        int gy = (int) Math.floor(py / cellSize);
        int gx = (int) Math.floor(px / cellSize);
        double best = Double.MAX_VALUE;
        double second = Double.MAX_VALUE;
        double[] bestSeed = null;
        double[] secondSeed = null;
        long bestId = 0;
        for (int dz = -1; dz <= 1; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    double[] sp = seedOf(gz + dz, gy + dy, gx + dx);
                    double d = sq(sp[0] - pz) + sq(sp[1] - py) + sq(sp[2] - px);
                    if (d < best) {
                        second = best;
                        secondSeed = bestSeed;
                        best = d;
                        bestSeed = sp;
                        bestId = cellId(gz + dz, gy + dy, gx + dx);
                    } else if (d < second) {
                        second = d;
                        secondSeed = sp;
                    }
                }
            }
        }
        // distance from the point to the bisecting plane of the two nearest seeds
        double sep = Math.sqrt(sq(bestSeed[0] - secondSeed[0]) + sq(bestSeed[1] - secondSeed[1]) + sq(bestSeed[2] - secondSeed[2]));
        double toPlane = (second - best) / (2 * sep);
        return toPlane < membrane / 2 ? 0 : (int) bestId;
    }

    private float intensity(int label, int z, int y, int x) {
        if (label == 0) {
            return 45f;
        }
        double base = 165 + 30 * (unit(hash(seed, label, 7, 7)) - 0.5);
        double blob = smoothNoise(z * anisotropy / 2.5, y / 2.5, x / 2.5, 21);
        if (blob > 0.55) {
            base -= 55; // organelle-like dark blobs inside the cell
        }
        base += 10 * smoothNoise(z * anisotropy, y, x, 31);
        return (float) base;
    }

    private long cellId(int gz, int gy, int gx) {
        // grid cells are indexed from -1 (seeds just outside the volume own border voxels)
        long n = 1 << 10;
        return ((long) (gz + 1) * n + (gy + 1)) * n + (gx + 1) + 1;
    }

    private double[] seedOf(int gz, int gy, int gx) {
        long h = hash(seed, gz, gy, gx);
        double jitter = 0.8;
        return new double[] {
            (gz + 0.5 + jitter * (unit(h) - 0.5)) * cellSize,
            (gy + 0.5 + jitter * (unit(h * 31 + 17) - 0.5)) * cellSize,
            (gx + 0.5 + jitter * (unit(h * 131 + 71) - 0.5)) * cellSize,
        };
    }

    /** Smooth value noise in [-1, 1] with a lattice of 8 voxels, trilinear. */
    private double smoothNoise(double z, double y, double x, int channel) {
        double scale = 8;
        double fz = z / scale;
        double fy = y / scale;
        double fx = x / scale;
        int iz = (int) Math.floor(fz);
        int iy = (int) Math.floor(fy);
        int ix = (int) Math.floor(fx);
        double tz = smooth(fz - iz);
        double ty = smooth(fy - iy);
        double tx = smooth(fx - ix);
        double acc = 0;
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 2; c++) {
                    double v = unit(hash(seed * 7 + channel, iz + a, iy + b, ix + c)) * 2 - 1;
                    acc += v * (a == 1 ? tz : 1 - tz) * (b == 1 ? ty : 1 - ty) * (c == 1 ? tx : 1 - tx);
                }
            }
        }
        return acc;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private double gaussian(int z, int y, int x) {
        double u1 = Math.max(1e-12, unit(hash(seed + 101, z, y, x)));
        double u2 = unit(hash(seed + 202, z, y, x));
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static double sq(double v) {
        return v * v;
    }

    private static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    static long hash(long seed, long a, long b, long c) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = mix(h ^ a);
        h = mix(h ^ b);
        h = mix(h ^ c);
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
