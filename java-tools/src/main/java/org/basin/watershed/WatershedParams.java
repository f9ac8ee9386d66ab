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
        /** Merge while w &gt; tLow, w &gt; 0 and either segment is smaller than tSize * w^2 (zwatershed). */
        SQUARE
    }

    public WatershedParams {
        if (!(tLow >= -1 && tLow < tHigh && tHigh <= 1.0001f)) {
            throw BasinException.badArguments("need -1 <= T_low < T_high <= 1 (T_low below 0: dense, no voxel background); got T_low="
                    + tLow + " T_high=" + tHigh);
        }
        if (tSize < 0 || tDust < 0) {
            throw BasinException.badArguments("T_size and T_dust must not be negative");
        }
    }

    /**
     * These thresholds for voxels of {@code voxelSize} (three edges, any order and unit) when T_size and T_dust are
     * given in voxels of the finest axis: both times (finest edge)^3 / voxel volume, so that an anisotropic volume's
     * limits cover the same extent as an isotropic one's (4x coarser z: a quarter of the voxels).
     */
    public WatershedParams forVoxelSize(double[] voxelSize) {
        double finest = Math.min(voxelSize[0], Math.min(voxelSize[1], voxelSize[2]));
        double scale = finest / voxelSize[0] * (finest / voxelSize[1]) * (finest / voxelSize[2]);
        return new WatershedParams(tHigh, tLow, tMerge, Math.round(tSize * scale), Math.round(tDust * scale), sizeRule);
    }

    /** The size below which a segment merges across an edge of weight w; 0 stops merging. */
    public double sizeThreshold(float w) {
        return switch (sizeRule) {
            case CONSTANT -> w >= tMerge ? tSize : 0;
            // w > 0 too: below 0 (a dense T_low) w^2 would rise again, and linkage stops at the first limit of 0
            case SQUARE -> w > tLow && w > 0 ? tSize * (double) w * w : 0;
        };
    }
}
