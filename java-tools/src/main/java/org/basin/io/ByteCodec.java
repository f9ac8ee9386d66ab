package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.basin.volume.DType;

/** Bulk conversion between raw bytes in a given byte order and basin's primitive arrays. */
public final class ByteCodec {
    private ByteCodec() {
    }

    /** Decodes {@code n} elements from {@code src} (position onwards) into a new array of {@code dtype}. */
    public static Object decode(ByteBuffer src, ByteOrder order, DType dtype, int n) {
        Object out = dtype.allocate(n);
        decodeInto(src, order, dtype, out, 0, n);
        return out;
    }

    /** Decodes {@code n} elements from {@code src} into {@code dst[at..at+n)}; advances nothing in the caller's buffer. */
    public static void decodeInto(ByteBuffer src, ByteOrder order, DType dtype, Object dst, int at, int n) {
        ByteBuffer b = src.duplicate().order(order);
        switch (dtype) {
            case UINT8 -> b.get((byte[]) dst, at, n);
            case UINT16 -> b.asShortBuffer().get((short[]) dst, at, n);
            case INT32, UINT32 -> b.asIntBuffer().get((int[]) dst, at, n);
            case INT64, UINT64 -> b.asLongBuffer().get((long[]) dst, at, n);
            case FLOAT32 -> b.asFloatBuffer().get((float[]) dst, at, n);
            case FLOAT64 -> b.asDoubleBuffer().get((double[]) dst, at, n);
        }
    }

    /** The whole array into {@code dst} (little-endian) from its position on; advances it. */
    public static void encodeInto(Object src, DType dtype, ByteBuffer dst) {
        ByteBuffer b = dst.order(ByteOrder.LITTLE_ENDIAN);
        int n = java.lang.reflect.Array.getLength(src);
        switch (dtype) {
            case UINT8 -> b.put((byte[]) src);
            case UINT16 -> b.asShortBuffer().put((short[]) src);
            case INT32, UINT32 -> b.asIntBuffer().put((int[]) src);
            case INT64, UINT64 -> b.asLongBuffer().put((long[]) src);
            case FLOAT32 -> b.asFloatBuffer().put((float[]) src);
            case FLOAT64 -> b.asDoubleBuffer().put((double[]) src);
        }
        if (dtype != DType.UINT8) {
            b.position(b.position() + n * dtype.bytes());
        }
    }

    /** Little-endian bytes of the whole array. */
    public static byte[] encode(Object src, DType dtype) {
        int n = java.lang.reflect.Array.getLength(src);
        byte[] out = new byte[n * dtype.bytes()];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case UINT8 -> b.put((byte[]) src);
            case UINT16 -> b.asShortBuffer().put((short[]) src);
            case INT32, UINT32 -> b.asIntBuffer().put((int[]) src);
            case INT64, UINT64 -> b.asLongBuffer().put((long[]) src);
            case FLOAT32 -> b.asFloatBuffer().put((float[]) src);
            case FLOAT64 -> b.asDoubleBuffer().put((double[]) src);
        }
        return out;
    }
}
