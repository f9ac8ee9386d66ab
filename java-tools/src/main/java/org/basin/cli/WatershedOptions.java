package org.basin.cli;

import java.util.Locale;
import org.basin.watershed.WatershedParams;
import picocli.CommandLine.Option;

/** The watershed thresholds, shared by {@code watershed} (per chunk) and {@code stitch} (the deferred global merge). */
final class WatershedOptions {
    @Option(names = "--t-high", defaultValue = "0.9", description = "T_high: edges at or above join voxels outright (default ${DEFAULT-VALUE}).")
    float tHigh;

    @Option(names = "--t-low", defaultValue = "0.01", description = {"T_low: voxels whose best edge is at or below are background; below 0: none is",
        "(dense labels: every voxel follows its steepest edge, a plateau its nearest exit; its plateaus that cross chunk faces",
        "go to the merge step whole, so its memory grows with the volume) (default ${DEFAULT-VALUE})."})
    float tLow;

    @Option(names = "--t-merge", defaultValue = "0.5", description = "T_merge: the constant rule merges across edges at or above this (default ${DEFAULT-VALUE}).")
    float tMerge;

    @Option(names = "--t-size", defaultValue = "16000", description = {"T_size: segments smaller than this (times w^2 for the square rule) merge; voxels,",
        "of the finest axis with --voxel-size (default ${DEFAULT-VALUE})."})
    long tSize;

    @Option(names = "--t-dust", defaultValue = "100", description = {"T_dust: final segments smaller than this become background; voxels, of the finest",
        "axis with --voxel-size (default ${DEFAULT-VALUE})."})
    long tDust;

    @Option(names = "--voxel-size", description = {"Voxel size x,y,z (nm): T_size and T_dust then count voxels",
        "of the finest axis and are scaled by (finest edge)^3 / voxel volume, so that anisotropic voxels get limits of the same",
        "extent (the pipeline passes the run's voxel size to the watershed and the merge tasks; default: plain voxel counts)."})
    void voxelSize(String v) {
        this.voxelSize = Triplet.positiveDoubles(v);
    }

    double[] voxelSize;

    @Option(names = "--size-rule", defaultValue = "square", description = "square (T_size * w^2, zwatershed) or constant (default ${DEFAULT-VALUE}).")
    WatershedParams.SizeRule sizeRule;

    WatershedParams params() {
        WatershedParams given = new WatershedParams(tHigh, tLow, tMerge, tSize, tDust, sizeRule);
        return voxelSize == null ? given : given.forVoxelSize(voxelSize);
    }

    /** Whether T_size and T_dust are scaled for a voxel size (--voxel-size given). */
    boolean scaled() {
        return voxelSize != null;
    }

    /** The settings as the outputs record them (the merge tasks check theirs against it): the voxel counts used. */
    String describe() {
        WatershedParams p = params();
        String counts = String.format(Locale.ROOT, "T_high=%s T_low=%s T_merge=%s T_size=%d T_dust=%d rule=%s",
                tHigh, tLow, tMerge, p.tSize(), p.tDust(), sizeRule.name().toLowerCase(Locale.ROOT));
        return voxelSize == null ? counts : counts + String.format(Locale.ROOT, " (T_size %d, T_dust %d in voxels of the finest axis of %s nm)",
                tSize, tDust, Triplet.xyz(voxelSize));
    }
}
