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
        encodeInto(src, 0, java.lang.reflect.Array.getLength(src), dtype, dst);
    }

    /** Elements {@code [from, from + n)} of the array into {@code dst} (little-endian) from its position on; advances it. */
    public static void encodeInto(Object src, int from, int n, DType dtype, ByteBuffer dst) {
        ByteBuffer b = dst.order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case UINT8 -> b.put((byte[]) src, from, n);
            case UINT16 -> b.asShortBuffer().put((short[]) src, from, n);
            case INT32, UINT32 -> b.asIntBuffer().put((int[]) src, from, n);
            case INT64, UINT64 -> b.asLongBuffer().put((long[]) src, from, n);
            case FLOAT32 -> b.asFloatBuffer().put((float[]) src, from, n);
            case FLOAT64 -> b.asDoubleBuffer().put((double[]) src, from, n);
        }
        if (dtype != DType.UINT8) {
            b.position(b.position() + n * dtype.bytes());
        }
    }

    /** Little-endian bytes of the whole array. */
    public static byte[] encode(Object src, DType dtype) {
        byte[] out = new byte[java.lang.reflect.Array.getLength(src) * dtype.bytes()];
        encodeInto(src, dtype, ByteBuffer.wrap(out));
        return out;
    }
}
