package org.basin.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.volume.DType;

/**
 * Zarr v2 groups with OME-Zarr 0.4 multiscale metadata (one scale, path "0"), so Neuroglancer and napari open
 * basin's volumes with their voxel size.
 */
public final class OmeZarr {
    public static final String SCALE0 = "0";

    private OmeZarr() {
    }

    /**
     * Creates the group at {@code dir} and its full-resolution array. {@code voxelSize} is (z, y, x) in
     * nanometres; {@code attrs} are stored on the group and on the array.
     */
    public static ZarrArray create(Path dir, String name, DType dtype, int channels, int[] shape, int[] chunks, ZarrCodec codec,
            double[] voxelSize, Map<String, Object> attrs) {
        return create(Stores.of(dir), name, dtype, channels, shape, chunks, codec, voxelSize, attrs);
    }

    public static ZarrArray create(ChunkStore dir, String name, DType dtype, int channels, int[] shape, int[] chunks, ZarrCodec codec,
            double[] voxelSize, Map<String, Object> attrs) {
        dir.create();
        dir.put(".zgroup", "{\n  \"zarr_format\": 2\n}\n".getBytes(StandardCharsets.UTF_8));
        dir.put(".zattrs", Json.bytes(groupAttributes(name, channels, voxelSize, attrs)));
        return ZarrArray.create(dir.child(SCALE0), dtype, channels, shape, chunks, codec, "/", arrayAttributes(voxelSize, attrs));
    }

    private static Map<String, Object> arrayAttributes(double[] voxelSize, Map<String, Object> attrs) {
        Map<String, Object> arrayAttrs = new LinkedHashMap<>(attrs);
        arrayAttrs.put("voxel_size", voxelSize);
        return arrayAttrs;
    }

    private static Map<String, Object> groupAttributes(String name, int channels, double[] voxelSize, Map<String, Object> attrs) {
        List<Map<String, Object>> axes = new ArrayList<>();
        List<Double> scale = new ArrayList<>();
        if (channels > 0) {
            axes.add(ordered("name", "c", "type", "channel"));
            scale.add(1.0);
        }
        String[] names = {"z", "y", "x"};
        for (int a = 0; a < 3; a++) {
            axes.add(ordered("name", names[a], "type", "space", "unit", "nanometer"));
            scale.add(voxelSize[a]);
        }
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("path", SCALE0);
        dataset.put("coordinateTransformations", List.of(ordered("type", "scale", "scale", scale)));
        Map<String, Object> multiscale = new LinkedHashMap<>();
        multiscale.put("version", "0.4");
        multiscale.put("name", name);
        multiscale.put("axes", axes);
        multiscale.put("datasets", List.of(dataset));
        Map<String, Object> groupAttrs = new LinkedHashMap<>();
        groupAttrs.put("multiscales", List.of(multiscale));
        groupAttrs.putAll(attrs);
        groupAttrs.put("voxel_size", voxelSize);
        return groupAttrs;
    }
    /**
     * The full-resolution array of the store at {@code dir}, created as {@link #create} does when it is not there
     * yet. Every task writing a region of one store calls this with the same arguments, so whichever comes first
     * creates it (each metadata file appears whole); an existing store of another type, shape or chunking is
     * refused rather than mixed with.
     */
    public static ZarrArray openOrCreate(Path dir, String name, DType dtype, int channels, int[] shape, int[] chunks, ZarrCodec codec,
            double[] voxelSize, Map<String, Object> attrs) {
        return openOrCreate(Stores.of(dir), name, dtype, channels, shape, chunks, codec, voxelSize, attrs);
    }

    public static ZarrArray openOrCreate(ChunkStore dir, String name, DType dtype, int channels, int[] shape, int[] chunks, ZarrCodec codec,
            double[] voxelSize, Map<String, Object> attrs) {
        ChunkStore array = dir.child(SCALE0);
        if (!ZarrArray.isArray(array)) {
            return create(dir, name, dtype, channels, shape, chunks, codec, voxelSize, attrs);
        }
        ZarrArray a = ZarrArray.open(array);
        VolumeInfo i = a.info();
        int[] full = channels > 0 ? new int[] {channels, shape[0], shape[1], shape[2]} : shape.clone();
        int[] want = channels > 0 ? new int[] {channels, chunks[0], chunks[1], chunks[2]} : chunks.clone();
        for (int k = 0; k < want.length; k++) {
            want[k] = Math.max(1, Math.min(want[k], Math.max(1, full[k]))); // as create clips them
        }
        String have = i.dtype().label() + " " + Arrays.toString(i.arrayShape()) + " chunks " + Arrays.toString(i.chunks());
        String need = dtype.label() + " " + Arrays.toString(full) + " chunks " + Arrays.toString(want);
        if (!have.equals(need)) {
            throw BasinException.badInput(array.location() + ": an existing store holds " + have + "; this run writes " + need
                    + "; remove it (or write elsewhere) to start again");
        }
        // a rerun may say something new (the segment count); every task of one run writes the same text
        replaceIfChanged(dir, groupAttributes(name, channels, voxelSize, attrs));
        replaceIfChanged(array, arrayAttributes(voxelSize, attrs));
        return a;
    }

    private static void replaceIfChanged(ChunkStore store, Map<String, Object> value) {
        byte[] text = Json.bytes(value);
        if (!Arrays.equals(store.get(".zattrs"), text)) {
            store.put(".zattrs", text);
        }
    }

    /** The path of the full-resolution array of an OME-Zarr group, or null when the group has no multiscales. */
    public static String firstScale(Path group) {
        return firstScale(Stores.of(group));
    }

    @SuppressWarnings("unchecked")
    public static String firstScale(ChunkStore group) {
        byte[] attrs = group.get(".zattrs");
        if (attrs == null) {
            return null;
        }
        Object ms = Json.parse(new String(attrs, StandardCharsets.UTF_8), group.location(".zattrs")).get("multiscales");
        if (ms instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> m
                && m.get("datasets") instanceof List<?> ds && !ds.isEmpty() && ds.get(0) instanceof Map<?, ?> d0) {
            return String.valueOf(((Map<String, Object>) d0).get("path"));
        }
        return null;
    }

    /** Keys in the given order: Map.of iterates in an order that changes from run to run, and outputs must not. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
