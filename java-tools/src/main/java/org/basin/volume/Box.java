package org.basin.volume;

import java.util.Arrays;

/**
 * A half-open box of voxels, {@code [min, max)}, in (z, y, x) order, in global voxel coordinates.
 */
public record Box(int[] min, int[] max) {
    public Box {
        if (min.length != 3 || max.length != 3) {
            throw new IllegalArgumentException("a box has 3 axes (z, y, x)");
        }
        min = min.clone();
        max = max.clone();
        for (int a = 0; a < 3; a++) {
            if (max[a] < min[a]) {
                throw new IllegalArgumentException("box max < min on axis " + a + ": " + Arrays.toString(min) + " " + Arrays.toString(max));
            }
        }
    }

    public static Box ofShape(int[] shape) {
        return new Box(new int[3], shape);
    }

    public static Box of(int[] offset, int[] shape) {
        return new Box(offset, new int[] {offset[0] + shape[0], offset[1] + shape[1], offset[2] + shape[2]});
    }

    @Override
    public int[] min() {
        return min.clone();
    }

    @Override
    public int[] max() {
        return max.clone();
    }

    public int min(int axis) {
        return min[axis];
    }

    public int max(int axis) {
        return max[axis];
    }

    public int size(int axis) {
        return max[axis] - min[axis];
    }

    public int[] shape() {
        return new int[] {size(0), size(1), size(2)};
    }

    public long voxels() {
        return (long) size(0) * size(1) * size(2);
    }

    public boolean isEmpty() {
        return size(0) == 0 || size(1) == 0 || size(2) == 0;
    }

    public boolean contains(int z, int y, int x) {
        return z >= min[0] && z < max[0] && y >= min[1] && y < max[1] && x >= min[2] && x < max[2];
    }

    public boolean contains(Box other) {
        for (int a = 0; a < 3; a++) {
            if (other.min[a] < min[a] || other.max[a] > max[a]) {
                return false;
            }
        }
        return true;
    }

    /** The intersection; empty (size 0 on some axis) when the boxes do not overlap. */
    public Box intersect(Box other) {
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = Math.max(min[a], other.min[a]);
            hi[a] = Math.max(lo[a], Math.min(max[a], other.max[a]));
        }
        return new Box(lo, hi);
    }

    /** Grows by {@code lo} below and {@code hi} above on each axis, then clips to {@code bounds}. */
    public Box grow(int[] lo, int[] hi, Box bounds) {
        int[] a = new int[3];
        int[] b = new int[3];
        for (int i = 0; i < 3; i++) {
            a[i] = Math.max(bounds.min[i], min[i] - lo[i]);
            b[i] = Math.min(bounds.max[i], max[i] + hi[i]);
        }
        return new Box(a, b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(min, b.min) && Arrays.equals(max, b.max);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
    }

    /** Printed x,y,z as users write triplets. */
    @Override
    public String toString() {
        return "[" + min[2] + "," + min[1] + "," + min[0] + " .. " + max[2] + "," + max[1] + "," + max[0] + ") (x,y,z)";
    }
}
