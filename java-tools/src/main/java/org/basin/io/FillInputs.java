package org.basin.io;

import java.util.Arrays;
import org.basin.error.BasinException;
import org.basin.volume.DType;

/** What {@code basin fill} reads, checked before anything is written: integer labels and (3, z, y, x) affinities of one shape. */
public final class FillInputs {
    private FillInputs() {
    }

    public static void check(VolumeInfo segmentation, VolumeInfo affinities) {
        if (segmentation.channels() > 0 || segmentation.dtype().isFloating()) {
            throw BasinException.badInput(segmentation.where() + ": labels must be a 3D integer volume; got " + segmentation.dtype().label()
                    + " " + Arrays.toString(segmentation.arrayShape()));
        }
        if (affinities.channels() != 3) {
            throw BasinException.badInput(affinities.where() + ": affinities must be (3, z, y, x); got shape " + Arrays.toString(affinities.arrayShape()));
        }
        if (affinities.dtype() != DType.FLOAT32 && affinities.dtype() != DType.UINT8) {
            throw BasinException.badInput(affinities.where() + ": affinities must be float32 (or uint8 scaled 0..255); got " + affinities.dtype().label());
        }
        if (!Arrays.equals(segmentation.shape(), affinities.shape())) {
            throw BasinException.badInput(segmentation.where() + " has shape " + Arrays.toString(segmentation.shape()) + " (z, y, x) but "
                    + affinities.where() + " has " + Arrays.toString(affinities.shape()) + ": they must match");
        }
    }
}
