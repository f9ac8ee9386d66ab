package org.basin.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Copies the overlap of two C-order N-d arrays placed at different origins in one coordinate space. Storage
 * chunks (HDF5, Zarr) and requested regions meet here; rows along the last axis go by {@code arraycopy}.
 */
public final class NdCopy {
    private NdCopy() {
    }

    public static void copy(Object src, int[] srcShape, int[] srcOrigin, Object dst, int[] dstShape, int[] dstOrigin) {
        int rank = srcShape.length;
        int[] lo = new int[rank];
        int[] size = new int[rank];
        for (int a = 0; a < rank; a++) {
            lo[a] = Math.max(srcOrigin[a], dstOrigin[a]);
            int hi = Math.min(srcOrigin[a] + srcShape[a], dstOrigin[a] + dstShape[a]);
            size[a] = hi - lo[a];
            if (size[a] <= 0) {
                return;
            }
        }
        long[] srcStride = strides(srcShape);
        long[] dstStride = strides(dstShape);
        int[] idx = new int[rank - 1];
        int row = size[rank - 1];
        while (true) {
            long si = 0;
            long di = 0;
            for (int a = 0; a < rank - 1; a++) {
                int g = lo[a] + idx[a];
                si += (g - srcOrigin[a]) * srcStride[a];
                di += (g - dstOrigin[a]) * dstStride[a];
            }
            si += lo[rank - 1] - srcOrigin[rank - 1];
            di += lo[rank - 1] - dstOrigin[rank - 1];
            System.arraycopy(src, (int) si, dst, (int) di, row);
            int a = rank - 2;
            while (a >= 0) {
                if (++idx[a] < size[a]) {
                    break;
                }
                idx[a] = 0;
                a--;
            }
            if (a < 0) {
                return;
            }
        }
    }

    static long[] strides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            s[a] = acc;
            acc *= shape[a];
        }
        return s;
    }

    /** The full array origin of a spatial box, with channel origin 0 in front when the array has a channel axis. */
    static int[] origin(int rank, int[] zyx) {
        if (rank == 3) {
            return zyx.clone();
        }
        return new int[] {0, zyx[0], zyx[1], zyx[2]};
    }

    /**
     * The positions in a grid of {@code chunk}-shaped cells (Zarr chunks, N5 blocks, v3 shards) that a region of
     * the full array meets, in C order; none for an empty region.
     */
    public static List<int[]> gridCovering(int[] origin, int[] size, int[] chunk) {
        int rank = origin.length;
        int[] first = new int[rank];
        int[] last = new int[rank];
        for (int a = 0; a < rank; a++) {
            if (size[a] == 0) {
                return List.of();
            }
            first[a] = origin[a] / chunk[a];
            last[a] = (origin[a] + size[a] - 1) / chunk[a];
        }
        List<int[]> out = new ArrayList<>();
        int[] idx = first.clone();
        while (true) {
            out.add(idx.clone());
            int a = rank - 1;
            while (a >= 0 && ++idx[a] > last[a]) {
                idx[a] = first[a];
                a--;
            }
            if (a < 0) {
                return out;
            }
        }
    }
}
