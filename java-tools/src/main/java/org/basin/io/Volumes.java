package org.basin.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.basin.error.BasinException;

/** Opens any volume basin reads, choosing the format from what is at the path. */
public final class Volumes {
    private Volumes() {
    }

    /**
     * Opens {@code path}: an HDF5 file ({@code dataset} is the dataset path; null when the file holds one), a Zarr
     * v2 array or group ({@code dataset} is the array path inside the group; an OME-Zarr group defaults to its
     * first scale), a multi-page TIFF, a folder of TIFF slices or a Neuroglancer precomputed volume (a folder with an
     * {@code info} file; {@code dataset} is a scale key, the first scale when null).
     */
    public static VolumeReader open(Path path, String dataset) {
        if (Stores.isS3(path)) {
            return openS3(path, dataset);
        }
        if (!Files.exists(path)) {
            throw BasinException.badArguments(path + ": no such file or folder");
        }
        if (Files.isDirectory(path)) {
            if (ZarrArray.isArray(path) && (dataset == null || dataset.isEmpty() || dataset.equals("/"))) {
                Path group = path.toAbsolutePath().getParent();
                return withOmeScale(ZarrArray.open(path), group, path.getFileName().toString());
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
                return withOmeScale(ZarrArray.open(array), path, inner);
            }
            if (ZarrArray.isArray(path)) {
                throw BasinException.badArguments(path + ": a Zarr array has no dataset '" + dataset + "'");
            }
            if (N5Array.isN5(path)) {
                return openN5(Stores.of(path), dataset);
            }
            if (ZarrV3Array.isNode(path)) {
                return ZarrV3Array.openVolume(path, dataset);
            }
            if (TiffStackReader.hasSlices(path)) {
                return TiffStackReader.open(path);
            }
            if (PrecomputedVolume.isVolume(path)) {
                return PrecomputedVolume.open(path, dataset); // dataset: a scale key; none: the first (finest) scale
            }
            PrecomputedVolume scaleFolder = dataset == null || dataset.isEmpty() ? PrecomputedVolume.openScaleFolder(path) : null;
            if (scaleFolder != null) {
                return scaleFolder;
            }
            return openUnmarked(path, dataset);
        }
        if (TiffStackReader.isTiff(path)) {
            return TiffStackReader.open(path);
        }
        if (Hdf5Files.looksLikeHdf5(path) || isHdf5Name(path)) {
            return Hdf5VolumeReader.open(path, dataset);
        }
        throw BasinException.badInput(path + ": unknown volume format; basin reads HDF5 (.h5), Zarr v2 folders and TIFF stacks");
    }

    /**
     * A volume in an object store, chosen from its keys (an object store has no folders to look at): an HDF5 file by
     * its name; else Zarr's keys first (the common case, and the key an access-denied message names), then N5's
     * attributes.json, then a precomputed volume's info, then the info of the prefix above for a location naming one
     * of its scales (each one GET or HEAD), then a LIST for .tif/.tiff slices; a multi-page TIFF by its name.
     */
    private static VolumeReader openS3(Path path, String dataset) {
        if (isHdf5Name(path)) {
            return Hdf5VolumeReader.open(path, dataset); // ranged GETs of the blocks its metadata and chunks lie in
        }
        if (TiffStackReader.isTiff(path)) {
            return TiffStackReader.open(path); // a multi-page TIFF object
        }
        ChunkStore store = Stores.of(path);
        boolean zarr = ZarrArray.isArray(store) || store.exists(".zgroup") || store.exists(ZarrV3Array.METADATA);
        if (!zarr && N5Array.isN5(store)) {
            return openN5(store, dataset);
        }
        if (!zarr && PrecomputedVolume.isVolume(store)) {
            return PrecomputedVolume.open(store, dataset); // dataset: a scale key; none: the first (finest) scale
        }
        if (!zarr && (dataset == null || dataset.isEmpty())) {
            PrecomputedVolume scale = PrecomputedVolume.openScaleOf(store.parent(), store.name());
            if (scale != null) {
                return scale;
            }
            List<String> slices = TiffStackReader.sliceKeys(store); // LIST: the last probe, the one that costs most
            if (!slices.isEmpty()) {
                return TiffStackReader.open(store, slices);
            }
        }
        return openZarr(store, dataset);
    }

    /** A name HDF5 files have (.h5, .hdf5, .hdf): in an object store the name alone says it, with no GET to look. */
    private static boolean isHdf5Name(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".hdf");
    }

    /**
     * An N5 container, group or dataset: {@code dataset} names a dataset (or a multiscale group, opened at its finest
     * level) inside it; without one a dataset opens itself and a multiscale group its s0.
     */
    private static VolumeReader openN5(ChunkStore store, String dataset) {
        String path = store.location();
        String inner = dataset == null ? "" : dataset.replaceFirst("^/+", "").replaceFirst("/+$", "");
        ChunkStore target = inner.isEmpty() ? store : store.child(inner);
        if (N5Array.isDataset(target)) {
            return N5Array.open(target);
        }
        if (N5Array.isN5(target)) {
            List<String> levels = N5Array.levelPaths(target);
            if (!levels.isEmpty()) {
                return N5Array.open(target.child(levels.get(0)));
            }
        }
        List<String> inside = N5Array.datasetsInside(store);
        if (inner.isEmpty()) {
            throw BasinException.badArguments(path + ": an N5 container (attributes.json) " + (inside.isEmpty()
                    ? "with no dataset directly inside (no subfolder whose attributes.json gives 'dimensions', nor one with s0, s1, ...)"
                    : "holding the datasets " + inside)
                    + "; name one with --dataset");
        }
        throw BasinException.badArguments(path + ": no N5 dataset '" + inner + "' in this container"
                + (inside.isEmpty() ? "" : " (it holds " + inside + ")"));
    }

    /**
     * The levels of a multiscale volume, finest first, as the dataset paths {@link #open} takes: an OME-Zarr group's
     * (v2 or v3) datasets, an N5 group's s0, s1, ..., a precomputed volume's scale keys. Empty for anything else.
     */
    public static List<String> levelPaths(Path path) {
        if (Stores.isS3(path)) {
            ChunkStore store = Stores.of(path);
            if (N5Array.isN5(store)) {
                return N5Array.levelPaths(store);
            }
            List<String> zarr = OmeZarr.levelPaths(store);
            return zarr.isEmpty() && PrecomputedVolume.isVolume(store) ? PrecomputedVolume.levelPaths(store) : zarr;
        }
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        if (N5Array.isN5(path)) {
            return N5Array.levelPaths(path);
        }
        if (PrecomputedVolume.isVolume(path)) {
            return PrecomputedVolume.levelPaths(path);
        }
        if (Files.isRegularFile(path.resolve(".zgroup")) || ZarrV3Array.isNode(path)) {
            return OmeZarr.levelPaths(path);
        }
        return List.of();
    }

    /**
     * The dataset to open: {@code dataset} itself, or with {@code scale} the path of that level of the multiscale
     * volume at {@code path} (0 = full resolution). Both at once, a volume with no levels or a level it lacks: exit 2.
     */
    public static String dataset(Path path, String dataset, Integer scale) {
        if (scale == null) {
            return dataset;
        }
        if (dataset != null && !dataset.isEmpty()) {
            throw BasinException.badArguments("give --dataset '" + dataset + "' or --scale " + scale + ", not both");
        }
        List<String> levels = levelPaths(path);
        if (levels.isEmpty()) {
            throw BasinException.badArguments(path + ": --scale " + scale + " needs a multiscale volume (an OME-Zarr group, an N5 group"
                    + " with s0, s1, ..., or a precomputed volume); this one has no levels: name the array with --dataset");
        }
        if (scale < 0 || scale >= levels.size()) {
            throw BasinException.badArguments(path + ": --scale " + scale + " is not one of its " + levels.size() + " levels 0.."
                    + (levels.size() - 1) + " " + levels);
        }
        return levels.get(scale);
    }

    /**
     * A Zarr v2 or v3 array or group in an object store (s3://): the same choices as for a folder, made from the keys
     * {@code zarr.json}, {@code .zarray} and {@code .zgroup} (an object store has no folders to look at).
     */
    static VolumeReader openZarr(ChunkStore store, String dataset) {
        if (ZarrV3Array.isNode(store)) {
            return ZarrV3Array.openVolume(store, dataset);
        }
        boolean whole = dataset == null || dataset.isEmpty() || dataset.equals("/");
        if (whole && ZarrArray.isArray(store)) {
            ChunkStore group = store.parent();
            return withOmeScale(ZarrArray.open(store), group, store.name());
        }
        String inner = whole ? null : dataset.replaceFirst("^/", "");
        boolean isGroup = store.get(".zgroup") != null;
        if (inner == null && isGroup) {
            inner = OmeZarr.firstScale(store);
            if (inner == null) {
                throw BasinException.badArguments(store.location() + ": a Zarr group; name the array inside it with --dataset");
            }
        }
        if (inner != null && ZarrArray.isArray(store.child(inner))) {
            return withOmeScale(ZarrArray.open(store.child(inner)), store, inner);
        }
        if (inner != null && (isGroup || ZarrArray.isArray(store))) {
            throw BasinException.badArguments(store.location() + ": no Zarr array '" + inner + "' in this " + (isGroup ? "group" : "array"));
        }
        throw BasinException.badArguments(store.location() + ": no volume here (no zarr.json, .zarray, .zgroup, attributes.json or info key"
                + (inner != null ? ", nor " + inner + "/.zarray" : ", nor .tif/.tiff slices") + "); basin reads Zarr v2 and Zarr v3 (sharded or"
                + " not), N5, Neuroglancer precomputed volumes, TIFF stacks and HDF5 files (.h5) from object stores");
    }

    /** The group's OME-Zarr scale of the array, as its voxel size when the array's own attributes give none. */
    private static ZarrArray withOmeScale(ZarrArray a, Path group, String arrayPath) {
        return withOmeScale(a, group == null ? null : Stores.of(group), arrayPath);
    }

    private static ZarrArray withOmeScale(ZarrArray a, ChunkStore group, String arrayPath) {
        if (group != null && a.info().voxelSizeAttribute() == null) {
            double[] zyx = OmeScale.of(group, arrayPath);
            if (zyx != null) {
                a.info().attributes().put(VolumeInfo.OME_SCALE, zyx);
            }
        }
        return a;
    }

    /**
     * A folder with neither Zarr v2 metadata nor TIFF slices: a named array of a Zarr group written without its
     * {@code .zgroup} opens; otherwise the message says what the folder looks like and what basin looked for.
     */
    private static VolumeReader openUnmarked(Path path, String dataset) {
        if (dataset != null && !dataset.isEmpty() && ZarrArray.isArray(path.resolve(dataset.replaceFirst("^/", "")))) {
            return ZarrArray.open(path.resolve(dataset.replaceFirst("^/", "")));
        }
        List<String> arrays = zarrArraysInside(path);
        if (!arrays.isEmpty()) {
            throw BasinException.badArguments(path + ": a Zarr group without .zgroup holding the arrays " + arrays
                    + "; name one with --dataset (or give its folder)");
        }
        String what = "no volume basin reads";
        throw BasinException.badArguments(path + ": " + what + " (looked for .zarray, .zgroup, zarr.json, attributes.json, info"
                + " and .tif/.tiff slices)");
    }

    /** The Zarr v2 arrays directly inside {@code dir} (folders with a .zarray), by name. */
    private static List<String> zarrArraysInside(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(ZarrArray::isArray).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw BasinException.io(dir + ": cannot list folder (" + e.getMessage() + ")", e);
        }
    }
}
