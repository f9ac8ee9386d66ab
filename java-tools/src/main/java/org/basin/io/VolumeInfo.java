package org.basin.io;

import java.util.Arrays;
import java.util.Map;
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

    /** Voxel size (z, y, x) from a {@code voxel_size} attribute, or null when the file does not say. */
    public double[] voxelSize() {
        Object v = attributes.get("voxel_size");
        if (v instanceof double[] d && d.length == 3) {
            return d.clone();
        }
        if (v instanceof long[] l && l.length == 3) {
            return new double[] {l[0], l[1], l[2]};
        }
        if (v instanceof int[] l && l.length == 3) {
            return new double[] {l[0], l[1], l[2]};
        }
        if (v instanceof java.util.List<?> list && list.size() == 3) {
            return list.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
        }
        return null;
    }

    @Override
    public String toString() {
        return format + " " + where() + " " + dtype.label() + " " + Arrays.toString(arrayShape());
    }
}
