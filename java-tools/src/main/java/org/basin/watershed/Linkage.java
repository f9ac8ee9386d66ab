package org.basin.watershed;

import org.basin.graph.DisjointSets;
import org.basin.graph.IntList;
import org.basin.graph.RegionGraph;

/**
 * Size-dependent single linkage (Zlateski &amp; Seung): region-graph edges in decreasing affinity; an edge at or
 * above T_high always joins, a weaker one joins while either side is smaller than the size rule allows.
 *
 * <p>Edges of equal affinity are decided together, each on the sizes the sets had before any edge of that
 * affinity joined. Zlateski and Seung take them one at a time in some order; deciding them together gives the
 * same answer whatever the order, which is what makes a chunked watershed equal the whole-volume one when
 * affinities tie (common with uint8 affinities).
 *
 * <p>Within a chunk, {@code frozen} marks sets whose size or neighbours are not all known (indexed by set root,
 * kept up to date). A frozen set's global size is never smaller than its size here, so an edge whose two sides are
 * both at or above the size limit is certain not to join; any other decision that involves a frozen set is not
 * taken: the frozen set and every set linked to it by such open edges of that affinity become frozen as they are,
 * and the merge step decides them with the global sizes. Sets never frozen end exactly as they would in the whole
 * volume.
 */
public final class Linkage {
    private Linkage() {
    }

    /** @param sorted edges by decreasing affinity; @param frozen by set root, updated; null when nothing is frozen */
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
        int[] ra = new int[16];
        int[] rb = new int[16];
        boolean[] join = new boolean[16];
        Forest forest = frozen == null ? null : new Forest(frozen.length);
        int i = 0;
        while (i < m) {
            float w = ew[i];
            int j = i + 1;
            while (j < m && ew[j] == w) {
                j++;
            }
            if (w >= p.tHigh()) {
                for (int k = i; k < j; k++) {
                    if (between != null && !(between[ea[k]] && between[eb[k]])) {
                        continue;
                    }
                    int a = sets.find(ea[k]);
                    int b = sets.find(eb[k]);
                    if (a != b) {
                        boolean f = frozen != null && (frozen[a] || frozen[b]);
                        int r = sets.union(a, b);
                        if (frozen != null) {
                            frozen[r] = f;
                        }
                    }
                }
                i = j;
                continue;
            }
            double limit = p.sizeThreshold(w);
            if (limit <= 0) {
                break;
            }
            int len = j - i;
            if (ra.length < len) {
                ra = new int[len];
                rb = new int[len];
                join = new boolean[len];
            }
            boolean anyFrozen = false;
            for (int k = 0; k < len; k++) {
                int a = sets.find(ea[i + k]);
                int b = sets.find(eb[i + k]);
                // both sides at or above the limit: no join, whatever a frozen side's global size (never smaller)
                boolean open = a != b && (sets.size(a) < limit || sets.size(b) < limit)
                        && (between == null || between[ea[i + k]] && between[eb[i + k]]);
                ra[k] = a;
                rb[k] = open ? b : a;
                join[k] = open;
                anyFrozen |= open && frozen != null && (frozen[a] || frozen[b]);
            }
            if (anyFrozen) {
                forest.freezeAround(ra, rb, join, len, frozen);
            }
            for (int k = 0; k < len; k++) {
                if (join[k]) {
                    sets.union(ra[k], rb[k]);
                }
            }
            i = j;
        }
    }

    /**
     * Sets linked to a frozen set by this affinity's open edges (those that could join; through any chain of them)
     * are frozen and none of their edges joins now: which of those joins happen depends on sizes beyond the chunk.
     * Edges with rb == ra are closed (certain not to join) and link nothing. The forest of one affinity's open
     * edges lives in arrays indexed by set, reset after each use (boxed maps cost a chunk ~5% of its watershed).
     */
    private static final class Forest {
        private final int[] link; // parent within this affinity's forest; 0: a root (set ids start at 1)
        private final boolean[] marked; // roots of components with a frozen set
        private final IntList touched = new IntList();

        Forest(int sets) {
            link = new int[sets];
            marked = new boolean[sets];
        }

        void freezeAround(int[] ra, int[] rb, boolean[] join, int len, boolean[] frozen) {
            for (int k = 0; k < len; k++) {
                if (ra[k] != rb[k]) {
                    touched.add(ra[k]);
                    touched.add(rb[k]);
                    int x = root(ra[k]);
                    int y = root(rb[k]);
                    if (x != y) {
                        link[x] = y;
                    }
                }
            }
            for (int k = 0; k < len; k++) {
                if (ra[k] != rb[k] && (frozen[ra[k]] || frozen[rb[k]])) {
                    marked[root(ra[k])] = true;
                }
            }
            for (int k = 0; k < len; k++) {
                if (ra[k] != rb[k] && marked[root(ra[k])]) {
                    join[k] = false;
                    frozen[ra[k]] = true;
                    frozen[rb[k]] = true;
                }
            }
            for (int t = 0; t < touched.size(); t++) {
                link[touched.get(t)] = 0;
                marked[touched.get(t)] = false;
            }
            touched.clear();
        }

        private int root(int x) {
            while (link[x] != 0) {
                int up = link[link[x]];
                if (up != 0) {
                    link[x] = up; // path halving
                }
                x = link[x];
            }
            return x;
        }
    }
}
