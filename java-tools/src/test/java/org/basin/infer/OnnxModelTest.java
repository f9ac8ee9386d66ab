package org.basin.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.basin.error.BasinException;
import org.basin.io.Json;
import org.junit.jupiter.api.Test;

/** The committed ONNX models (made by models/make_models.py) through ONNX Runtime and the sliding window. */
class OnnxModelTest {
    static Path resource(String name) throws Exception {
        return Path.of(OnnxModelTest.class.getResource("/models/" + name).toURI());
    }

    static OnnxModel open(String name, int threads) throws Exception {
        return new OnnxModel(Files.readAllBytes(resource(name + ".onnx")), name + ".onnx", threads, "cpu");
    }

    static ModelSpec sidecar(String name) throws Exception {
        return ModelSpec.parse(Json.read(resource(name + ".json")), name + ".json");
    }

    private static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    @Test
    void pointwiseModelBlendsToTheDirectValueForAnyPatchAndOverlap() throws Exception {
        int[] shape = {7, 23, 26};
        float[] x = random(1, shape[0] * shape[1] * shape[2]);
        int n = x.length;
        int[][][] cases = {{{6, 10, 12}, {1, 2, 3}}, {{3, 5, 4}, {0, 0, 0}}, {{8, 30, 30}, {7, 29, 0}}, {{2, 7, 9}, {1, 6, 8}}};
        try (OnnxModel m = open("pointwise", 1)) {
            for (int[][] c : cases) {
                ModelSpec s = new ModelSpec(c[0], c[0], ModelSpec.Output.affinity, 1, 0, false);
                m.bind(s, "test", 2);
                float[] y = new SlidingWindow(s, c[1], 2).apply(x, shape, m);
                for (int i = 0; i < n; i++) {
                    assertEquals(x[i], y[i], 1e-6f);
                    assertEquals(0.5f * x[i] + 0.25f, y[n + i], 1e-6f);
                    assertEquals(1 - x[i], y[2 * n + i], 1e-6f);
                }
            }
        }
    }

    @Test
    void meanFilterMatchesAnIndependentMeanOverTheMirroredChunk() throws Exception {
        int[] shape = {9, 20, 17};
        float[] x = random(2, shape[0] * shape[1] * shape[2]);
        ModelSpec s = sidecar("mean3");
        assertArrayEquals(new int[] {1, 1, 1}, s.margin());
        float[] y;
        try (OnnxModel m = open("mean3", 1)) {
            m.bind(s, "mean3.json", 1);
            y = new SlidingWindow(s, new int[] {2, 3, 3}, 1).apply(x, shape, m);
        }
        for (int z = 0; z < shape[0]; z++) {
            for (int yy = 0; yy < shape[1]; yy++) {
                for (int xx = 0; xx < shape[2]; xx++) {
                    double sum = 0;
                    for (int dz = -1; dz <= 1; dz++) {
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                sum += x[(SlidingWindow.reflect(z + dz, shape[0]) * shape[1] + SlidingWindow.reflect(yy + dy, shape[1])) * shape[2]
                                        + SlidingWindow.reflect(xx + dx, shape[2])];
                            }
                        }
                    }
                    assertEquals(sum / 27, y[(z * shape[1] + yy) * shape[2] + xx], 2e-6, "voxel " + xx + "," + yy + "," + z);
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnBatchSizeOrThreads() throws Exception {
        int[] shape = {12, 30, 28};
        float[] x = random(3, shape[0] * shape[1] * shape[2]);
        float[] reference = null;
        for (int[] bt : new int[][] {{1, 1}, {4, 1}, {1, 2}, {3, 2}}) {
            try (OnnxModel m = open("valid3", bt[1])) {
                ModelSpec s = ModelSpec.parse(Json.parse(m.metadata("basin"), "valid3 metadata"), "valid3 metadata");
                m.bind(s, "valid3 metadata", bt[0]);
                float[] y = new SlidingWindow(s, new int[] {2, 3, 3}, bt[0]).apply(x, shape, m);
                if (reference == null) {
                    reference = y;
                    for (float v : y) {
                        assertTrue(v > 0 && v < 1, "sigmoid applied: " + v);
                    }
                } else {
                    for (int i = 0; i < y.length; i++) {
                        assertEquals(reference[i], y[i], 1e-6f, "batch " + bt[0] + " threads " + bt[1]);
                    }
                }
            }
        }
    }

    @Test
    void sidecarThatDisagreesWithTheModelFailsBeforeAnyVoxel() throws Exception {
        try (OnnxModel unet = open("unet", 1)) {
            ModelSpec wrongIn = new ModelSpec(new int[] {16, 96, 96}, new int[] {8, 80, 80}, ModelSpec.Output.affinity, 1, 0, false);
            BasinException e = assertThrows(BasinException.class, () -> unet.bind(wrongIn, "unet.json", 1));
            assertTrue(e.getMessage().contains("disagrees with input_patch [16, 96, 96]"), e.getMessage());
            ModelSpec wrongKind = new ModelSpec(new int[] {32, 96, 96}, new int[] {24, 80, 80}, ModelSpec.Output.boundary, 1, 0, false);
            e = assertThrows(BasinException.class, () -> unet.bind(wrongKind, "unet.json", 1));
            assertTrue(e.getMessage().contains("the output has 3 channels but unet.json says output 'boundary' (1)"), e.getMessage());
        }
        try (OnnxModel valid = open("valid3", 1)) {
            // a valid 3x3x3 convolution loses one voxel per side, not two
            ModelSpec wrongOut = new ModelSpec(new int[] {10, 14, 14}, new int[] {6, 10, 10}, ModelSpec.Output.affinity, 1, 0, true);
            BasinException e = assertThrows(BasinException.class, () -> valid.bind(wrongOut, "valid3 metadata", 2));
            assertTrue(e.getMessage().contains("the model returns [2, 3, 8, 12, 12]; valid3 metadata implies [2, 3, 6, 10, 10]"), e.getMessage());
        }
    }
}
