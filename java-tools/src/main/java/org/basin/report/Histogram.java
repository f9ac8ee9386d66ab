package org.basin.report;

import java.util.Arrays;

/** Counts of sizes in bins {@code [lower[i], lower[i + 1])}; log2 bins: [1, 2), [2, 4), [4, 8), ... */
public record Histogram(long[] lower, long[] counts) {
    /** Log2 bins from 1 up to the bin of the largest size (sizes below 1 are not counted). */
    public static Histogram log2(long[] sizes) {
        int top = 0;
        for (long s : sizes) {
            if (s > 0) {
                top = Math.max(top, 63 - Long.numberOfLeadingZeros(s));
            }
        }
        long[] counts = new long[top + 1];
        for (long s : sizes) {
            if (s > 0) {
                counts[63 - Long.numberOfLeadingZeros(s)]++;
            }
        }
        long[] lower = new long[top + 1];
        for (int i = 0; i <= top; i++) {
            lower[i] = 1L << i;
        }
        return new Histogram(lower, counts);
    }

    public long total() {
        return Arrays.stream(counts).sum();
    }

    /** The bin's upper bound (exclusive). */
    public long upper(int i) {
        return i + 1 < lower.length ? lower[i + 1] : lower[i] * 2;
    }
}
