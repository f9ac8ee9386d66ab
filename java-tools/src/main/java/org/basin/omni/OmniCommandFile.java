package org.basin.omni;

import java.util.Locale;
import org.basin.volume.Box;

/** The command file for {@code omni --headless --cmdfile=...}: build a project from channel + segmentation. */
public final class OmniCommandFile {
    private OmniCommandFile() {
    }

    /**
     * @param box       the region in global voxels (z, y, x)
     * @param voxelSize nanometres per voxel (z, y, x); Omni wants resolution and absolute offset x,y,z in nm
     */
    public static String text(String project, String channelFile, String segmentationFile, Box box, double[] voxelSize) {
        String res = fmt(voxelSize[2]) + "," + fmt(voxelSize[1]) + "," + fmt(voxelSize[0]);
        String off = fmt(box.min(2) * voxelSize[2]) + "," + fmt(box.min(1) * voxelSize[1]) + "," + fmt(box.min(0) * voxelSize[0]);
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
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
