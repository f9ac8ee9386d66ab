package org.basin.fill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeededFillTest {
    /** Affinities (3, z, y, x) of one row along x: aff[x] joins x and x - 1. */
    static float[] rowAffinities(float... x) {
        float[] aff = new float[3 * x.length];
        System.arraycopy(x, 0, aff, 2 * x.length, x.length);
        return aff;
    }

    @Test
    void fillsByDistanceThenAffinityAndStopsAtTheBound() {
        // 5 . . . . . 9 along x: voxels 1, 2 are nearer 5, voxels 4, 5 nearer 9, voxel 3 is 3 steps from both
        long[] labels = {5, 0, 0, 0, 0, 0, 9};
        float[] aff = rowAffinities(0, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f, 0.1f); // voxel 3 joins 2 by 0.2, 4 by 0.7
        long[] two = labels.clone();
        assertEquals(4, SeededFill.fill(two, aff, new int[] {1, 1, 7}, 2));
        assertArrayEquals(new long[] {5, 5, 5, 0, 9, 9, 9}, two, "voxel 3 is 3 steps away: background at distance 2");
        long[] three = labels.clone();
        assertEquals(5, SeededFill.fill(three, aff, new int[] {1, 1, 7}, 3));
        assertArrayEquals(new long[] {5, 5, 5, 9, 9, 9, 9}, three, "the tie in distance goes to the higher affinity (0.7 to 9's side)");
        // equal affinities: the first neighbour in the order -z, -y, -x, +x, +y, +z, here -x (label 5)
        long[] tied = labels.clone();
        SeededFill.fill(tied, rowAffinities(0, 0.1f, 0.1f, 0.5f, 0.5f, 0.1f, 0.1f), new int[] {1, 1, 7}, 3);
        assertArrayEquals(new long[] {5, 5, 5, 5, 9, 9, 9}, tied);
        long[] none = labels.clone();
        assertEquals(0, SeededFill.fill(none, aff, new int[] {1, 1, 7}, 0));
        assertArrayEquals(labels, none);
    }

    @Test
    void onlyBackgroundReachableThroughBackgroundIsFilled() {
        // a 1x3x3 plane: segment 7 in the corner; the far corner is 4 steps away
        long[] labels = {7, 0, 0, 0, 0, 0, 0, 0, 0};
        long[] out = labels.clone();
        assertEquals(5, SeededFill.fill(out, new float[27], new int[] {1, 3, 3}, 2));
        assertArrayEquals(new long[] {7, 7, 7, 7, 7, 0, 7, 0, 0}, out);
        long[] empty = new long[8];
        assertEquals(0, SeededFill.fill(empty, new float[24], new int[] {2, 2, 2}, 5), "no segment: nothing to fill from");
    }

    @Test
    void fillThenTableEqualsTableThenFill() {
        // the pipeline fills supervoxels and maps them through each agglomeration threshold's table afterwards
        Random rnd = new Random(3);
        int[] shape = {6, 7, 8};
        int n = 6 * 7 * 8;
        for (int trial = 0; trial < 20; trial++) {
            long[] labels = randomLabels(rnd, n, 6, 0.5);
            float[] aff = randomAffinities(rnd, 3 * n, 4);
            long[] table = {0, 1, 1, 2, 2, 3, 1};
            long[] a = labels.clone();
            SeededFill.fill(a, aff, shape, 3);
            for (int i = 0; i < n; i++) {
                a[i] = table[(int) a[i]];
            }
            long[] b = new long[n];
            for (int i = 0; i < n; i++) {
                b[i] = table[(int) labels[i]];
            }
            SeededFill.fill(b, aff, shape, 3);
            assertArrayEquals(b, a, "trial " + trial);
        }
    }

    @Test
    void blocksWithAHaloOfTheDistanceEqualTheWholeVolume() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            int[] shape = {3 + rnd.nextInt(8), 3 + rnd.nextInt(8), 3 + rnd.nextInt(8)};
            int n = shape[0] * shape[1] * shape[2];
            int h = 1 + rnd.nextInt(4);
            long[] labels = randomLabels(rnd, n, 1 + rnd.nextInt(5), 0.3 + 0.6 * rnd.nextDouble());
            float[] aff = randomAffinities(rnd, 3 * n, 1 + rnd.nextInt(4)); // few levels: many ties
            long[] whole = labels.clone();
            SeededFill.fill(whole, aff, shape, h);
            int[] chunk = {1 + rnd.nextInt(shape[0]), 1 + rnd.nextInt(shape[1]), 1 + rnd.nextInt(shape[2])};
            long[] blocked = new long[n];
            for (int z0 = 0; z0 < shape[0]; z0 += chunk[0]) {
                for (int y0 = 0; y0 < shape[1]; y0 += chunk[1]) {
                    for (int x0 = 0; x0 < shape[2]; x0 += chunk[2]) {
                        int[] lo = {Math.max(0, z0 - h), Math.max(0, y0 - h), Math.max(0, x0 - h)};
                        int[] hi = {Math.min(shape[0], z0 + chunk[0] + h), Math.min(shape[1], y0 + chunk[1] + h), Math.min(shape[2], x0 + chunk[2] + h)};
                        int[] ps = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
                        int pn = ps[0] * ps[1] * ps[2];
                        long[] pl = new long[pn];
                        float[] pa = new float[3 * pn];
                        for (int z = 0; z < ps[0]; z++) {
                            for (int y = 0; y < ps[1]; y++) {
                                for (int x = 0; x < ps[2]; x++) {
                                    int g = ((lo[0] + z) * shape[1] + lo[1] + y) * shape[2] + lo[2] + x;
                                    int l = (z * ps[1] + y) * ps[2] + x;
                                    pl[l] = labels[g];
                                    for (int c = 0; c < 3; c++) {
                                        pa[c * pn + l] = aff[c * n + g];
                                    }
                                }
                            }
                        }
                        SeededFill.fill(pl, pa, ps, h);
                        for (int z = z0; z < Math.min(shape[0], z0 + chunk[0]); z++) {
                            for (int y = y0; y < Math.min(shape[1], y0 + chunk[1]); y++) {
                                for (int x = x0; x < Math.min(shape[2], x0 + chunk[2]); x++) {
                                    blocked[(z * shape[1] + y) * shape[2] + x] = pl[((z - lo[0]) * ps[1] + y - lo[1]) * ps[2] + x - lo[2]];
                                }
                            }
                        }
                    }
                }
            }
            assertArrayEquals(whole, blocked, "trial " + trial + " shape " + Arrays.toString(shape) + " halo " + h);
        }
    }

    static long[] randomLabels(Random rnd, int n, int segments, double background) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = rnd.nextDouble() < background ? 0 : 1 + rnd.nextInt(segments);
        }
        return out;
    }

    static float[] randomAffinities(Random rnd, int n, int levels) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = rnd.nextInt(levels) / (float) levels;
        }
        return out;
    }

    @Test
    void aVoxelWhoseOnlyEdgesAreNotNumbersStillTakesALabel() {
        // 1 x 1 x 3: a segment, then two background voxels; every affinity NaN
        long[] labels = {7, 0, 0};
        float[] aff = new float[9];
        Arrays.fill(aff, Float.NaN);
        assertEquals(2, SeededFill.fill(labels, aff, new int[] {1, 1, 3}, 2));
        assertArrayEquals(new long[] {7, 7, 7}, labels);
    }
}
