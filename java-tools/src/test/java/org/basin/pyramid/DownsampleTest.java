package org.basin.pyramid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;

/** Mean and mode against a voxel-by-voxel reference on random arrays, factors from voxel sizes, blocks versus whole. */
class DownsampleTest {
    static final int[][] FACTORS = {{2, 2, 2}, {1, 2, 2}, {2, 1, 2}, {2, 2, 1}, {1, 1, 2}};
    static final int[][] SHAPES = {{5, 7, 9}, {4, 6, 8}, {1, 3, 2}, {3, 1, 1}, {7, 5, 4}};

    /** Every window of the input for output voxel (oz, oy, ox): its linear indices in z, y, x order. */
    static List<Integer> window(int[] in, int[] f, int c, int oz, int oy, int ox) {
        List<Integer> idx = new ArrayList<>();
        int plane = in[0] * in[1] * in[2];
        for (int z = oz * f[0]; z < Math.min(in[0], oz * f[0] + f[0]); z++) {
            for (int y = oy * f[1]; y < Math.min(in[1], oy * f[1] + f[1]); y++) {
                for (int x = ox * f[2]; x < Math.min(in[2], ox * f[2] + f[2]); x++) {
                    idx.add(c * plane + (z * in[1] + y) * in[2] + x);
                }
            }
        }
        return idx;
    }

    static Block random(DType t, int channels, int[] shape, Random r) {
        Block b = channels > 0 ? Block.allocate(t, channels, Box.ofShape(shape)) : Block.allocate(t, Box.ofShape(shape));
        for (int i = 0; i < b.length(); i++) {
            switch (t) {
                case UINT8 -> b.bytes()[i] = (byte) r.nextInt(256);
                case UINT16 -> b.shorts()[i] = (short) r.nextInt(65536);
                case FLOAT32 -> b.floats()[i] = r.nextFloat() * (r.nextBoolean() ? 1 : 1000);
                case FLOAT64 -> b.doubles()[i] = r.nextGaussian() * 1e6;
                default -> throw new IllegalArgumentException();
            }
        }
        return b;
    }

    /** The reference mean, element by element: integer sums rounded half up; floats summed in double in z, y, x order. */
    static Block referenceMean(Block in, int[] f) {
        int[] s = in.shape();
        int[] o = {(s[0] + f[0] - 1) / f[0], (s[1] + f[1] - 1) / f[1], (s[2] + f[2] - 1) / f[2]};
        Block out = in.hasChannelAxis() ? Block.allocate(in.dtype(), in.channels(), Box.ofShape(o)) : Block.allocate(in.dtype(), Box.ofShape(o));
        int i = 0;
        for (int c = 0; c < in.channels(); c++) {
            for (int z = 0; z < o[0]; z++) {
                for (int y = 0; y < o[1]; y++) {
                    for (int x = 0; x < o[2]; x++) {
                        List<Integer> w = window(s, f, c, z, y, x);
                        if (in.dtype().isFloating()) {
                            double sum = 0;
                            for (int j : w) {
                                sum += in.getDouble(j);
                            }
                            out.setDouble(i++, sum / w.size());
                        } else {
                            long sum = 0;
                            for (int j : w) {
                                sum += in.getLong(j);
                            }
                            out.setLong(i++, Math.floorDiv(2 * sum + w.size(), 2L * w.size())); // round half up
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void meanEqualsTheReferenceForEveryTypeShapeAndFactor() {
        Random r = new Random(18);
        int cases = 0;
        for (DType t : new DType[] {DType.UINT8, DType.UINT16, DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : SHAPES) {
                for (int[] f : FACTORS) {
                    for (int channels : new int[] {0, 3}) {
                        Block in = random(t, channels, shape, r);
                        Block got = Downsample.mean(in, f);
                        Block want = referenceMean(in, f);
                        assertEquals(want.box(), got.box());
                        assertArrayEquals(want.arrayShape(), got.arrayShape());
                        for (int i = 0; i < want.length(); i++) {
                            if (t == DType.FLOAT32) {
                                assertEquals(Float.floatToIntBits(want.floats()[i]), Float.floatToIntBits(got.floats()[i]), t + " " + i);
                            } else {
                                assertEquals(want.getDouble(i), got.getDouble(i), 0.0, t + " " + java.util.Arrays.toString(shape) + " " + i);
                            }
                        }
                        cases++;
                    }
                }
            }
        }
        assertEquals(4 * 5 * 5 * 2, cases);
    }

    @Test
    void uint8MeanRoundsHalfUpAndNeverLeavesTheType() {
        byte[] v = {(byte) 255, (byte) 255, (byte) 255, (byte) 254, (byte) 255, (byte) 255, (byte) 255, (byte) 255};
        Block out = Downsample.mean(Block.of(v, Box.ofShape(new int[] {2, 2, 2})), new int[] {2, 2, 2});
        assertEquals(255, out.bytes()[0] & 0xff); // 2039 / 8 = 254.875
        byte[] half = {1, 2, 1, 2}; // 6 / 4 = 1.5 -> 2
        assertEquals(2, Downsample.mean(Block.of(half, Box.ofShape(new int[] {1, 2, 2})), new int[] {1, 2, 2}).bytes()[0]);
        byte[] below = {1, 1, 1, 2}; // 5 / 4 = 1.25 -> 1
        assertEquals(1, Downsample.mean(Block.of(below, Box.ofShape(new int[] {1, 2, 2})), new int[] {1, 2, 2}).bytes()[0]);
    }

    static long referenceMode(long[] w) {
        Map<Long, Integer> counts = new HashMap<>();
        for (long v : w) {
            counts.merge(v, 1, Integer::sum);
        }
        long best = 0;
        int bestCount = -1;
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount || (e.getValue() == bestCount && Long.compareUnsigned(e.getKey(), best) < 0)) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    @Test
    void modeEqualsTheReferenceAndIsAlwaysALabelOfItsWindow() {
        Random r = new Random(7);
        long[] palette = {0, 1, 2, 3, 1L << 40, -1L, Long.MIN_VALUE, 977};
        int windows = 0;
        for (int[] shape : SHAPES) {
            for (int[] f : FACTORS) {
                for (int trial = 0; trial < 20; trial++) {
                    long[] v = new long[shape[0] * shape[1] * shape[2]];
                    int colours = 1 + r.nextInt(palette.length);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = palette[r.nextInt(colours)];
                    }
                    Block in = Block.of(v, Box.ofShape(shape));
                    Block got = Downsample.mode(in, f);
                    int[] o = got.shape();
                    int i = 0;
                    for (int z = 0; z < o[0]; z++) {
                        for (int y = 0; y < o[1]; y++) {
                            for (int x = 0; x < o[2]; x++) {
                                List<Integer> idx = window(shape, f, 0, z, y, x);
                                long[] w = idx.stream().mapToLong(j -> v[j]).toArray();
                                Set<Long> present = new HashSet<>();
                                for (long l : w) {
                                    present.add(l);
                                }
                                long m = got.longs()[i++];
                                assertTrue(present.contains(m), "mode " + m + " not in its window");
                                assertEquals(referenceMode(w), m);
                                windows++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(windows > 1000, windows + " windows");
    }

    @Test
    void modeTiesGoToTheSmallestIdAndZeroIsALabel() {
        long big = -2L; // 2^64 - 2 as unsigned: larger than every signed-positive id
        long[] tie = {7, 7, 5, 5, big, big, 9, 9};
        assertEquals(5, Downsample.mode(Block.of(tie, Box.ofShape(new int[] {2, 2, 2})), new int[] {2, 2, 2}).longs()[0]);
        long[] zeros = {0, 0, 0, 3, 3, 4, 4, 4};
        assertEquals(0, Downsample.mode(Block.of(zeros, Box.ofShape(new int[] {2, 2, 2})), new int[] {2, 2, 2}).longs()[0]);
        long[] bigWins = {big, big, big, 1, 1, 2, 3, 4};
        assertEquals(big, Downsample.mode(Block.of(bigWins, Box.ofShape(new int[] {2, 2, 2})), new int[] {2, 2, 2}).longs()[0]);
        int[] ints = {4, 4, 2, 2};
        Block m = Downsample.mode(Block.wrap(DType.UINT32, 0, Box.ofShape(new int[] {1, 2, 2}), ints), new int[] {1, 2, 2});
        assertEquals(DType.UINT32, m.dtype());
        assertEquals(2, m.ints()[0]);
    }

    @Test
    void factorsFollowTheVoxelSize() {
        // 4,4,40 nm (x,y,z): 2x2x1 until z is within 2x of x,y, then 2x2x2, down to one 64^3 chunk
        PyramidPlan aniso = PyramidPlan.of(new int[] {256, 1024, 1024}, new double[] {40, 4, 4}, new int[] {64, 64, 64});
        assertEquals(5, aniso.last());
        int[][] factors = {{1, 2, 2}, {1, 2, 2}, {1, 2, 2}, {2, 2, 2}, {2, 2, 2}};
        int[][] shapes = {{256, 512, 512}, {256, 256, 256}, {256, 128, 128}, {128, 64, 64}, {64, 32, 32}};
        for (int k = 1; k <= 5; k++) {
            assertArrayEquals(factors[k - 1], aniso.level(k).factor(), "level " + k);
            assertArrayEquals(shapes[k - 1], aniso.level(k).shape(), "level " + k);
        }
        assertArrayEquals(new double[] {160, 128, 128}, aniso.level(5).voxelSize(), 0);
        assertArrayEquals(new double[] {60, 62, 62}, aniso.level(5).translation(new double[] {40, 4, 4}), 0);
        // isotropic: 2x2x2 from the start; odd extents round up
        PyramidPlan iso = PyramidPlan.of(new int[] {65, 130, 127}, new double[] {8, 8, 8}, new int[] {32, 32, 32});
        assertEquals(3, iso.last());
        assertArrayEquals(new int[] {33, 65, 64}, iso.level(1).shape());
        assertArrayEquals(new int[] {9, 17, 16}, iso.level(3).shape());
        // an axis one voxel thick is never halved; a volume that fits one chunk has no levels
        PyramidPlan flat = PyramidPlan.of(new int[] {1, 100, 100}, new double[] {8, 8, 8}, new int[] {1, 32, 32});
        assertArrayEquals(new int[] {1, 2, 2}, flat.level(1).factor());
        assertEquals(0, PyramidPlan.of(new int[] {10, 10, 10}, new double[] {1, 1, 1}, new int[] {16, 16, 16}).last());
    }

    @Test
    void alignedDepthIsWhereBlockBoundariesStopFallingOnChunks() {
        PyramidPlan p = PyramidPlan.of(new int[] {256, 256, 256}, new double[] {8, 8, 8}, new int[] {16, 16, 16});
        assertEquals(4, p.last());
        assertEquals(2, p.alignedDepth(0, 4, new int[] {64, 64, 64}, new int[] {16, 16, 16})); // 64 / 4 = 16
        assertEquals(0, p.alignedDepth(0, 4, new int[] {16, 16, 16}, new int[] {16, 16, 16}));
        assertEquals(4, p.alignedDepth(0, 4, new int[] {256, 256, 256}, new int[] {16, 16, 16})); // one block: no boundary
        assertEquals(3, p.alignedDepth(0, 4, new int[] {256, 128, 256}, new int[] {16, 16, 16})); // y: 128 / 8 = 16
    }

    @Test
    void blocksOnWindowBoundariesGiveTheWholeVolumesLevels() {
        Random r = new Random(3);
        int[] shape = {37, 50, 61};
        PyramidPlan plan = PyramidPlan.of(shape, new double[] {30, 6, 6}, new int[] {4, 4, 4});
        long[] labels = new long[shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(4) == 0 ? 0 : 1 + (i / 9 + r.nextInt(2)) % 50;
        }
        Block whole = Block.of(labels, Box.ofShape(shape));
        int[] block = {16, 16, 16};
        int depth = plan.alignedDepth(0, plan.last(), block, new int[] {4, 4, 4});
        assertEquals(2, depth);
        List<Block> wholeLevels = new ArrayList<>();
        Pyramid.build(plan, Pyramid.Method.mode, whole, 0, depth, (k, b) -> wholeLevels.add(b));
        List<Block> assembled = new ArrayList<>();
        for (int k = 1; k <= depth; k++) {
            assembled.add(Block.allocate(DType.UINT64, plan.level(k).box()));
        }
        for (Box b : plan.grid(0, block)) {
            Pyramid.build(plan, Pyramid.Method.mode, whole.crop(b), 0, depth, (k, out) -> {
                assertEquals(plan.project(b, 0, k), out.box());
                assembled.get(k - 1).copyFrom(out);
            });
        }
        for (int k = 0; k < depth; k++) {
            assertArrayEquals(wholeLevels.get(k).longs(), assembled.get(k).longs(), "level " + (k + 1));
        }
    }
}
