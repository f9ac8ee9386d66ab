package org.basin.watershed;

import org.basin.graph.DisjointSets;
import org.basin.graph.RegionGraph;

/**
 * Size-dependent single linkage (Zlateski &amp; Seung): region-graph edges one at a time in decreasing affinity; an
 * edge at or above T_high always joins, a weaker one joins when either side is smaller than the size rule allows
 * at that moment.
 *
 * <p>Edges of equal affinity are taken in the order of their keys (the global index of the voxel edge that defines
 * each, see {@link RegionGraph}): an order every chunk and the merge step compute alike, so a chunked watershed
 * equals the whole-volume one, and, as in Zlateski and Seung's algorithm, a small segment tied to two large ones
 * joins the first and is then large itself: it never bridges them.
 *
 * <p>Within a chunk, {@code frozen} marks sets whose size or neighbours are not all known (indexed by set root,
 * kept up to date). A frozen set's global size is never smaller than its size here, so an edge whose two sides are
 * both at or above the size limit is certain not to join; any other edge that involves a frozen set is not taken:
 * both sides become frozen as they are, and the merge step decides them with the global sizes. A set never frozen
 * has all its edges here, in the global order, and ends exactly as it would in the whole volume.
 */
public final class Linkage {
    private Linkage() {
    }

    /** @param sorted edges by decreasing affinity, ties by key; @param frozen by set root, updated; null when nothing is frozen */
    public static void run(DisjointSets sets, RegionGraph.Edges sorted, WatershedParams p, boolean[] frozen) {
        run(sets, sorted, p, frozen, null);
    }

    /**
     * As {@link #run(DisjointSets, RegionGraph.Edges, WatershedParams, boolean[])}, over only the edges whose two
     * ends (segment ids) are marked in {@code between} (null: all): the merge step decides only what the chunks left.
     */
    public static void run(DisjointSets sets, RegionGraph.Edges sorted, WatershedParams p, boolean[] frozen, boolean[] between) {
        int m = sorted.size();
        int[] ea = sorted.a();
        int[] eb = sorted.b();
        float[] ew = sorted.w();
        float high = p.tHigh();
        float last = Float.NaN;
        double limit = 0;
        for (int i = 0; i < m; i++) {
            if (between != null && !(between[ea[i]] && between[eb[i]])) {
                continue;
            }
            int a = sets.find(ea[i]);
            int b = sets.find(eb[i]);
            if (a == b) {
                continue;
            }
            float w = ew[i];
            if (w >= high) {
                boolean f = frozen != null && (frozen[a] || frozen[b]);
                int r = sets.union(a, b);
                if (frozen != null) {
                    frozen[r] = f;
                }
                continue;
            }
            if (w != last) {
                last = w;
                limit = p.sizeThreshold(w);
                if (limit <= 0) {
                    break; // the limit only falls with the affinity: nothing below joins
                }
            }
            // both sides at or above the limit: no join, whatever a frozen side's global size (never smaller)
            if (sets.size(a) >= limit && sets.size(b) >= limit) {
                continue;
            }
            if (frozen != null && (frozen[a] || frozen[b])) {
                frozen[a] = true;
                frozen[b] = true;
                continue;
            }
            sets.union(a, b);
        }
    }
}
