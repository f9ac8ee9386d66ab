package org.basin.watershed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.basin.stitch.ChunkedWatershed;
import org.basin.watershed.WatershedParams.SizeRule;

/**
 * basin's watershed against {@link SequentialReference}, a plain sequential Zlateski-Seung: on tie-free (jittered)
 * affinities, and on affinities full of tied edges between segments (ties between a voxel's best edges are what
 * the reference leaves out), whole and chunked.
 */
class SequentialReferenceTest {
    record Case(int[] shape, float[] aff, int[] chunk, WatershedParams params, long seed) {
        @Override
        public String toString() {
            return "shape " + Arrays.toString(shape) + " chunk " + Arrays.toString(chunk) + " " + params + " seed " + seed;
        }
    }

    static Arbitrary<WatershedParams> params() {
        return Combinators.combine(Arbitraries.of(0.9f, 0.99f), Arbitraries.of(0.05f, 0.2f), Arbitraries.of(0.3f, 0.5f),
                Arbitraries.of(0L, 4L, 25L, 200L), Arbitraries.of(0L, 3L, 12L), Arbitraries.of(SizeRule.SQUARE, SizeRule.CONSTANT))
                .as(WatershedParams::new);
    }

    /**
     * Segments (cells around a few random seeds) with strong, distinct affinities inside and boundaries between
     * them drawn from a few values (ties everywhere, T_low and T_high among them); {@code jitter}: every affinity
     * made distinct as well.
     */
    static Arbitrary<Case> cases(boolean jitter) {
        Arbitrary<int[]> shapes = Combinators.combine(Arbitraries.integers().between(1, 7), Arbitraries.integers().between(1, 10),
                Arbitraries.integers().between(1, 12)).as((z, y, x) -> new int[] {z, y, x});
        return Combinators.combine(shapes, params(), Arbitraries.longs(), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 6))
                .as((shape, p, seed, cz, cy, cx) -> {
                    Random r = new Random(seed);
                    int n = shape[0] * shape[1] * shape[2];
                    int[] cell = cells(shape, 1 + r.nextInt(Math.max(1, n / 6)), r);
                    float[] boundary = {0.1f, 0.3f, 0.4f, 0.5f, 0.5f, 0.7f, p.tLow(), p.tHigh(), Math.nextUp(p.tLow()), p.tMerge()};
                    int[] step = {shape[1] * shape[2], shape[2], 1};
                    float[] aff = new float[3 * n];
                    for (int c = 0; c < 3; c++) {
                        for (int v = 0; v < n; v++) {
                            int at = v / step[c] % shape[c];
                            if (at == 0) {
                                aff[c * n + v] = r.nextFloat(); // no edge: any value
                            } else if (cell[v] == cell[v - step[c]] && r.nextInt(10) > 0) {
                                aff[c * n + v] = 0.75f + 0.24f * r.nextFloat();
                            } else {
                                aff[c * n + v] = boundary[r.nextInt(boundary.length)];
                            }
                        }
                    }
                    if (jitter) {
                        // noise below 0.001, then any values still equal pulled apart by an ulp: all distinct
                        for (int i = 0; i < aff.length; i++) {
                            aff[i] += 1e-3f * r.nextFloat();
                        }
                        distinct(aff);
                    } else {
                        SequentialReference.makeTieSafe(aff, shape, p);
                    }
                    return new Case(shape, aff, new int[] {cz, cy, cx}, p, seed);
                });
    }

    private static int[] cells(int[] shape, int seeds, Random r) {
        int n = shape[0] * shape[1] * shape[2];
        int[][] at = new int[seeds][3];
        for (int[] s : at) {
            for (int a = 0; a < 3; a++) {
                s[a] = r.nextInt(shape[a]);
            }
        }
        int[] cell = new int[n];
        for (int z = 0, v = 0; z < shape[0]; z++) {
            for (int y = 0; y < shape[1]; y++) {
                for (int x = 0; x < shape[2]; x++, v++) {
                    long best = Long.MAX_VALUE;
                    for (int i = 0; i < seeds; i++) {
                        long d = (long) (z - at[i][0]) * (z - at[i][0]) * 4 + (long) (y - at[i][1]) * (y - at[i][1]) + (long) (x - at[i][2]) * (x - at[i][2]);
                        if (d < best) {
                            best = d;
                            cell[v] = i;
                        }
                    }
                }
            }
        }
        return cell;
    }

    /** Raises values that equal a smaller-or-equal one to the next float above it, keeping the order. */
    private static void distinct(float[] aff) {
        Integer[] order = new Integer[aff.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Float.compare(aff[x], aff[y]));
        for (int i = 1; i < order.length; i++) {
            if (aff[order[i]] <= aff[order[i - 1]]) {
                aff[order[i]] = Math.nextUp(aff[order[i - 1]]);
            }
        }
    }

    @Provide
    Arbitrary<Case> jittered() {
        return cases(true);
    }

    @Provide
    Arbitrary<Case> tied() {
        return cases(false);
    }

    private static void check(Case c) {
        int[] want = SequentialReference.labels(c.aff(), c.shape(), c.params());
        int[] whole = Watershed.run(c.aff().clone(), c.shape(), c.params()).labels();
        ChunkedWatershed.assertSameUpToRenaming(Arrays.stream(want).asLongStream().toArray(), Arrays.stream(whole).asLongStream().toArray(),
                c + ": whole volume vs the sequential reference");
        ChunkedWatershed.assertSameUpToRenaming(Arrays.stream(want).asLongStream().toArray(),
                ChunkedWatershed.run(c.aff(), c.shape(), c.chunk(), c.params()), c + ": chunked vs the sequential reference");
    }

    @Property(tries = 300)
    void tieFreeAffinitiesGiveTheSequentialAlgorithmsSegments(@ForAll("jittered") Case c) {
        float[] edges = c.aff().clone();
        Arrays.sort(edges);
        for (int i = 1; i < edges.length; i++) {
            assertTrue(edges[i - 1] != edges[i], "jittered affinities tie");
        }
        check(c);
    }

    @Property(tries = 300)
    void tiedEdgesBetweenSegmentsAreTakenInTheCanonicalOrder(@ForAll("tied") Case c) {
        check(c);
    }
}
