package org.basin.stitch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.basin.graph.RegionGraph;
import org.basin.watershed.Watershed;

/**
 * Issue 15's invariant: the merge as a tree of tasks, for random volumes (ties everywhere, values exactly at T_high and
 * T_low), random thresholds, random chunkings and random fan-ins (1 to 4 per axis, so fan-ins that do not divide the
 * grid, axes left to the top, and a single task over all chunks), gives the whole-volume watershed's segmentation up to
 * renaming and exactly the single-task merge's up to renaming: the same maximum spanning forest edge for edge (in the
 * same order), whose weights are those of a maximum spanning forest of the final segments, and the same region graph
 * with the same sums and counts.
 */
class HierarchicalMergePropertyTest {
    record Case(ChunkedWatershedPropertyTest.Case volume, int[] first, int[] fanIn) {
        @Override
        public String toString() {
            return volume + " fan-in " + java.util.Arrays.toString(fanIn) + " (level 1: " + java.util.Arrays.toString(first) + ")";
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> fanIns = Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4)).as((z, y, x) -> new int[] {z, y, x});
        // level 1's own fan-in (the pipeline's watershed blocks), the same as the others' in a third of the cases
        return Combinators.combine(new ChunkedWatershedPropertyTest().cases(), fanIns, fanIns, Arbitraries.integers().between(0, 2))
                .as((v, first, fan, same) -> new Case(v, same == 0 ? fan : first, fan));
    }

    @Property(tries = 250)
    void treeOfTasksEqualsWholeVolumeAndSingleTask(@ForAll("cases") Case t) {
        ChunkedWatershedPropertyTest.Case c = t.volume();
        Watershed.Result whole = Watershed.run(c.aff().clone(), c.shape(), c.params());
        ChunkedWatershed.Chunks chunks = ChunkedWatershed.chunks(c.aff(), c.shape(), c.chunk(), c.params());
        ChunkedWatershed.Stitched single = ChunkedWatershed.stitch(chunks, c.params());
        HierarchicalMerge.Result h = HierarchicalMerge.run(chunks.segments(), chunks.planes(), c.shape(), c.chunk(), c.params(), t.first(), t.fanIn(), true);
        long[] labels = chunks.relabel(h.idTables());
        ChunkedWatershed.assertSameUpToRenaming(whole.labels(), labels, t + ": against the whole volume");
        ChunkedWatershed.assertSameUpToRenaming(single.labels(), labels, t + ": against the single-task merge");
        // ids 1..count, each used
        long max = java.util.Arrays.stream(labels).max().orElse(0);
        assertEquals(max, h.count(), t + ": segment count");
        assertEquals(java.util.Arrays.stream(single.labels()).max().orElse(0), h.count(), t + ": segment count against the single task");
        Map<Long, Long> toTree = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            toTree.put(single.labels()[i], labels[i]);
        }
        // the forest: edge for edge the single task's, in the same order
        RegionGraph.Edges st = single.tree();
        RegionGraph.Edges ht = h.tree();
        assertEquals(st.size(), ht.size(), t + ": tree edges");
        for (int i = 0; i < st.size(); i++) {
            long a = toTree.get((long) st.a()[i]);
            long b = toTree.get((long) st.b()[i]);
            assertEquals(Math.min(a, b) + "-" + Math.max(a, b) + "@" + st.w()[i], ht.a()[i] + "-" + ht.b()[i] + "@" + ht.w()[i], t + ": tree edge " + i);
        }
        assertArrayEquals(ChunkedWatershed.spanningWeights(whole.labels(), c.aff(), c.shape()), ht.w(), t + ": tree weights");
        // the region graph between final segments, voxel edge by voxel edge
        Map<Long, ChunkedWatershed.EdgeStats> truth = ChunkedWatershed.bruteForceGraph(labels, c.aff(), c.shape());
        assertEquals(truth, ChunkedWatershed.byPair(h.regionGraph(), id -> id), t + ": region graph");
        for (int i = 1; i < h.regionGraph().size(); i++) {
            RegionGraph.Edges g = h.regionGraph();
            boolean ordered = g.w()[i - 1] > g.w()[i] || (g.w()[i - 1] == g.w()[i] && g.key()[i - 1] < g.key()[i]);
            assertEquals(true, ordered, t + ": region graph order at " + i);
        }
    }
}
