package org.basin.omni;

import java.util.Locale;
import org.basin.volume.Box;

/** The command file for {@code omni --headless --cmdfile=...}: build a project from channel + segmentation. */
public final class OmniCommandFile {
    private OmniCommandFile() {
    }

    /**
     * What Omni is told of a region's place: its headless parser reads offsets as unsigned integers (a decimal aborts
     * the build) and stores resolutions as integers, so both are whole nm: the voxel size rounded (at least 1 nm)
     * and the offset the box's first voxel times that resolution, so that the region's voxels stay on one grid.
     */
    public record Geometry(long[] resolutionXyz, long[] offsetXyz, boolean rounded) {
        public static Geometry of(Box box, double[] voxelSizeZyx) {
            long[] res = new long[3];
            long[] off = new long[3];
            boolean rounded = false;
            for (int i = 0; i < 3; i++) {
                int a = 2 - i;
                res[i] = Math.max(1, Math.round(voxelSizeZyx[a]));
                rounded |= res[i] != voxelSizeZyx[a];
                off[i] = box.min(a) * res[i];
            }
            return new Geometry(res, off, rounded);
        }

        /** For project.json: what was rounded, when anything was. */
        public String note(double[] voxelSizeZyx) {
            return rounded ? String.format(Locale.ROOT, "voxel size %s,%s,%s nm (x,y,z) rounded to %d,%d,%d for Omni, which takes whole nm;"
                    + " offsets are the box's first voxel times that", fmt(voxelSizeZyx[2]), fmt(voxelSizeZyx[1]), fmt(voxelSizeZyx[0]),
                    resolutionXyz[0], resolutionXyz[1], resolutionXyz[2]) : null;
        }
    }

    /**
     * @param box       the region in global voxels (z, y, x)
     * @param voxelSize nanometres per voxel (z, y, x); Omni wants resolution and absolute offset x,y,z in whole nm
     */
    public static String text(String project, String channelFile, String segmentationFile, Box box, double[] voxelSize) {
        Geometry g = Geometry.of(box, voxelSize);
        String res = g.resolutionXyz()[0] + "," + g.resolutionXyz()[1] + "," + g.resolutionXyz()[2];
        String off = g.offsetXyz()[0] + "," + g.offsetXyz()[1] + "," + g.offsetXyz()[2];
        return "create:" + project + "\n"
                + "loadHDF5chann:" + channelFile + "\n"
                + "setChanResolution:1," + res + "\n"
                + "setChanAbsOffset:1," + off + "\n"
                + "loadHDF5seg:" + segmentationFile + "\n"
                + "setSegResolution:1," + res + "\n"
                + "setSegAbsOffset:1," + off + "\n"
                + "mesh\n"
                + "quit\n";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
