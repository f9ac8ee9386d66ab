package org.basin.pyramid;

import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * One pyramid step over a block: each output voxel from its window of {@code factor} (1 or 2 per axis) input voxels,
 * clipped to the block (the block ends where the volume does, or on a window boundary). Output box: the input's ends
 * divided by the factor, rounded up. Channels (the affinities' c axis) are never mixed.
 *
 * <ul>
 * <li>{@link #mean}: uint8 / uint16 sum as integers and round half up ({@code (sum + n/2) / n}, n the window's voxel
 * count), so a result never leaves the type; float32 / float64 sum in double in z, y, x order and divide (float32
 * rounds to nearest at the end).
 * <li>{@link #mode}: the label held by the most voxels of the window; ties go to the smallest id (unsigned); 0 is a
 * label like any other. The result is always one of the window's labels.
 * </ul>
 * Both depend only on the window, so a volume split into blocks on window boundaries gives the same voxels.
 */
public final class Downsample {
    private Downsample() {
    }

    public static Box outputBox(Box in, int[] factor) {
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            if (in.min(a) % factor[a] != 0) {
                throw new IllegalArgumentException("block " + in + " does not start on a window boundary of factor " + factor[a] + " on axis " + a);
            }
            lo[a] = in.min(a) / factor[a];
            hi[a] = (in.max(a) + factor[a] - 1) / factor[a];
        }
        return new Box(lo, hi);
    }

    /** The mean of each window, in the input's type (uint8, uint16, float32 or float64). */
    public static Block mean(Block in, int[] factor) {
        Box outBox = outputBox(in.box(), factor);
        Block out = in.hasChannelAxis() ? Block.allocate(in.dtype(), in.channels(), outBox) : Block.allocate(in.dtype(), outBox);
        Geometry g = new Geometry(in.shape(), outBox.shape(), factor);
        for (int c = 0; c < in.channels(); c++) {
            switch (in.dtype()) {
                case UINT8 -> meanBytes(in.bytes(), out.bytes(), c, g);
                case UINT16 -> meanShorts(in.shorts(), out.shorts(), c, g);
                case FLOAT32 -> meanFloats(in.floats(), out.floats(), c, g);
                case FLOAT64 -> meanDoubles(in.doubles(), out.doubles(), c, g);
                default -> throw new IllegalArgumentException("mean of " + in.dtype().label() + " (uint8, uint16, float32 or float64)");
            }
        }
        return out;
    }

    /** The most frequent label of each window (uint64 / int64 / uint32 / int32), ties to the smallest id. */
    public static Block mode(Block in, int[] factor) {
        if (in.dtype() == DType.UINT32 || in.dtype() == DType.INT32) {
            return mode(in.convert(DType.UINT64), factor).convert(in.dtype());
        }
        if (in.dtype() != DType.UINT64 && in.dtype() != DType.INT64) {
            throw new IllegalArgumentException("mode of " + in.dtype().label() + " (labels: uint64, int64, uint32, int32)");
        }
        Box outBox = outputBox(in.box(), factor);
        Block out = in.hasChannelAxis() ? Block.allocate(in.dtype(), in.channels(), outBox) : Block.allocate(in.dtype(), outBox);
        Geometry g = new Geometry(in.shape(), outBox.shape(), factor);
        boolean unsigned = in.dtype() == DType.UINT64;
        for (int c = 0; c < in.channels(); c++) {
            modeLongs(in.longs(), out.longs(), c, g, unsigned);
        }
        return out;
    }

    /** Sizes of one channel of the input and output, and the factors. */
    private record Geometry(int[] in, int[] out, int[] f) {
        long inPlane() {
            return (long) in[0] * in[1] * in[2];
        }

        long outPlane() {
            return (long) out[0] * out[1] * out[2];
        }

        /** Input voxels of window {@code o} on axis {@code a} (f, or fewer at the far edge). */
        int extent(int a, int o) {
            return Math.min(f[a], in[a] - o * f[a]);
        }
    }

    private static void meanBytes(byte[] in, byte[] out, int c, Geometry g) {
        int inX = g.in[2];
        int inY = g.in[1];
        int outX = g.out[2];
        int fx = g.f[2];
        int[] acc = new int[outX];
        int inBase = (int) (c * g.inPlane());
        int outIdx = (int) (c * g.outPlane());
        for (int oz = 0; oz < g.out[0]; oz++) {
            int nz = g.extent(0, oz);
            for (int oy = 0; oy < g.out[1]; oy++) {
                int ny = g.extent(1, oy);
                int row0 = inBase + ((oz * g.f[0]) * inY + oy * g.f[1]) * inX;
                if (fx == 2 && nz * ny == 4 && (inX & 1) == 0) { // whole 2x2x2 windows: one pass, no accumulator
                    outIdx = mean8(in, row0, row0 + inX, row0 + inX * inY, row0 + inX * inY + inX, out, outIdx, inX / 2);
                    continue;
                }
                if (fx == 2 && nz * ny == 2 && (inX & 1) == 0) { // whole 2x2 windows (2x2x1, or a last plane)
                    outIdx = mean4(in, row0, ny == 2 ? row0 + inX : row0 + inX * inY, out, outIdx, inX / 2);
                    continue;
                }
                java.util.Arrays.fill(acc, 0);
                for (int dz = 0; dz < nz; dz++) {
                    for (int dy = 0; dy < ny; dy++) {
                        int row = inBase + ((oz * g.f[0] + dz) * inY + oy * g.f[1] + dy) * inX;
                        if (fx == 2) {
                            int pairs = inX / 2;
                            for (int ox = 0; ox < pairs; ox++) {
                                acc[ox] += (in[row + 2 * ox] & 0xff) + (in[row + 2 * ox + 1] & 0xff);
                            }
                            if (pairs < outX) {
                                acc[pairs] += in[row + inX - 1] & 0xff;
                            }
                        } else {
                            for (int ox = 0; ox < outX; ox++) {
                                acc[ox] += in[row + ox] & 0xff;
                            }
                        }
                    }
                }
                // windows hold 1, 2, 4 or 8 voxels: dividing is a shift (round half up: add half first)
                int shift = Integer.numberOfTrailingZeros(nz * ny * fx);
                int half = (1 << shift) >> 1;
                int full = pairsOrAll(inX, fx);
                for (int ox = 0; ox < full; ox++) {
                    out[outIdx++] = (byte) ((acc[ox] + half) >>> shift);
                }
                for (int ox = full; ox < outX; ox++) {
                    int m = nz * ny * g.extent(2, ox);
                    out[outIdx++] = (byte) ((acc[ox] + m / 2) / m);
                }
            }
        }
    }

    /** n outputs, each the rounded mean of a 2x2x2 window from rows a, b (next y), c, d (next z). */
    private static int mean8(byte[] in, int a, int b, int c, int d, byte[] out, int o, int n) {
        for (int i = 0; i < n; i++, a += 2, b += 2, c += 2, d += 2) {
            int s = (in[a] & 0xff) + (in[a + 1] & 0xff) + (in[b] & 0xff) + (in[b + 1] & 0xff)
                    + (in[c] & 0xff) + (in[c + 1] & 0xff) + (in[d] & 0xff) + (in[d + 1] & 0xff);
            out[o++] = (byte) ((s + 4) >>> 3);
        }
        return o;
    }

    /** n outputs, each the mean of a 2x2x2 window from rows a, b (next y), c, d (next z), summed in double in that order. */
    private static int mean8(float[] in, int a, int b, int c, int d, float[] out, int o, int n) {
        for (int i = 0; i < n; i++, a += 2, b += 2, c += 2, d += 2) {
            double s = in[a];
            s += in[a + 1];
            s += in[b];
            s += in[b + 1];
            s += in[c];
            s += in[c + 1];
            s += in[d];
            s += in[d + 1];
            out[o++] = (float) (s * 0.125);
        }
        return o;
    }

    /** n outputs, each the rounded mean of a 2x2 window from rows a and b. */
    private static int mean4(byte[] in, int a, int b, byte[] out, int o, int n) {
        for (int i = 0; i < n; i++, a += 2, b += 2) {
            int s = (in[a] & 0xff) + (in[a + 1] & 0xff) + (in[b] & 0xff) + (in[b + 1] & 0xff);
            out[o++] = (byte) ((s + 2) >>> 2);
        }
        return o;
    }

    /** The output voxels along x whose window is whole: every one when fx is 1, the pairs when it is 2. */
    private static int pairsOrAll(int inX, int fx) {
        return fx == 2 ? inX / 2 : inX;
    }

    private static void meanShorts(short[] in, short[] out, int c, Geometry g) {
        int inX = g.in[2];
        int inY = g.in[1];
        int outX = g.out[2];
        long[] acc = new long[outX];
        int inBase = (int) (c * g.inPlane());
        int outIdx = (int) (c * g.outPlane());
        for (int oz = 0; oz < g.out[0]; oz++) {
            int nz = g.extent(0, oz);
            for (int oy = 0; oy < g.out[1]; oy++) {
                int ny = g.extent(1, oy);
                java.util.Arrays.fill(acc, 0);
                for (int dz = 0; dz < nz; dz++) {
                    for (int dy = 0; dy < ny; dy++) {
                        int row = inBase + ((oz * g.f[0] + dz) * inY + oy * g.f[1] + dy) * inX;
                        for (int x = 0; x < inX; x++) {
                            acc[x / g.f[2]] += in[row + x] & 0xffff;
                        }
                    }
                }
                int n = nz * ny;
                for (int ox = 0; ox < outX; ox++) {
                    long m = (long) n * g.extent(2, ox);
                    out[outIdx++] = (short) ((acc[ox] + m / 2) / m);
                }
            }
        }
    }

    private static void meanFloats(float[] in, float[] out, int c, Geometry g) {
        int inX = g.in[2];
        int inY = g.in[1];
        int outX = g.out[2];
        int fx = g.f[2];
        double[] acc = new double[outX];
        int inBase = (int) (c * g.inPlane());
        int outIdx = (int) (c * g.outPlane());
        for (int oz = 0; oz < g.out[0]; oz++) {
            int nz = g.extent(0, oz);
            for (int oy = 0; oy < g.out[1]; oy++) {
                int ny = g.extent(1, oy);
                if (fx == 2 && nz * ny == 4 && (inX & 1) == 0) { // whole 2x2x2 windows: one pass, the same additions in the same order
                    int a = inBase + ((oz * 2) * inY + oy * 2) * inX;
                    outIdx = mean8(in, a, a + inX, a + inX * inY, a + inX * inY + inX, out, outIdx, inX / 2);
                    continue;
                }
                java.util.Arrays.fill(acc, 0);
                for (int dz = 0; dz < nz; dz++) {
                    for (int dy = 0; dy < ny; dy++) {
                        int row = inBase + ((oz * g.f[0] + dz) * inY + oy * g.f[1] + dy) * inX;
                        if (fx == 2) {
                            int pairs = inX / 2;
                            for (int ox = 0; ox < pairs; ox++) {
                                double s = acc[ox] + in[row + 2 * ox]; // one double add at a time, in x order
                                acc[ox] = s + in[row + 2 * ox + 1];
                            }
                            if (pairs < outX) {
                                acc[pairs] += in[row + inX - 1];
                            }
                        } else {
                            for (int ox = 0; ox < outX; ox++) {
                                acc[ox] += in[row + ox];
                            }
                        }
                    }
                }
                double scale = 1.0 / (nz * ny * fx); // a power of two: multiplying by it is dividing, exactly
                int full = pairsOrAll(inX, fx);
                for (int ox = 0; ox < full; ox++) {
                    out[outIdx++] = (float) (acc[ox] * scale);
                }
                for (int ox = full; ox < outX; ox++) {
                    out[outIdx++] = (float) (acc[ox] / (nz * ny * g.extent(2, ox)));
                }
            }
        }
    }

    private static void meanDoubles(double[] in, double[] out, int c, Geometry g) {
        int inX = g.in[2];
        int inY = g.in[1];
        int outX = g.out[2];
        double[] acc = new double[outX];
        int inBase = (int) (c * g.inPlane());
        int outIdx = (int) (c * g.outPlane());
        for (int oz = 0; oz < g.out[0]; oz++) {
            int nz = g.extent(0, oz);
            for (int oy = 0; oy < g.out[1]; oy++) {
                int ny = g.extent(1, oy);
                java.util.Arrays.fill(acc, 0);
                for (int dz = 0; dz < nz; dz++) {
                    for (int dy = 0; dy < ny; dy++) {
                        int row = inBase + ((oz * g.f[0] + dz) * inY + oy * g.f[1] + dy) * inX;
                        for (int x = 0; x < inX; x++) {
                            acc[x / g.f[2]] += in[row + x];
                        }
                    }
                }
                int n = nz * ny;
                for (int ox = 0; ox < outX; ox++) {
                    out[outIdx++] = acc[ox] / (n * g.extent(2, ox));
                }
            }
        }
    }

    private static void modeLongs(long[] in, long[] out, int c, Geometry g, boolean unsigned) {
        int inX = g.in[2];
        int inY = g.in[1];
        int outX = g.out[2];
        long[] w = new long[g.f[0] * g.f[1] * g.f[2]];
        int inBase = (int) (c * g.inPlane());
        int outIdx = (int) (c * g.outPlane());
        for (int oz = 0; oz < g.out[0]; oz++) {
            int nz = g.extent(0, oz);
            for (int oy = 0; oy < g.out[1]; oy++) {
                int ny = g.extent(1, oy);
                int row0 = inBase + ((oz * g.f[0]) * inY + oy * g.f[1]) * inX;
                if (g.f[2] == 2 && nz * ny == 4 && (inX & 1) == 0) { // whole 2x2x2 windows, most of them one label
                    outIdx = mode8(in, row0, row0 + inX, row0 + inX * inY, row0 + inX * inY + inX, out, outIdx, inX / 2, w, unsigned);
                    continue;
                }
                for (int ox = 0; ox < outX; ox++) {
                    int nx = g.extent(2, ox);
                    int x0 = ox * g.f[2];
                    int n = 0;
                    for (int dz = 0; dz < nz; dz++) {
                        for (int dy = 0; dy < ny; dy++) {
                            int r = row0 + (dz * inY + dy) * inX + x0;
                            for (int dx = 0; dx < nx; dx++) {
                                w[n++] = in[r + dx];
                            }
                        }
                    }
                    out[outIdx++] = mode(w, n, unsigned);
                }
            }
        }
    }

    /** n outputs, each the mode of a 2x2x2 window from rows a, b (next y), c, d (next z); {@code w} is scratch. */
    private static int mode8(long[] in, int a, int b, int c, int d, long[] out, int o, int n, long[] w, boolean unsigned) {
        for (int i = 0; i < n; i++, a += 2, b += 2, c += 2, d += 2) {
            long v0 = in[a];
            long v1 = in[a + 1];
            long v2 = in[b];
            long v3 = in[b + 1];
            long v4 = in[c];
            long v5 = in[c + 1];
            long v6 = in[d];
            long v7 = in[d + 1];
            if (((v0 ^ v1) | (v0 ^ v2) | (v0 ^ v3) | (v0 ^ v4) | (v0 ^ v5) | (v0 ^ v6) | (v0 ^ v7)) == 0) {
                out[o++] = v0;
                continue;
            }
            w[0] = v0;
            w[1] = v1;
            w[2] = v2;
            w[3] = v3;
            w[4] = v4;
            w[5] = v5;
            w[6] = v6;
            w[7] = v7;
            out[o++] = mode(w, 8, unsigned);
        }
        return o;
    }

    /** The most frequent of {@code w[0..n)}, ties to the smallest value (unsigned when asked). */
    static long mode(long[] w, int n, boolean unsigned) {
        long first = w[0];
        boolean same = true;
        for (int i = 1; i < n && same; i++) {
            same = w[i] == first;
        }
        if (same) {
            return first;
        }
        long best = first;
        int bestCount = 0;
        for (int i = 0; i < n; i++) {
            long v = w[i];
            boolean counted = false;
            for (int j = 0; j < i && !counted; j++) {
                counted = w[j] == v;
            }
            if (counted) {
                continue;
            }
            int count = 1;
            for (int j = i + 1; j < n; j++) {
                if (w[j] == v) {
                    count++;
                }
            }
            if (count > bestCount || (count == bestCount && (unsigned ? Long.compareUnsigned(v, best) : Long.compare(v, best)) < 0)) {
                best = v;
                bestCount = count;
            }
        }
        return best;
    }
}
