package org.basin.omni;

import java.util.Arrays;

/** Renumbers a region's global segment ids 1..N (ascending global id), keeping the map back. */
public record Relabeling(int[] local, long[] globalOfLocal) {
    /** {@code globalOfLocal[k]} is the global id of local id k; index 0 is background. */
    public static Relabeling of(long[] global) {
        long[] ids = distinctNonZero(global);
        long[] map = new long[ids.length + 1];
        System.arraycopy(ids, 0, map, 1, ids.length);
        int[] local = localIds(global, map);
        return new Relabeling(local, map);
    }

    /**
     * The distinct non-zero values, ascending. Sorted from the heads of runs of equal values, which are far fewer
     * than the voxels (a boxed {@code distinct()} over every voxel took most of a region's time and ~30 bytes per
     * voxel of heap).
     */
    static long[] distinctNonZero(long[] values) {
        long[] heads = new long[1024];
        int n = 0;
        long last = 0;
        for (long v : values) {
            if (v != 0 && v != last) {
                if (n == heads.length) {
                    heads = Arrays.copyOf(heads, 2 * n);
                }
                heads[n++] = v;
            }
            last = v;
        }
        Arrays.sort(heads, 0, n);
        int unique = 0;
        for (int i = 0; i < n; i++) {
            if (unique == 0 || heads[i] != heads[unique - 1]) {
                heads[unique++] = heads[i];
            }
        }
        return Arrays.copyOf(heads, unique);
    }

    /**
     * Local ids of {@code global} through a region's map back ({@code globalOfLocal}: index 0 background, then
     * ascending global ids), or null when a non-zero value is not in the map (another segmentation's map).
     */
    public static int[] localIds(long[] global, long[] globalOfLocal) {
        int[] local = new int[global.length];
        long last = 0;
        int lastLocal = 0;
        for (int i = 0; i < global.length; i++) {
            long g = global[i];
            if (g == 0) {
                continue;
            }
            if (g != last) {
                int k = Arrays.binarySearch(globalOfLocal, 1, globalOfLocal.length, g);
                if (k < 1) {
                    return null;
                }
                last = g;
                lastLocal = k;
            }
            local[i] = lastLocal;
        }
        return local;
    }

    public int count() {
        return globalOfLocal.length - 1;
    }
}
