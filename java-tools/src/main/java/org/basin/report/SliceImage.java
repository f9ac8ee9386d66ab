package org.basin.report;

/**
 * One slice picture of the report: full-resolution slice {@code z}, read as slice {@code levelZ} of level
 * {@code level} (from {@code y0}, {@code x0} of it when a centred crop), whose pixels are {@code nmPerPixel} nm (x)
 * before enlarging.
 * {@code png} is the encoded picture ({@code width} x {@code height}); {@code file} its name beside the report.
 */
public record SliceImage(int z, String level, int levelZ, int y0, int x0, double nmPerPixel, String file, int width, int height, String scaleBar,
        byte[] png) {
    /** Whether the picture is a centred crop of its level's slice. */
    public boolean cropped() {
        return y0 > 0 || x0 > 0;
    }
}
