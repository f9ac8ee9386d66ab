package org.basin.omni;

import java.util.HashMap;
import java.util.Map;

/**
 * One region's part of the segments' spanning tree, as Omni reads it: {@code dend} is 2 x N (row 0 the first local id
 * of every edge, row 1 the second), {@code dendValues} the N affinities.
 *
 * @param ids    2 x N local ids, row-major
 * @param values N affinities
 */
public record Dendrogram(int[] ids, float[] values) {
    public int size() {
        return values.length;
    }

    /** The tree edges (global ids as (N, 2) rows, in decreasing affinity) whose two segments are both in the region. */
    public static Dendrogram restrict(long[] globalEdges, float[] affinity, Relabeling region) {
        long[] global = region.globalOfLocal();
        Map<Long, Integer> local = new HashMap<>(global.length * 2);
        for (int k = 1; k < global.length; k++) {
            local.put(global[k], k);
        }
        int n = affinity.length;
        int[] a = new int[n];
        int[] b = new int[n];
        float[] w = new float[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            Integer la = local.get(globalEdges[2 * i]);
            Integer lb = local.get(globalEdges[2 * i + 1]);
            if (la != null && lb != null) {
                a[kept] = la;
                b[kept] = lb;
                w[kept++] = affinity[i];
            }
        }
        int[] ids = new int[2 * kept];
        System.arraycopy(a, 0, ids, 0, kept);
        System.arraycopy(b, 0, ids, kept, kept);
        return new Dendrogram(ids, java.util.Arrays.copyOf(w, kept));
    }
}
