package org.basin.io;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * Reads one z slice of a volume for a picture, with memory bounded by the slice, never the volume: from the coarsest
 * multiscale level (OME-Zarr "0", "1", ...; N5 s0, s1, ...) whose slice is still at least {@code target} px on its
 * long side, else from level 0, taking every {@code stride}-th pixel when its slice is over twice {@code target}
 * (read in strips of one store chunk's height, so a strip, not the plane, is in memory at full resolution).
 */
public final class SliceReader {
    private SliceReader() {
    }

    /**
     * A slice: {@code plane} (1 slice, all channels), which level and slice of it, the stride, the x size of a
     * plane pixel in nm.
     */
    public record Slice(Block plane, String level, int levelZ, int stride, double nmPerPixel) {
    }

    /** The levels of {@code path} finest first; just {@code dataset} (or the volume itself) when it has none or a dataset is named. */
    public static List<String> levels(Path path, String dataset) {
        if (dataset != null && !dataset.isEmpty()) {
            return List.of(dataset);
        }
        List<String> levels = Volumes.levelPaths(path);
        return levels.isEmpty() ? Collections.singletonList(null) : levels;
    }

    /**
     * Slice {@code z} (of the full-resolution volume of shape {@code fullShape}, z, y, x, voxels {@code voxelNm} z, y,
     * x) of {@code path}. The level chosen has its own slice index (z scaled by the depths) and pixel size (its OME
     * scale when it gives one, else the full size times the shape ratio).
     */
    public static Slice read(Path path, String dataset, int z, int[] fullShape, double[] voxelNm, int target) {
        List<String> levels = levels(path, dataset);
        String chosen = levels.get(0);
        int[] shape = null;
        double[] size = null;
        for (String level : levels) {
            try (VolumeReader r = Volumes.open(path, level)) {
                int[] s = r.info().shape();
                if (shape == null || Math.max(s[1], s[2]) >= target) {
                    chosen = level;
                    shape = s;
                    size = r.info().voxelSize();
                }
            }
        }
        try (VolumeReader r = Volumes.open(path, chosen)) {
            int[] s = r.info().shape();
            boolean first = Objects.equals(chosen, levels.get(0));
            if (first && (s[0] != fullShape[0] || s[1] != fullShape[1] || s[2] != fullShape[2])) {
                throw BasinException.badInput(r.info().where() + " is " + s[2] + "," + s[1] + "," + s[0] + " (x,y,z), the segmentation "
                        + fullShape[2] + "," + fullShape[1] + "," + fullShape[0]);
            }
            int levelZ = (int) Math.min(s[0] - 1, (long) z * s[0] / fullShape[0]);
            double nm = size != null && !first ? size[2] : voxelNm[2] * fullShape[2] / s[2];
            int longSide = Math.max(s[1], s[2]);
            int stride = longSide > 2 * target ? longSide / target : 1;
            Block plane = stride == 1 ? r.read(new Box(new int[] {levelZ, 0, 0}, new int[] {levelZ + 1, s[1], s[2]}))
                    : strided(r, levelZ, s, stride);
            return new Slice(plane, chosen == null ? "0" : chosen, levelZ, stride, nm * stride);
        }
    }

    /** Every {@code stride}-th pixel of slice {@code z}, read a strip of one store chunk's height at a time. */
    private static Block strided(VolumeReader r, int z, int[] s, int stride) {
        VolumeInfo info = r.info();
        int[] chunks = info.chunks();
        int strip = chunks == null ? 64 : Math.max(1, chunks[chunks.length - 2]);
        strip = Math.max(stride, strip / stride * stride);
        int h = (s[1] + stride - 1) / stride;
        int w = (s[2] + stride - 1) / stride;
        Box outBox = new Box(new int[] {0, 0, 0}, new int[] {1, h, w});
        Block out = info.channels() > 0 ? Block.allocate(info.dtype(), info.channels(), outBox) : Block.allocate(info.dtype(), outBox);
        boolean integer = !info.dtype().isFloating();
        int channels = Math.max(1, info.channels());
        for (int y0 = 0; y0 < s[1]; y0 += strip) {
            int y1 = Math.min(s[1], y0 + strip);
            Block b = r.read(new Box(new int[] {z, y0, 0}, new int[] {z + 1, y1, s[2]}));
            int bh = y1 - y0;
            for (int c = 0; c < channels; c++) {
                for (int y = y0 + (stride - y0 % stride) % stride; y < y1; y += stride) {
                    for (int x = 0; x < s[2]; x += stride) {
                        int from = (c * bh + (y - y0)) * s[2] + x;
                        int to = (c * h + y / stride) * w + x / stride;
                        if (integer) {
                            out.setLong(to, b.getLong(from));
                        } else {
                            out.setDouble(to, b.getDouble(from));
                        }
                    }
                }
            }
        }
        return out;
    }
}
