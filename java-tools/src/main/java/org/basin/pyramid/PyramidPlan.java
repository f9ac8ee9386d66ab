package org.basin.pyramid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.basin.volume.Box;

/**
 * The levels of a multiscale pyramid and the factors between them, from the full-resolution shape, voxel size and
 * store chunk (all z, y, x). The rule: going from one level to the next, an axis is halved (factor 2) when its voxel
 * size is less than twice the finest voxel size of the axes still longer than one voxel, else kept (factor 1); so an
 * anisotropic volume (z at least twice as coarse as x and y) is downsampled 2x2x1 until z is within a factor of 2 of
 * x and y, then 2x2x2. Levels are added until one fits in one store chunk. Level k's extent is ceil(extent of level
 * k-1 / factor): a window at the far edge holds the voxels there are.
 */
public record PyramidPlan(List<Level> levels) {
    /** The most levels basin writes (2^31 voxels halve to 1 in 31 steps). */
    public static final int MAX_LEVELS = 40;

    /**
     * One level: its shape, the factor from the level before (1s for level 0), the factor from level 0 and its voxel
     * size (nm).
     */
    public record Level(int[] shape, int[] factor, int[] cumulative, double[] voxelSize) {
        public Level {
            shape = shape.clone();
            factor = factor.clone();
            cumulative = cumulative.clone();
            voxelSize = voxelSize.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public int[] factor() {
            return factor.clone();
        }

        @Override
        public int[] cumulative() {
            return cumulative.clone();
        }

        @Override
        public double[] voxelSize() {
            return voxelSize.clone();
        }

        public Box box() {
            return Box.ofShape(shape);
        }

        /**
         * The NGFF translation of this level's voxel centres (nm, z, y, x): a voxel of a level F times coarser covers
         * F voxels of level 0, so its centre lies (F - 1) / 2 level-0 voxels past theirs.
         */
        public double[] translation(double[] voxelSize0) {
            double[] t = new double[3];
            for (int a = 0; a < 3; a++) {
                t[a] = (cumulative[a] - 1) * voxelSize0[a] / 2;
            }
            return t;
        }
    }

    public static PyramidPlan of(int[] shape0, double[] voxelSize0, int[] chunk) {
        List<Level> levels = new ArrayList<>();
        int[] shape = shape0.clone();
        int[] cumulative = {1, 1, 1};
        double[] voxel = voxelSize0.clone();
        levels.add(new Level(shape, cumulative, cumulative, voxel));
        while (!fits(shape, chunk) && levels.size() < MAX_LEVELS) {
            int[] f = factors(shape, voxel);
            int[] next = new int[3];
            for (int a = 0; a < 3; a++) {
                next[a] = (shape[a] + f[a] - 1) / f[a];
                cumulative[a] *= f[a];
                voxel[a] = voxelSize0[a] * cumulative[a];
            }
            shape = next;
            levels.add(new Level(shape, f, cumulative, voxel));
        }
        return new PyramidPlan(List.copyOf(levels));
    }

    /** The factor rule (see the class comment) for the level after one of {@code shape} and {@code voxel} size. */
    static int[] factors(int[] shape, double[] voxel) {
        double finest = Double.MAX_VALUE;
        for (int a = 0; a < 3; a++) {
            if (shape[a] > 1) {
                finest = Math.min(finest, voxel[a]);
            }
        }
        int[] f = new int[3];
        for (int a = 0; a < 3; a++) {
            f[a] = shape[a] > 1 && voxel[a] < 2 * finest ? 2 : 1;
        }
        return f;
    }

    private static boolean fits(int[] shape, int[] chunk) {
        return shape[0] <= chunk[0] && shape[1] <= chunk[1] && shape[2] <= chunk[2];
    }

    public Level level(int k) {
        return levels.get(k);
    }

    /** The index of the coarsest level. */
    public int last() {
        return levels.size() - 1;
    }

    /** The factor from level {@code from} to level {@code to} (to >= from), per axis. */
    public int[] factor(int from, int to) {
        int[] f = new int[3];
        for (int a = 0; a < 3; a++) {
            f[a] = levels.get(to).cumulative[a] / levels.get(from).cumulative[a];
        }
        return f;
    }

    /**
     * The deepest level, from {@code from} + 1 up to {@code to}, that tasks over a grid of {@code block} (voxels of
     * level {@code from}) can compute on their own: at every level down to it, every inner boundary of the grid maps to
     * a boundary of the level's write unit (store chunk, or shard), so no two tasks write one unit. Returns
     * {@code from} when not even the next level can be so split. Axes with one block have no inner boundary.
     */
    public int alignedDepth(int from, int to, int[] block, int[] unit) {
        int[] shape = levels.get(from).shape;
        int depth = from;
        for (int k = from + 1; k <= to; k++) {
            int[] f = factor(from, k);
            for (int a = 0; a < 3; a++) {
                boolean inner = block[a] < shape[a];
                if (inner && (block[a] % f[a] != 0 || (block[a] / f[a]) % unit[a] != 0)) {
                    return depth;
                }
            }
            depth = k;
        }
        return depth;
    }

    /** The boxes of a grid of {@code block} over level {@code k}, in C order (z slowest). */
    public List<Box> grid(int k, int[] block) {
        int[] shape = levels.get(k).shape;
        int[] n = gridShape(k, block);
        List<Box> out = new ArrayList<>();
        for (int z = 0; z < n[0]; z++) {
            for (int y = 0; y < n[1]; y++) {
                for (int x = 0; x < n[2]; x++) {
                    int[] lo = {z * block[0], y * block[1], x * block[2]};
                    int[] hi = new int[3];
                    for (int a = 0; a < 3; a++) {
                        hi[a] = Math.min(shape[a], lo[a] + block[a]);
                    }
                    out.add(new Box(lo, hi));
                }
            }
        }
        return out;
    }

    /** The number of blocks per axis (z, y, x) of a grid of {@code block} over level {@code k}. */
    public int[] gridShape(int k, int[] block) {
        int[] shape = levels.get(k).shape;
        int[] n = new int[3];
        for (int a = 0; a < 3; a++) {
            n[a] = (shape[a] + block[a] - 1) / block[a];
        }
        return n;
    }

    /**
     * The box at level {@code to} of the voxels computed from {@code box} at level {@code from}: each end divided by the
     * factor, rounded up (a partial window at the volume's edge makes one voxel).
     */
    public Box project(Box box, int from, int to) {
        int[] f = factor(from, to);
        int[] lo = new int[3];
        int[] hi = new int[3];
        int[] shape = levels.get(to).shape;
        for (int a = 0; a < 3; a++) {
            lo[a] = box.min(a) / f[a];
            hi[a] = Math.min(shape[a], (box.max(a) + f[a] - 1) / f[a]);
        }
        return new Box(lo, hi);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < levels.size(); k++) {
            Level l = levels.get(k);
            sb.append(k == 0 ? "" : "; ").append(k).append(": ").append(Arrays.toString(l.shape)).append(" x").append(Arrays.toString(l.factor));
        }
        return sb.toString();
    }
}
