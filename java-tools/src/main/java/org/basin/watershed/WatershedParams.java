package org.basin.watershed;

import org.basin.error.BasinException;

/**
 * Zlateski &amp; Seung's thresholds, named as in the paper. {@code tHigh}: edges at or above it join voxels
 * outright; {@code tLow}: voxels whose best edge is at or below it are background; {@code tSize} and
 * {@code tMerge}: size-dependent single linkage; {@code tDust}: smaller segments are dropped.
 */
public record WatershedParams(float tHigh, float tLow, float tMerge, long tSize, long tDust, SizeRule sizeRule) {
    /** How the size threshold of single linkage depends on the edge weight w. */
    public enum SizeRule {
        /** Merge while w &gt;= tMerge and either segment is smaller than tSize. */
        CONSTANT,
        /** Merge while w &gt; tLow and either segment is smaller than tSize * w^2 (zwatershed). */
        SQUARE
    }

    public WatershedParams {
        if (!(tLow >= 0 && tLow < tHigh && tHigh <= 1.0001f)) {
            throw BasinException.badArguments("need 0 <= T_low < T_high <= 1; got T_low=" + tLow + " T_high=" + tHigh);
        }
        if (tSize < 0 || tDust < 0) {
            throw BasinException.badArguments("T_size and T_dust must not be negative");
        }
    }

    /** The size below which a segment merges across an edge of weight w; 0 stops merging. */
    public double sizeThreshold(float w) {
        return switch (sizeRule) {
            case CONSTANT -> w >= tMerge ? tSize : 0;
            case SQUARE -> w > tLow ? tSize * (double) w * w : 0;
        };
    }
}
