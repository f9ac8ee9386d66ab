package org.basin.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.basin.error.BasinException;
import org.junit.jupiter.api.Test;

/** Patch tiling and blending with networks written in Java, so the expected output is known exactly. */
class SlidingWindowTest {
    private static ModelSpec spec(int[] in, int[] out, ModelSpec.Output kind) {
        return new ModelSpec(in, out, kind, 1, 0, false);
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    /** Channels (x, 0.5x + 0.25, 1 - x) per voxel: a pointwise network. */
    private static SlidingWindow.PatchPredictor pointwise(int inN) {
        return (patches, count) -> {
            float[] o = new float[count * 3 * inN];
            for (int p = 0; p < count; p++) {
                for (int i = 0; i < inN; i++) {
                    float x = patches[p * inN + i];
                    o[(p * 3) * inN + i] = x;
                    o[(p * 3 + 1) * inN + i] = 0.5f * x + 0.25f;
                    o[(p * 3 + 2) * inN + i] = 1 - x;
                }
            }
            return o;
        };
    }

    /**
     * A valid-convolution network with margin 1 that outputs true affinities of the boundary map b = input:
     * channel c at kept voxel w is min(1 - b(w), 1 - b(w - e_c)), both read from the input patch.
     */
    private static SlidingWindow.PatchPredictor trueAffinity(int[] in) {
        int[] out = {in[0] - 2, in[1] - 2, in[2] - 2};
        int inN = in[0] * in[1] * in[2];
        int outN = out[0] * out[1] * out[2];
        int[] step = {in[1] * in[2], in[2], 1};
        return (patches, count) -> {
            float[] o = new float[count * 3 * outN];
            for (int p = 0; p < count; p++) {
                for (int z = 0, w = 0; z < out[0]; z++) {
                    for (int y = 0; y < out[1]; y++) {
                        for (int x = 0; x < out[2]; x++, w++) {
                            int v = p * inN + ((z + 1) * in[1] + y + 1) * in[2] + x + 1;
                            for (int c = 0; c < 3; c++) {
                                o[(p * 3 + c) * outN + w] = Math.min(1 - patches[v], 1 - patches[v - step[c]]);
                            }
                        }
                    }
                }
            }
            return o;
        };
    }

    @Test
    void patchStartsCoverTheAxisAndTheLastIsFlushWithTheEnd() {
        assertArrayEquals(new int[] {0, 3, 6}, SlidingWindow.starts(10, 4, 3));
        assertArrayEquals(new int[] {0, 4, 6}, SlidingWindow.starts(10, 4, 4));
        assertArrayEquals(new int[] {0}, SlidingWindow.starts(4, 4, 2));
        assertArrayEquals(new int[] {0}, SlidingWindow.starts(3, 4, 2));
        assertArrayEquals(new int[] {0, 1}, SlidingWindow.starts(5, 4, 3));
    }

    @Test
    void bumpPeaksInTheCentreAndStaysPositive() {
        float[] w = SlidingWindow.bump(9);
        assertEquals(1f, w[4], 1e-6f);
        assertEquals(w[0], w[8], 0f);
        assertTrue(w[0] > 0 && w[0] < w[1] && w[3] < w[4]);
        assertEquals(1f, SlidingWindow.bump(1)[0], 1e-6f);
    }

    @Test
    void mirrorPaddingReflectsWithoutRepeatingTheEdge() {
        assertEquals(1, SlidingWindow.reflect(-1, 5));
        assertEquals(3, SlidingWindow.reflect(5, 5));
        assertEquals(2, SlidingWindow.reflect(-6, 5));
        assertEquals(0, SlidingWindow.reflect(7, 1));
        float[] p = SlidingWindow.mirrorPad(new float[] {10, 11, 12}, new int[] {1, 1, 3}, new int[] {0, 0, 2}, new int[] {1, 1, 7});
        assertArrayEquals(new float[] {12, 11, 10, 11, 12, 11, 10}, p);
    }

    @Test
    void pointwiseNetworkBlendsToTheDirectValueForAnyPatchAndOverlap() {
        Random r = new Random(3);
        for (int trial = 0; trial < 25; trial++) {
            int[] shape = {1 + r.nextInt(12), 1 + r.nextInt(20), 1 + r.nextInt(20)};
            int[] patch = {1 + r.nextInt(8), 1 + r.nextInt(9), 1 + r.nextInt(9)};
            int[] overlap = {r.nextInt(patch[0]), r.nextInt(patch[1]), r.nextInt(patch[2])};
            int batch = 1 + r.nextInt(4);
            float[] x = random(r, shape[0] * shape[1] * shape[2]);
            SlidingWindow w = new SlidingWindow(spec(patch, patch, ModelSpec.Output.affinity), overlap, batch);
            float[] y = w.apply(x, shape, pointwise(patch[0] * patch[1] * patch[2]));
            int n = x.length;
            for (int i = 0; i < n; i++) {
                assertEquals(x[i], y[i], 1e-6f, "trial " + trial);
                assertEquals(0.5f * x[i] + 0.25f, y[n + i], 1e-6f, "trial " + trial);
                assertEquals(1 - x[i], y[2 * n + i], 1e-6f, "trial " + trial);
            }
            float[] flips = w.applyWithFlips(x, shape, pointwise(patch[0] * patch[1] * patch[2]), false);
            for (int i = 0; i < 3 * n; i++) {
                assertEquals(y[i], flips[i], 1e-6f, "flips, trial " + trial);
            }
        }
    }

    @Test
    void validConvolutionOutputIsPlacedAtTheRightVoxels() {
        Random r = new Random(5);
        int[] shape = {9, 17, 23};
        float[] b = random(r, shape[0] * shape[1] * shape[2]);
        float[] expected = Affinities.fromBoundary(b, shape);
        int[] in = {5, 7, 8};
        ModelSpec s = spec(in, new int[] {3, 5, 6}, ModelSpec.Output.affinity);
        assertArrayEquals(new int[] {2, 2, 2}, s.halo());
        SlidingWindow w = new SlidingWindow(s, new int[] {1, 2, 3}, 2);
        float[] plain = w.apply(b, shape, trueAffinity(in));
        // with flips, affinity channels move back by one voxel along their own axis
        float[] flips = w.applyWithFlips(b, shape, trueAffinity(in), true);
        int n = b.length;
        for (int z = 1; z < shape[0]; z++) {
            for (int y = 1; y < shape[1]; y++) {
                for (int x = 1; x < shape[2]; x++) {
                    int v = (z * shape[1] + y) * shape[2] + x;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(expected[c * n + v], plain[c * n + v], 1e-6f);
                        assertEquals(expected[c * n + v], flips[c * n + v], 1e-6f);
                    }
                }
            }
        }
    }

    @Test
    void resultDoesNotDependOnTheBatchSize() {
        Random r = new Random(7);
        int[] shape = {7, 19, 21};
        float[] b = random(r, shape[0] * shape[1] * shape[2]);
        int[] in = {4, 6, 7};
        ModelSpec s = spec(in, new int[] {2, 4, 5}, ModelSpec.Output.affinity);
        float[] one = new SlidingWindow(s, new int[] {1, 1, 2}, 1).apply(b, shape, trueAffinity(in));
        for (int batch : new int[] {2, 5, 64}) {
            assertArrayEquals(one, new SlidingWindow(s, new int[] {1, 1, 2}, batch).apply(b, shape, trueAffinity(in)), "batch " + batch);
        }
    }

    @Test
    void chunksWithTheDerivedHaloEqualWholeVolumeInference() {
        Random r = new Random(11);
        int[] shape = {10, 16, 30};
        float[] b = random(r, shape[0] * shape[1] * shape[2]);
        int[] in = {5, 6, 7};
        ModelSpec s = spec(in, new int[] {3, 4, 5}, ModelSpec.Output.affinity);
        SlidingWindow w = new SlidingWindow(s, new int[] {0, 1, 2}, 3);
        float[] whole = w.apply(b, shape, trueAffinity(in));
        int halo = s.halo()[2];
        // two chunks split at x = 13, each padded by the halo on its inner side only (volume borders clip it)
        int[][] cores = {{0, 13}, {13, 30}};
        for (int[] core : cores) {
            int lo = Math.max(0, core[0] - halo);
            int hi = Math.min(shape[2], core[1] + halo);
            int[] cs = {shape[0], shape[1], hi - lo};
            float[] chunk = new float[cs[0] * cs[1] * cs[2]];
            for (int z = 0, v = 0; z < cs[0]; z++) {
                for (int y = 0; y < cs[1]; y++) {
                    for (int x = 0; x < cs[2]; x++, v++) {
                        chunk[v] = b[(z * shape[1] + y) * shape[2] + lo + x];
                    }
                }
            }
            float[] part = w.apply(chunk, cs, trueAffinity(in));
            int n = whole.length / 3;
            int cn = chunk.length;
            for (int c = 0; c < 3; c++) {
                for (int z = 0; z < cs[0]; z++) {
                    for (int y = 0; y < cs[1]; y++) {
                        for (int x = core[0]; x < core[1]; x++) {
                            assertEquals(whole[c * n + (z * shape[1] + y) * shape[2] + x], part[c * cn + (z * cs[1] + y) * cs[2] + x - lo], 1e-6f,
                                    "channel " + c + " voxel " + x + "," + y + "," + z);
                        }
                    }
                }
            }
        }
    }

    @Test
    void badOverlapOrBatchIsRefused() {
        ModelSpec s = spec(new int[] {4, 4, 4}, new int[] {4, 4, 4}, ModelSpec.Output.boundary);
        BasinException e = assertThrows(BasinException.class, () -> new SlidingWindow(s, new int[] {0, 4, 0}, 1));
        assertTrue(e.getMessage().contains("--overlap y=4"), e.getMessage());
        assertThrows(BasinException.class, () -> new SlidingWindow(s, new int[] {0, 0, 0}, 0));
    }
}
