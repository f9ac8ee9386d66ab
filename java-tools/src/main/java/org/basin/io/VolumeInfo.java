package org.basin.io;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.basin.error.BasinException;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * What a stored volume is: format, element type, shape (z, y, x) and channel count (0 when it has no channel
 * axis), storage chunking (full array order, null when contiguous), compression and attributes.
 */
public record VolumeInfo(String format, String path, String dataset, DType dtype, int channels, int[] shape,
        int[] chunks, String compression, Map<String, Object> attributes) {

    public Box box() {
        return Box.ofShape(shape);
    }

    public int rank() {
        return channels > 0 ? 4 : 3;
    }

    public long voxels() {
        return box().voxels();
    }

    /** Where the data came from, for messages: {@code file.h5:/stack}. */
    public String where() {
        return dataset == null || dataset.isEmpty() ? path : path + ":" + dataset;
    }

    /** The full array shape, with the channel axis first when there is one. */
    public int[] arrayShape() {
        return channels > 0 ? new int[] {channels, shape[0], shape[1], shape[2]} : shape.clone();
    }

    /**
     * Voxel size (z, y, x) from a {@code voxel_size} attribute, or null when the file does not say. Three values that
     * are not numbers above 0 (a string, 0, a negative size) are bad input naming the file and the value.
     */
    public double[] voxelSize() {
        String key = voxelSizeAttribute();
        return key == null ? null : voxelSize(key);
    }

    /**
     * Which attribute the voxel size comes from: basin's {@code voxel_size}, a CREMI-style {@code resolution} (z, y, x
     * in nm), or {@value #OME_SCALE} (an OME-Zarr group's scale of this array); null when the file says nothing.
     */
    public String voxelSizeAttribute() {
        for (String k : new String[] {"voxel_size", "resolution", OME_SCALE, IMAGEJ_SPACING}) {
            if (attributes.containsKey(k)) {
                return k;
            }
        }
        return null;
    }

    /** The attribute under which {@link Volumes} puts an OME-Zarr group's scale (z, y, x in nm) of the array opened. */
    public static final String OME_SCALE = "ome_scale";

    /** The attribute under which the TIFF reader puts an ImageJ stack's spacing (z, y, x in nm). */
    public static final String IMAGEJ_SPACING = "imagej_spacing";

    private double[] voxelSize(String key) {
        Object v = attributes.get(key);
        double[] out = null;
        if (v instanceof double[] d && d.length == 3) {
            out = d.clone();
        } else if (v instanceof float[] fl && fl.length == 3) {
            out = new double[] {fl[0], fl[1], fl[2]};
        } else if (v instanceof long[] l && l.length == 3) {
            out = new double[] {l[0], l[1], l[2]};
        } else if (v instanceof int[] l && l.length == 3) {
            out = new double[] {l[0], l[1], l[2]};
        } else if (v instanceof java.util.List<?> list && list.size() == 3) {
            if (!list.stream().allMatch(o -> o instanceof Number)) {
                String shown = list.stream().map(o -> o instanceof String str ? "\"" + str + "\"" : String.valueOf(o))
                        .collect(Collectors.joining(", ", "[", "]"));
                throw BasinException.badInput(where() + ": attribute " + key + " " + shown + " is not three numbers (z, y, x)");
            }
            out = list.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
        }
        if (out != null && !Arrays.stream(out).allMatch(x -> x > 0 && !Double.isInfinite(x))) {
            throw BasinException.badInput(where() + ": attribute " + key + " " + Arrays.toString(out) + " (z, y, x) has a size that is not above 0");
        }
        return out;
    }

    @Override
    public String toString() {
        return format + " " + where() + " " + dtype.label() + " " + Arrays.toString(arrayShape());
    }
}
