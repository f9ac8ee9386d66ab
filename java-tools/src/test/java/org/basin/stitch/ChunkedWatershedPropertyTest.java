package org.basin.stitch;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import org.basin.watershed.WatershedParams.SizeRule;

/**
 * The invariant of issue 3: for random affinity volumes (many exact ties, values exactly at T_high and T_low),
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
        Arbitrary<WatershedParams> params = Combinators.combine(Arbitraries.of(0.9f, 0.99f), Arbitraries.of(0.05f, 0.2f),
                Arbitraries.of(0L, 4L, 25L, 200L), Arbitraries.of(0L, 3L, 12L), Arbitraries.of(SizeRule.SQUARE, SizeRule.CONSTANT))
                .as((high, low, size, dust, rule) -> new WatershedParams(high, low, 0.5f, size, dust, rule));
        Arbitrary<Integer> palettes = Arbitraries.integers().between(0, 2);
        return Combinators.combine(shapes, params, palettes, Arbitraries.longs(), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 6))
                .as((shape, p, palette, seed, cz, cy, cx) -> {
                    Random r = new Random(seed);
                    int n = shape[0] * shape[1] * shape[2];
                    float[] aff = new float[3 * n];
                    // palette 0: few values, so ties and plateaus everywhere; 1: the thresholds themselves and values
                    // around them; 2: continuous values (few ties) with the thresholds mixed in
                    float[] few = {0.1f, 0.3f, 0.5f, 0.5f, 0.7f, 0.95f};
                    float[] edge = {p.tLow(), p.tHigh(), 0.5f, Math.nextUp(p.tLow()), Math.nextDown(p.tHigh()), 0f, 1f};
                    for (int i = 0; i < aff.length; i++) {
                        aff[i] = switch (palette) {
                            case 0 -> few[r.nextInt(few.length)];
                            case 1 -> edge[r.nextInt(edge.length)];
                            default -> r.nextInt(8) == 0 ? edge[r.nextInt(2)] : r.nextFloat();
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
    }
}
