package org.basin.stitch;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.basin.agglomerate.MeanAffinity;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.basin.watershed.WatershedParams.SizeRule;

/**
 * The invariant of issue 3: for random affinity volumes (many exact ties, values exactly at T_high and T_low, and
 * segments tied to several neighbours, which single linkage takes one by one in the canonical order of issue 19),
 * random thresholds and random chunkings, the chunked watershed equals the whole-volume one up to renaming,
 * every segment is connected, and the tree for proofreading is a maximum spanning forest of the final segments.
 */
class ChunkedWatershedPropertyTest {
    record Case(int[] shape, float[] aff, int[] chunk, WatershedParams params, long seed) {
        @Override
        public String toString() {
            return "shape " + java.util.Arrays.toString(shape) + " chunk " + java.util.Arrays.toString(chunk) + " " + params + " seed " + seed;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> shapes = Combinators.combine(Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 11),
                Arbitraries.integers().between(1, 13)).as((z, y, x) -> new int[] {z, y, x});
        Arbitrary<WatershedParams> params = Combinators.combine(Arbitraries.of(0.9f, 0.99f), Arbitraries.of(-1f, 0.05f, 0.2f),
                Arbitraries.of(0L, 4L, 25L, 200L), Arbitraries.of(0L, 3L, 12L), Arbitraries.of(SizeRule.SQUARE, SizeRule.CONSTANT))
                .as((high, low, size, dust, rule) -> new WatershedParams(high, low, 0.5f, size, dust, rule));
        Arbitrary<Integer> palettes = Arbitraries.integers().between(0, 3);
        return Combinators.combine(shapes, params, palettes, Arbitraries.longs(), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 6))
                .as((shape, p, palette, seed, cz, cy, cx) -> {
                    Random r = new Random(seed);
                    int n = shape[0] * shape[1] * shape[2];
                    float[] aff = new float[3 * n];
                    // palette 0: few values, so ties and plateaus everywhere; 1: the thresholds themselves and values
                    // around them; 2: continuous values (few ties) with the thresholds mixed in; 3: blocks of a few
                    // strong values inside and a few weak ones between, so that segments of many sizes tie to
                    // several neighbours (the order of tied joins matters)
                    float[] few = {0.1f, 0.3f, 0.5f, 0.5f, 0.7f, 0.95f};
                    float[] edge = {p.tLow(), p.tHigh(), 0.5f, Math.nextUp(p.tLow()), Math.nextDown(p.tHigh()), 0f, 1f};
                    float[] inside = {0.8f, 0.9f, 0.9f, p.tHigh()};
                    float[] between = {0.2f, 0.4f, 0.4f, 0.5f, p.tLow(), Math.nextUp(p.tLow())};
                    int[] block = {1 + r.nextInt(4), 1 + r.nextInt(5), 1 + r.nextInt(6)};
                    int[] step = {shape[1] * shape[2], shape[2], 1};
                    for (int i = 0; i < aff.length; i++) {
                        int c = i / n;
                        int v = i % n;
                        int at = v / step[c] % shape[c];
                        aff[i] = switch (palette) {
                            case 0 -> few[r.nextInt(few.length)];
                            case 1 -> edge[r.nextInt(edge.length)];
                            case 2 -> r.nextInt(8) == 0 ? edge[r.nextInt(2)] : r.nextFloat();
                            default -> at % block[c] != 0 ? inside[r.nextInt(inside.length)] : between[r.nextInt(between.length)];
                        };
                    }
                    return new Case(shape, aff, new int[] {cz, cy, cx}, p, seed);
                });
    }

    @Property(tries = 400)
    void chunkedEqualsWholeVolume(@ForAll("cases") Case c) {
        Watershed.Result whole = Watershed.run(c.aff().clone(), c.shape(), c.params());
        ChunkedWatershed.Stitched chunked = ChunkedWatershed.runStitched(c.aff(), c.shape(), c.chunk(), c.params());
        ChunkedWatershed.assertSameUpToRenaming(whole.labels(), chunked.labels(), c.toString());
        ChunkedWatershed.assertConnected(whole.labels(), c.shape());
        // the merge step's tree is a maximum spanning forest of the graph between the final segments (with ties
        // there are several; their weights are the same)
        org.junit.jupiter.api.Assertions.assertArrayEquals(ChunkedWatershed.spanningWeights(whole.labels(), c.aff(), c.shape()),
                chunked.tree().w(), c + ": tree weights");
        // issue 19: the region graph between final segments (max, its key, fixed-point sum, count) is the one of the
        // labels, voxel edge by voxel edge, both whole and chunked (ids renamed to the whole volume's)
        long[] wholeLabels = java.util.Arrays.stream(whole.labels()).asLongStream().toArray();
        java.util.Map<Long, ChunkedWatershed.EdgeStats> truth = ChunkedWatershed.bruteForceGraph(wholeLabels, c.aff(), c.shape());
        org.junit.jupiter.api.Assertions.assertEquals(truth, ChunkedWatershed.byPair(whole.regionGraph(), id -> id), c + ": whole-volume region graph");
        java.util.Map<Long, Long> toWhole = new java.util.HashMap<>();
        for (int i = 0; i < wholeLabels.length; i++) {
            toWhole.put(chunked.labels()[i], wholeLabels[i]);
        }
        org.junit.jupiter.api.Assertions.assertEquals(truth, ChunkedWatershed.byPair(chunked.regionGraph(), toWhole::get), c + ": chunked region graph");
        // mean-affinity agglomeration of either graph cuts to the same segmentation at every threshold
        int chunkedCount = (int) java.util.Arrays.stream(chunked.labels()).max().orElse(0);
        MeanAffinity.Merges wm = MeanAffinity.run(whole.count(), whole.regionGraph(), 0.1f);
        MeanAffinity.Merges cm = MeanAffinity.run(chunkedCount, chunked.regionGraph(), 0.1f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(wm.sum(), cm.sum(), c + ": merge sums");
        org.junit.jupiter.api.Assertions.assertArrayEquals(wm.count(), cm.count(), c + ": merge counts");
        for (float t : new float[] {0.1f, 0.35f, 0.5f, 0.7f}) {
            long[] wt = wm.table(t);
            long[] ct = cm.table(t);
            long[] a = new long[wholeLabels.length];
            long[] b = new long[wholeLabels.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = wt[(int) wholeLabels[i]];
                b[i] = ct[(int) chunked.labels()[i]];
            }
            ChunkedWatershed.assertSameUpToRenaming(a, b, c + ": agglomerated at " + t);
        }
    }
}
