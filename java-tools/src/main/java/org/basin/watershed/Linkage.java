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
 * has all its edges here, in the global order, and ends exactly as it would in the whole volume. The hierarchical
 * merge also takes the joins that are certain across the frozen boundary (see
 * {@link #run(DisjointSets, RegionGraph.Edges, WatershedParams, boolean[], Growth, GrowthSink)}); a watershed chunk
 * does not, since its files keep no growth.
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
        run(sets, sorted, p, frozen, between, null, null);
    }

    /**
     * Voxels that sets gain at points of the edge order, {@code (w, key)} sorted as the edges are: what a lower task of
     * the hierarchical merge joined to an open segment there, replayed so that the segment's size is right at every
     * edge the parent decides. {@code id}: a member of the set that grows.
     */
    public record Growth(float[] w, long[] key, int[] id, long[] voxels) {
        public static final Growth NONE = new Growth(new float[0], new long[0], new int[0], new long[0]);

        public int size() {
            return w.length;
        }
    }

    /** Told each time a frozen set grows: by a certain join at edge {@code (w, key)}, or by a {@link Growth} applied to it. */
    public interface GrowthSink {
        void grew(float w, long key, int member, long voxels);
    }

    /**
     * As {@link #run(DisjointSets, RegionGraph.Edges, WatershedParams, boolean[])}, with {@code pending} growth applied in
     * order, and with certain joins across the frozen boundary taken: a frozen set and a set never frozen that is below
     * the limit join whatever the frozen one's global size (the rule needs only one side below it, and the other set's
     * global size is its size here). The join is reported to {@code sink} (the frozen set grew there), since a parent that
     * decides the frozen set's earlier edges must not see the voxels it gained later. Freezing then spreads only to sets
     * at or above the limit, not along every chain of small ones.
     */
    public static void run(DisjointSets sets, RegionGraph.Edges sorted, WatershedParams p, boolean[] frozen, Growth pending, GrowthSink sink) {
        if (sink == null || frozen == null) {
            throw new IllegalArgumentException("growth needs frozen marks and a sink");
        }
        run(sets, sorted, p, frozen, null, pending == null ? Growth.NONE : pending, sink);
    }

    private static void run(DisjointSets sets, RegionGraph.Edges sorted, WatershedParams p, boolean[] frozen, boolean[] between, Growth pending,
            GrowthSink sink) {
        int m = sorted.size();
        int[] ea = sorted.a();
        int[] eb = sorted.b();
        float[] ew = sorted.w();
        long[] ek = sorted.key();
        float high = p.tHigh();
        float last = Float.NaN;
        double limit = 0;
        int g = 0;
        int gn = pending == null ? 0 : pending.size();
        for (int i = 0; i < m; i++) {
            float w = ew[i];
            while (g < gn && (pending.w()[g] > w || (pending.w()[g] == w && pending.key()[g] < ek[i]))) {
                grow(sets, pending, g++, frozen, sink);
            }
            if (between != null && !(between[ea[i]] && between[eb[i]])) {
                continue;
            }
            int a = sets.find(ea[i]);
            int b = sets.find(eb[i]);
            if (a == b) {
                continue;
            }
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
                int neverFrozen = frozen[a] ? b : a;
                if (sink != null && frozen[a] != frozen[b] && sets.size(neverFrozen) < limit) {
                    sink.grew(w, ek[i], neverFrozen == a ? b : a, sets.size(neverFrozen));
                    frozen[sets.union(a, b)] = true;
                    continue;
                }
                frozen[a] = true;
                frozen[b] = true;
                continue;
            }
            sets.union(a, b);
        }
        while (g < gn) {
            grow(sets, pending, g++, frozen, sink);
        }
    }

    private static void grow(DisjointSets sets, Growth pending, int g, boolean[] frozen, GrowthSink sink) {
        int r = sets.find(pending.id()[g]);
        sets.grow(r, pending.voxels()[g]);
        if (frozen[r]) {
            sink.grew(pending.w()[g], pending.key()[g], r, pending.voxels()[g]);
        }
    }
}
