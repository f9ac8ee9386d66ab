package org.basin.infer;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.basin.error.BasinException;

/**
 * Patch-wise inference over a chunk. Output patches tile the chunk with a given overlap; the last patch on each axis is
 * shifted inward instead of running off the edge. Overlapping outputs are blended with a bump weight that is high in a
 * patch's centre and almost zero at its border (where a network sees least context), normalised so the weights at each
 * voxel sum to one. The input is mirror-padded by the model's margin so that every chunk voxel gets an output; at a
 * volume border that is the same mirror a whole-volume run sees, so chunked and whole-volume inference agree.
 */
public final class SlidingWindow {
    /**
     * Runs the network on {@code count} input patches [count, 1, z, y, x]; returns the kept outputs [count, C, z, y, x]
     * (the returned array may be reused by the next call).
     */
    @FunctionalInterface
    public interface PatchPredictor {
        float[] predict(float[] patches, int count);
    }

    private final int[] in;
    private final int[] out;
    private final int[] margin;
    private final int[] stride;
    private final int channels;
    private final int batch;

    /**
     * @param overlap output voxels shared by neighbouring patches (z, y, x), each in [0, output patch)
     * @param batch   patches per call of the predictor
     */
    public SlidingWindow(ModelSpec spec, int[] overlap, int batch) {
        this.in = spec.inputPatch();
        this.out = spec.outputPatch();
        this.margin = spec.margin();
        this.channels = spec.channels();
        if (batch < 1) {
            throw BasinException.badArguments("--batch must be at least 1; got " + batch);
        }
        this.batch = batch;
        this.stride = new int[3];
        for (int a = 0; a < 3; a++) {
            if (overlap[a] < 0 || overlap[a] >= out[a]) {
                throw BasinException.badArguments("--overlap " + "zyx".charAt(a) + "=" + overlap[a] + " must be at least 0 and below the output patch ("
                        + out[a] + ")");
            }
            stride[a] = out[a] - overlap[a];
        }
    }

    /** A quarter of the output patch on each axis: chunkflow's users' usual trade between seams and repeated work. */
    public static int[] defaultOverlap(ModelSpec spec) {
        int[] o = spec.outputPatch();
        return new int[] {o[0] / 4, o[1] / 4, o[2] / 4};
    }

    /** Patch starts along an axis of {@code length} voxels: every {@code stride}, the last one flush with the end. */
    public static int[] starts(int length, int patch, int stride) {
        if (length <= patch) {
            return new int[] {0};
        }
        int n = (length - patch + stride - 1) / stride + 1;
        int[] s = new int[n];
        for (int i = 0; i < n - 1; i++) {
            s[i] = i * stride;
        }
        s[n - 1] = length - patch;
        return s;
    }

    /**
     * Bump weight along one axis, exp(4 - 1/(t(1-t))) with t = (i+1)/(n+1): 1 in the centre, falling steeply to the
     * borders. Kept above 1e-4 so that a voxel only one patch covers (a chunk corner) still has a usable weight.
     */
    public static float[] bump(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double t = (i + 1.0) / (n + 1.0);
            w[i] = (float) Math.max(1e-4, Math.exp(4 - 1 / (t * (1 - t))));
        }
        return w;
    }

    /** Blended network output (C, z, y, x) for a normalised input chunk (z, y, x). */
    public float[] apply(float[] input, int[] shape, PatchPredictor predictor) {
        int[] l = new int[3];
        int[] q = new int[3];
        for (int a = 0; a < 3; a++) {
            l[a] = Math.max(shape[a], out[a]);
            q[a] = l[a] + 2 * margin[a];
        }
        float[] padded = mirrorPad(input, shape, margin, q);
        int[] sz = starts(l[0], out[0], stride[0]);
        int[] sy = starts(l[1], out[1], stride[1]);
        int[] sx = starts(l[2], out[2], stride[2]);
        float[] wz = bump(out[0]);
        float[] wyx = new float[out[1] * out[2]];
        float[] wy = bump(out[1]);
        float[] wx = bump(out[2]);
        for (int j = 0; j < out[1]; j++) {
            for (int i = 0; i < out[2]; i++) {
                wyx[j * out[2] + i] = wy[j] * wx[i];
            }
        }
        int ln = l[0] * l[1] * l[2];
        float[] sum = new float[channels * ln];
        float[] weight = new float[ln];
        int inN = in[0] * in[1] * in[2];
        int outN = out[0] * out[1] * out[2];
        float[] buffer = new float[batch * inN];
        int[][] pending = new int[batch][];
        int k = 0;
        for (int z : sz) {
            for (int y : sy) {
                for (int x : sx) {
                    copyPatch(padded, q, z, y, x, buffer, k * inN);
                    pending[k++] = new int[] {z, y, x};
                    if (k == batch) {
                        accumulate(predictor.predict(buffer, k), k, outN, pending, l, wz, wyx, sum, weight);
                        k = 0;
                    }
                }
            }
        }
        if (k > 0) {
            accumulate(predictor.predict(Arrays.copyOf(buffer, k * inN), k), k, outN, pending, l, wz, wyx, sum, weight);
        }
        int n = shape[0] * shape[1] * shape[2];
        if (n == ln) {
            // the usual case, a chunk at least one output patch big: normalise in place
            IntStream.range(0, channels).parallel().forEach(c -> {
                for (int v = 0; v < ln; v++) {
                    sum[c * ln + v] /= weight[v];
                }
            });
            return sum;
        }
        float[] result = new float[channels * n];
        for (int z = 0, v = 0; z < shape[0]; z++) {
            for (int y = 0; y < shape[1]; y++) {
                int row = (z * l[1] + y) * l[2];
                for (int x = 0; x < shape[2]; x++, v++) {
                    float w = weight[row + x];
                    for (int c = 0; c < channels; c++) {
                        result[c * n + v] = sum[c * ln + row + x] / w;
                    }
                }
            }
        }
        return result;
    }

    /**
     * Test-time augmentation: the blended output averaged over the eight flips of the chunk (each flipped back). An
     * affinity channel flipped along its own axis joins a voxel to its successor, so it moves back by one voxel; the
     * first plane, which has no source then, keeps the unflipped value.
     */
    public float[] applyWithFlips(float[] input, int[] shape, PatchPredictor predictor, boolean affinity) {
        float[] identity = apply(input, shape, predictor);
        float[] total = identity.clone();
        for (int flips = 1; flips < 8; flips++) {
            float[] r = flip(apply(flip(input, 1, shape, flips), shape, predictor), channels, shape, flips);
            if (affinity) {
                for (int a = 0; a < 3; a++) {
                    if ((flips & (1 << a)) != 0) {
                        shiftForward(r, identity, a, shape);
                    }
                }
            }
            for (int i = 0; i < total.length; i++) {
                total[i] += r[i];
            }
        }
        for (int i = 0; i < total.length; i++) {
            total[i] /= 8;
        }
        return total;
    }

    private void accumulate(float[] res, int count, int outN, int[][] starts, int[] l, float[] wz, float[] wyx, float[] sum, float[] weight) {
        if (res.length != count * channels * outN) {
            throw BasinException.badInput("the model returned " + res.length + " values for " + count + " patches; expected "
                    + (long) count * channels * outN);
        }
        // Channels are independent: blend them in parallel (the cores are idle between model calls). The weights go
        // with channel 0. Each voxel's sum is built in the same order whatever the thread count.
        IntStream.range(0, channels).parallel().forEach(c -> {
            for (int p = 0; p < count; p++) {
                accumulateChannel(res, (p * channels + c) * outN, starts[p], l, wz, wyx, sum, c * l[0] * l[1] * l[2], c == 0 ? weight : null);
            }
        });
    }

    private void accumulateChannel(float[] res, int src, int[] s, int[] l, float[] wz, float[] wyx, float[] sum, int dstC, float[] weight) {
        int plane = out[1] * out[2];
        for (int z = 0; z < out[0]; z++) {
            float w0 = wz[z];
            for (int y = 0; y < out[1]; y++) {
                int dst = ((s[0] + z) * l[1] + s[1] + y) * l[2] + s[2];
                int w = y * out[2];
                int r = src + z * plane + y * out[2];
                for (int x = 0; x < out[2]; x++) {
                    sum[dstC + dst + x] += w0 * wyx[w + x] * res[r + x];
                }
                if (weight != null) {
                    for (int x = 0; x < out[2]; x++) {
                        weight[dst + x] += w0 * wyx[w + x];
                    }
                }
            }
        }
    }

    private void copyPatch(float[] padded, int[] q, int z0, int y0, int x0, float[] buffer, int at) {
        for (int z = 0; z < in[0]; z++) {
            for (int y = 0; y < in[1]; y++) {
                System.arraycopy(padded, ((z0 + z) * q[1] + y0 + y) * q[2] + x0, buffer, at + (z * in[1] + y) * in[2], in[2]);
            }
        }
    }

    /** The input mirrored (numpy's 'reflect': the edge voxel is not repeated) into a box of shape q offset by lo. */
    static float[] mirrorPad(float[] input, int[] shape, int[] lo, int[] q) {
        float[] p = new float[q[0] * q[1] * q[2]];
        int[] xs = new int[q[2]];
        for (int x = 0; x < q[2]; x++) {
            xs[x] = reflect(x - lo[2], shape[2]);
        }
        for (int z = 0, v = 0; z < q[0]; z++) {
            int rz = reflect(z - lo[0], shape[0]);
            for (int y = 0; y < q[1]; y++) {
                int row = (rz * shape[1] + reflect(y - lo[1], shape[1])) * shape[2];
                for (int x = 0; x < q[2]; x++, v++) {
                    p[v] = input[row + xs[x]];
                }
            }
        }
        return p;
    }

    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int r = Math.floorMod(i, period);
        return r < n ? r : period - r;
    }

    /** Flips a (C, z, y, x) volume along the axes in {@code axes} (bit 0 = z, 1 = y, 2 = x). */
    static float[] flip(float[] v, int channels, int[] shape, int axes) {
        int nz = shape[0];
        int ny = shape[1];
        int nx = shape[2];
        int n = nz * ny * nx;
        float[] r = new float[v.length];
        for (int c = 0; c < channels; c++) {
            for (int z = 0; z < nz; z++) {
                int fz = (axes & 1) != 0 ? nz - 1 - z : z;
                for (int y = 0; y < ny; y++) {
                    int fy = (axes & 2) != 0 ? ny - 1 - y : y;
                    int src = c * n + (fz * ny + fy) * nx;
                    int dst = c * n + (z * ny + y) * nx;
                    if ((axes & 4) != 0) {
                        for (int x = 0; x < nx; x++) {
                            r[dst + x] = v[src + nx - 1 - x];
                        }
                    } else {
                        System.arraycopy(v, src, r, dst, nx);
                    }
                }
            }
        }
        return r;
    }

    /** Channel a of r moves one voxel forward along axis a; the first plane takes the identity run's value. */
    private static void shiftForward(float[] r, float[] identity, int a, int[] shape) {
        int n = shape[0] * shape[1] * shape[2];
        int step = a == 0 ? shape[1] * shape[2] : a == 1 ? shape[2] : 1;
        int base = a * n;
        for (int z = shape[0] - 1; z >= 0; z--) {
            for (int y = shape[1] - 1; y >= 0; y--) {
                for (int x = shape[2] - 1; x >= 0; x--) {
                    int v = (z * shape[1] + y) * shape[2] + x;
                    int coord = a == 0 ? z : a == 1 ? y : x;
                    r[base + v] = coord > 0 ? r[base + v - step] : identity[base + v];
                }
            }
        }
    }
}
