package org.basin.volume;

import java.util.Locale;

/** Element types basin reads and writes, with the Java array that holds them in a {@link Block}. */
public enum DType {
    UINT8(1, false, true, "|u1"),
    UINT16(2, false, true, "<u2"),
    INT32(4, false, false, "<i4"),
    UINT32(4, false, true, "<u4"),
    INT64(8, false, false, "<i8"),
    UINT64(8, false, true, "<u8"),
    FLOAT32(4, true, false, "<f4"),
    FLOAT64(8, true, false, "<f8");

    private final int bytes;
    private final boolean floating;
    private final boolean unsigned;
    private final String zarrCode;

    DType(int bytes, boolean floating, boolean unsigned, String zarrCode) {
        this.bytes = bytes;
        this.floating = floating;
        this.unsigned = unsigned;
        this.zarrCode = zarrCode;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return floating;
    }

    public boolean isUnsigned() {
        return unsigned;
    }

    /** The little-endian Zarr v2 / numpy type string. */
    public String zarrCode() {
        return zarrCode;
    }

    /** The lower-case name users see: uint8, float32, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Allocates the Java array for {@code n} elements: byte[], short[], int[], long[], float[] or double[]. */
    public Object allocate(int n) {
        return switch (this) {
            case UINT8 -> new byte[n];
            case UINT16 -> new short[n];
            case INT32, UINT32 -> new int[n];
            case INT64, UINT64 -> new long[n];
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
        };
    }

    public static DType of(boolean floating, boolean signed, int bytes) {
        for (DType t : values()) {
            if (t.floating == floating && t.bytes == bytes && (floating || t.unsigned == !signed)) {
                return t;
            }
        }
        return null;
    }

    public static DType parse(String s) {
        for (DType t : values()) {
            if (t.label().equals(s.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        return null;
    }
}
