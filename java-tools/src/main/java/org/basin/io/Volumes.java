package org.basin.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.basin.error.BasinException;

/** Opens any volume basin reads, choosing the format from what is at the path. */
public final class Volumes {
    private Volumes() {
    }

    /**
     * Opens {@code path}: an HDF5 file ({@code dataset} is the dataset path; null when the file holds one), a Zarr
     * v2 array or group ({@code dataset} is the array path inside the group; an OME-Zarr group defaults to its
     * first scale), a multi-page TIFF or a folder of TIFF slices.
     */
    public static VolumeReader open(Path path, String dataset) {
        if (!Files.exists(path)) {
            throw BasinException.badArguments(path + ": no such file or folder");
        }
        if (Files.isDirectory(path)) {
            if (ZarrArray.isArray(path) && (dataset == null || dataset.isEmpty() || dataset.equals("/"))) {
                return ZarrArray.open(path);
            }
            if (Files.isRegularFile(path.resolve(".zgroup"))) {
                String inner = dataset == null || dataset.isEmpty() ? OmeZarr.firstScale(path) : dataset.replaceFirst("^/", "");
                if (inner == null) {
                    throw BasinException.badArguments(path + ": a Zarr group; name the array inside it with --dataset");
                }
                Path array = path.resolve(inner);
                if (!ZarrArray.isArray(array)) {
                    throw BasinException.badArguments(path + ": no Zarr array '" + inner + "' in this group");
                }
                return ZarrArray.open(array);
            }
            if (ZarrArray.isArray(path)) {
                throw BasinException.badArguments(path + ": a Zarr array has no dataset '" + dataset + "'");
            }
            return TiffStackReader.open(path);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (TiffStackReader.isTiff(path)) {
            return TiffStackReader.open(path);
        }
        if (Hdf5Files.looksLikeHdf5(path) || name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".hdf")) {
            return Hdf5VolumeReader.open(path, dataset);
        }
        throw BasinException.badInput(path + ": unknown volume format; basin reads HDF5 (.h5), Zarr v2 folders and TIFF stacks");
    }
}
