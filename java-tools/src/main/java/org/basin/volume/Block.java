package org.basin.volume;

import java.util.Arrays;

/**
 * An in-memory piece of a volume: a flat C-order primitive array of shape (z, y, x), or (c, z, y, x) when it
 * has a channel axis, placed at a {@link Box} in global voxel coordinates.
 */
public final class Block {
    private final DType dtype;
    private final int channels;
    private final boolean channelAxis;
    private final Box box;
    private final Object data;

    private Block(DType dtype, int channels, boolean channelAxis, Box box, Object data) {
        this.dtype = dtype;
        this.channels = channels;
        this.channelAxis = channelAxis;
        this.box = box;
        this.data = data;
        long n = (long) channels * box.voxels();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a block holds at most 2^31 elements; " + box + " x " + channels + " is " + n);
        }
        if (java.lang.reflect.Array.getLength(data) != n) {
            throw new IllegalArgumentException("data length " + java.lang.reflect.Array.getLength(data) + " != " + n);
        }
    }

    /** A 3D block of zeros. */
    public static Block allocate(DType dtype, Box box) {
        return new Block(dtype, 1, false, box, dtype.allocate(Math.toIntExact(box.voxels())));
    }

    /** A 4D (c, z, y, x) block of zeros. */
    public static Block allocate(DType dtype, int channels, Box box) {
        return new Block(dtype, channels, true, box, dtype.allocate(Math.toIntExact(channels * box.voxels())));
    }

    /** Wraps an existing array (not copied). {@code channels == 0} means no channel axis. */
    public static Block wrap(DType dtype, int channels, Box box, Object data) {
        return new Block(dtype, Math.max(1, channels), channels > 0, box, data);
    }

    public static Block of(byte[] data, Box box) {
        return wrap(DType.UINT8, 0, box, data);
    }

    public static Block of(float[] data, Box box) {
        return wrap(DType.FLOAT32, 0, box, data);
    }

    public static Block of(long[] data, Box box) {
        return wrap(DType.UINT64, 0, box, data);
    }

    public DType dtype() {
        return dtype;
    }

    /** The number of channels: 1 for a 3D block. */
    public int channels() {
        return channels;
    }

    public boolean hasChannelAxis() {
        return channelAxis;
    }

    public Box box() {
        return box;
    }

    public int[] shape() {
        return box.shape();
    }

    /** The full array shape: (z, y, x) or (c, z, y, x). */
    public int[] arrayShape() {
        int[] s = box.shape();
        return channelAxis ? new int[] {channels, s[0], s[1], s[2]} : s;
    }

    public int length() {
        return java.lang.reflect.Array.getLength(data);
    }

    public Object data() {
        return data;
    }

    public byte[] bytes() {
        return (byte[]) data;
    }

    public short[] shorts() {
        return (short[]) data;
    }

    public int[] ints() {
        return (int[]) data;
    }

    public long[] longs() {
        return (long[]) data;
    }

    public float[] floats() {
        return (float[]) data;
    }

    public double[] doubles() {
        return (double[]) data;
    }

    /** The same data placed at another box of the same shape. */
    public Block moveTo(int[] offset) {
        return new Block(dtype, channels, channelAxis, Box.of(offset, box.shape()), data);
    }

    /** Element {@code i} as a double (unsigned types read as unsigned). */
    public double getDouble(int i) {
        return switch (dtype) {
            case UINT8 -> ((byte[]) data)[i] & 0xff;
            case UINT16 -> ((short[]) data)[i] & 0xffff;
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> ((int[]) data)[i] & 0xffffffffL;
            case INT64 -> ((long[]) data)[i];
            case UINT64 -> unsignedToDouble(((long[]) data)[i]);
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
        };
    }

    /** Element {@code i} as a long (floats truncated; uint64 keeps its bit pattern). */
    public long getLong(int i) {
        return switch (dtype) {
            case UINT8 -> ((byte[]) data)[i] & 0xff;
            case UINT16 -> ((short[]) data)[i] & 0xffff;
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> ((int[]) data)[i] & 0xffffffffL;
            case INT64, UINT64 -> ((long[]) data)[i];
            case FLOAT32 -> (long) ((float[]) data)[i];
            case FLOAT64 -> (long) ((double[]) data)[i];
        };
    }

    public void setDouble(int i, double v) {
        switch (dtype) {
            case UINT8 -> ((byte[]) data)[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            case UINT16 -> ((short[]) data)[i] = (short) Math.max(0, Math.min(65535, Math.round(v)));
            case INT32, UINT32 -> ((int[]) data)[i] = (int) Math.round(v);
            case INT64, UINT64 -> ((long[]) data)[i] = Math.round(v);
            case FLOAT32 -> ((float[]) data)[i] = (float) v;
            case FLOAT64 -> ((double[]) data)[i] = v;
        }
    }

    public void setLong(int i, long v) {
        switch (dtype) {
            case UINT8 -> ((byte[]) data)[i] = (byte) v;
            case UINT16 -> ((short[]) data)[i] = (short) v;
            case INT32, UINT32 -> ((int[]) data)[i] = (int) v;
            case INT64, UINT64 -> ((long[]) data)[i] = v;
            case FLOAT32 -> ((float[]) data)[i] = v;
            case FLOAT64 -> ((double[]) data)[i] = v;
        }
    }

    private static double unsignedToDouble(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1);
    }

    /** All elements as float32 (a copy unless already float32). */
    public float[] toFloats() {
        if (dtype == DType.FLOAT32) {
            return (float[]) data;
        }
        int n = length();
        float[] out = new float[n];
        if (dtype == DType.UINT8) {
            byte[] b = (byte[]) data;
            for (int i = 0; i < n; i++) {
                out[i] = b[i] & 0xff;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (float) getDouble(i);
            }
        }
        return out;
    }

    /** A copy converted element by element to {@code target}. */
    public Block convert(DType target) {
        if (target == dtype) {
            return this;
        }
        Block out = new Block(target, channels, channelAxis, box, target.allocate(length()));
        boolean integral = !dtype.isFloating() && !target.isFloating();
        if (integral && out.data instanceof long[] o) {
            widen(o); // labels to 64 bits, what every label stage does: a typed loop, not two switches per voxel
            return out;
        }
        for (int i = 0, n = length(); i < n; i++) {
            if (integral) {
                out.setLong(i, getLong(i));
            } else {
                out.setDouble(i, getDouble(i));
            }
        }
        return out;
    }

    /** This integral block's values as longs (unsigned types zero-extended), as {@link #getLong} gives them. */
    private void widen(long[] o) {
        switch (dtype) {
            case UINT8 -> {
                byte[] a = (byte[]) data;
                for (int i = 0; i < o.length; i++) {
                    o[i] = a[i] & 0xff;
                }
            }
            case UINT16 -> {
                short[] a = (short[]) data;
                for (int i = 0; i < o.length; i++) {
                    o[i] = a[i] & 0xffff;
                }
            }
            case INT32 -> {
                int[] a = (int[]) data;
                for (int i = 0; i < o.length; i++) {
                    o[i] = a[i];
                }
            }
            case UINT32 -> {
                int[] a = (int[]) data;
                for (int i = 0; i < o.length; i++) {
                    o[i] = a[i] & 0xffffffffL;
                }
            }
            case INT64, UINT64 -> System.arraycopy(data, 0, o, 0, o.length);
            default -> throw new IllegalStateException(dtype + " is not integral");
        }
    }

    /** Copies the voxels of {@code src} that fall inside this block's box (all channels). */
    public void copyFrom(Block src) {
        if (src.dtype != dtype || src.channels != channels) {
            throw new IllegalArgumentException("copy " + src.dtype + "x" + src.channels + " into " + dtype + "x" + channels);
        }
        Box common = box.intersect(src.box);
        if (common.isEmpty()) {
            return;
        }
        int[] cs = common.shape();
        int[] ds = box.shape();
        int[] ss = src.box.shape();
        long dPlane = (long) ds[0] * ds[1] * ds[2];
        long sPlane = (long) ss[0] * ss[1] * ss[2];
        for (int c = 0; c < channels; c++) {
            for (int z = 0; z < cs[0]; z++) {
                int gz = common.min(0) + z;
                for (int y = 0; y < cs[1]; y++) {
                    int gy = common.min(1) + y;
                    long si = c * sPlane + ((long) (gz - src.box.min(0)) * ss[1] + (gy - src.box.min(1))) * ss[2]
                            + (common.min(2) - src.box.min(2));
                    long di = c * dPlane + ((long) (gz - box.min(0)) * ds[1] + (gy - box.min(1))) * ds[2]
                            + (common.min(2) - box.min(2));
                    System.arraycopy(src.data, (int) si, data, (int) di, cs[2]);
                }
            }
        }
    }

    /** A new block holding the part of this one inside {@code region} (which must lie inside this box). */
    public Block crop(Box region) {
        if (!box.contains(region)) {
            throw new IllegalArgumentException("crop " + region + " outside " + box);
        }
        Block out = new Block(dtype, channels, channelAxis, region, dtype.allocate(Math.toIntExact(channels * region.voxels())));
        out.copyFrom(this);
        return out;
    }

    /** The index of the first NaN or infinite element, or -1 when there is none (always -1 for integer types). */
    public int firstNonFinite() {
        if (dtype == DType.FLOAT32) {
            float[] f = (float[]) data;
            for (int i = 0; i < f.length; i++) {
                if (!Float.isFinite(f[i])) {
                    return i;
                }
            }
        } else if (dtype == DType.FLOAT64) {
            double[] f = (double[]) data;
            for (int i = 0; i < f.length; i++) {
                if (!Double.isFinite(f[i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The (c, z, y, x) global position of flat index {@code i}, for error messages. */
    public int[] position(int i) {
        int[] s = box.shape();
        int plane = s[0] * s[1] * s[2];
        int c = i / plane;
        int r = i % plane;
        int x = r % s[2];
        int y = (r / s[2]) % s[1];
        int z = r / (s[2] * s[1]);
        return new int[] {c, z + box.min(0), y + box.min(1), x + box.min(2)};
    }

    @Override
    public String toString() {
        return "Block[" + dtype.label() + " " + Arrays.toString(arrayShape()) + " at " + box + "]";
    }
}
