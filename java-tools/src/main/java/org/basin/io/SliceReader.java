package org.basin.io;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * Reads one z slice of a volume for a picture, with what is decoded bounded by the picture, never the volume: from
 * the coarsest multiscale level (OME-Zarr "0", "1", ...; N5 s0, s1, ...) whose slice is still at least {@code target}
 * px on its long side, else from level 0; of that level's slice, the centred {@code target} x {@code target} crop
 * (the whole slice when it fits). A store decodes whole chunks, so a slice of the whole plane would cost the plane
 * times the chunks' depth: at 1024 x 1024 x 256 with 64-deep chunks, 5 slices of raw, affinities and segmentation
 * decoded 1.4 G voxel-bytes each (13 s of CPU); a 100k x 100k plane would be unbounded.
 */
public final class SliceReader {
    private SliceReader() {
    }

    /**
     * A slice: {@code plane} (1 slice, all channels), which level and slice of it, where the crop starts in that
     * level's slice ({@code y0}, {@code x0}; 0, 0 for the whole slice), the x size of a plane pixel in nm.
     */
    public record Slice(Block plane, String level, int levelZ, int y0, int x0, double nmPerPixel) {
        public boolean cropped() {
            return y0 > 0 || x0 > 0;
        }
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
            int h = Math.min(s[1], target);
            int w = Math.min(s[2], target);
            int y0 = (s[1] - h) / 2;
            int x0 = (s[2] - w) / 2;
            Block plane = r.read(new Box(new int[] {levelZ, y0, x0}, new int[] {levelZ + 1, y0 + h, x0 + w}));
            return new Slice(plane, chosen == null ? "0" : chosen, levelZ, y0, x0, nm);
        }
    }
}
