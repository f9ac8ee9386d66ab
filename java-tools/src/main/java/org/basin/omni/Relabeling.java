package org.basin.omni;

import java.util.Arrays;

/** Renumbers a region's global segment ids 1..N (ascending global id), keeping the map back. */
public record Relabeling(int[] local, long[] globalOfLocal) {
    /** {@code globalOfLocal[k]} is the global id of local id k; index 0 is background. */
    public static Relabeling of(long[] global) {
        long[] ids = Arrays.stream(global).filter(v -> v != 0).distinct().sorted().toArray();
        long[] map = new long[ids.length + 1];
        System.arraycopy(ids, 0, map, 1, ids.length);
        int[] local = new int[global.length];
        long last = 0;
        int lastLocal = 0;
        for (int i = 0; i < global.length; i++) {
            long g = global[i];
            if (g == 0) {
                continue;
            }
            if (g != last) {
                last = g;
                lastLocal = Arrays.binarySearch(ids, g) + 1;
            }
            local[i] = lastLocal;
        }
        return new Relabeling(local, map);
    }

    public int count() {
        return globalOfLocal.length - 1;
    }
}
