package org.basin.omni;

import java.util.Arrays;
import org.basin.graph.LongIndex;

/** Renumbers a region's global segment ids 1..N (ascending global id), keeping the map back. */
public record Relabeling(int[] local, long[] globalOfLocal) {
    /** {@code globalOfLocal[k]} is the global id of local id k; index 0 is background. */
    public static Relabeling of(long[] global) {
        // one pass numbering segments as first met (a hash lookup per run of equal voxels), then only the distinct
        // ids are sorted and the local ids renumbered through that order
        LongIndex seen = new LongIndex(1024);
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
                lastLocal = seen.add(g) + 1;
            }
            local[i] = lastLocal;
        }
        long[] ids = seen.ids();
        Integer[] byId = new Integer[ids.length];
        for (int k = 0; k < ids.length; k++) {
            byId[k] = k;
        }
        Arrays.sort(byId, (a, b) -> Long.compare(ids[a], ids[b]));
        long[] map = new long[ids.length + 1];
        int[] rank = new int[ids.length + 1];
        for (int r = 0; r < byId.length; r++) {
            map[r + 1] = ids[byId[r]];
            rank[byId[r] + 1] = r + 1;
        }
        for (int i = 0; i < local.length; i++) {
            local[i] = rank[local[i]];
        }
        return new Relabeling(local, map);
    }

    /**
     * Local ids of {@code global} through a region's map back ({@code globalOfLocal}: index 0 background, then
     * ascending global ids), or null when a non-zero value is not in the map (another segmentation's map).
     */
    public static int[] localIds(long[] global, long[] globalOfLocal) {
        LongIndex index = new LongIndex(globalOfLocal.length);
        for (int k = 1; k < globalOfLocal.length; k++) {
            index.add(globalOfLocal[k]);
        }
        int[] local = new int[global.length];
        long last = 0;
        int lastLocal = 0;
        for (int i = 0; i < global.length; i++) {
            long g = global[i];
            if (g == 0) {
                continue;
            }
            if (g != last) {
                int k = index.indexOf(g);
                if (k < 0) {
                    return null;
                }
                last = g;
                lastLocal = k + 1;
            }
            local[i] = lastLocal;
        }
        return local;
    }

    public int count() {
        return globalOfLocal.length - 1;
    }
}
