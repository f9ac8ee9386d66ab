package org.basin.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.volume.DType;

/**
 * The stores basin writes: Zarr v2 groups with OME-Zarr 0.4 multiscale metadata, or Zarr v3 groups with OME-Zarr 0.5
 * metadata ({@code zarr.json} attributes.ome); one scale, path "0", so Neuroglancer, napari and webKnossos open
 * basin's volumes with their voxel size.
 */
public final class OmeZarr {
    public static final String SCALE0 = "0";

    private OmeZarr() {
    }

    /**
     * Creates the group at {@code dir} and its full-resolution array in the layout's format. {@code voxelSize} is
     * (z, y, x) in nanometres; {@code attrs} are stored on the group and on the array.
     */
    public static ChunkedStore create(Path dir, String name, DType dtype, int channels, int[] shape, StoreLayout layout,
            double[] voxelSize, Map<String, Object> attrs) {
        if (layout.format() == StoreLayout.Format.n5) {
            // N5 goes through a ChunkStore, so a folder and s3:// alike
            ChunkStore store = Stores.of(dir);
            N5Array.createGroup(store, n5Group(name, voxelSize, attrs));
            return N5Array.create(store.child(N5_SCALE0), dtype, channels, shape, layout.chunks(), layout.n5Codec(), n5Dataset(voxelSize, attrs));
        }
        if (layout.format() == StoreLayout.Format.zarr2) {
            return create(dir, name, dtype, channels, shape, layout.chunks(), ZarrCodec.parse(layout.compression()), voxelSize, attrs);
        }
        ChunkStore group = Stores.of(dir);
        group.create();
        group.put(ZarrV3Array.METADATA, Json.bytes(v3Group(name, channels, voxelSize, attrs)));
        return ZarrV3Array.create(group.child(SCALE0), dtype, channels, shape, v3Layout(layout, dtype), arrayAttributes(voxelSize, attrs));
    }

    private static ZarrV3Array.Layout v3Layout(StoreLayout layout, DType dtype) {
        return new ZarrV3Array.Layout(layout.chunks(), layout.shard(), StoreLayout.compressorMetadata(layout.compression(), dtype), true);
    }

    /** The OME-Zarr 0.5 group: zarr.json with attributes.ome {version, multiscales}, and basin's own attributes beside. */
    private static Map<String, Object> v3Group(String name, int channels, double[] voxelSize, Map<String, Object> attrs) {
        Map<String, Object> v2 = groupAttributes(name, channels, voxelSize, attrs);
        @SuppressWarnings("unchecked")
        Map<String, Object> multiscale = new LinkedHashMap<>(((List<Map<String, Object>>) v2.get("multiscales")).get(0));
        multiscale.remove("version"); // 0.5 says it once, in attributes.ome
        Map<String, Object> ome = new LinkedHashMap<>();
        ome.put("version", "0.5");
        ome.put("multiscales", List.of(multiscale));
        Map<String, Object> groupAttrs = new LinkedHashMap<>();
        groupAttrs.put("ome", ome);
        groupAttrs.putAll(attrs);
        groupAttrs.put("voxel_size", voxelSize);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zarr_format", 3);
        m.put("node_type", "group");
        m.put("attributes", groupAttrs);
        return m;
    }

    /**
     * The full-resolution array of the store at {@code dir}, created as {@link #create(Path, String, DType, int, int[],
     * StoreLayout, double[], Map)} does when it is not there yet (see the Zarr v2 form below for why); an existing
     * store of another format, type, shape, chunking, sharding or compression is refused rather than mixed with.
     */
    public static ChunkedStore openOrCreate(Path dir, String name, DType dtype, int channels, int[] shape, StoreLayout layout,
            double[] voxelSize, Map<String, Object> attrs) {
        if (layout.format() == StoreLayout.Format.n5) {
            return openOrCreateN5(Stores.of(dir), dir, name, dtype, channels, shape, layout, voxelSize, attrs);
        }
        ChunkStore group = Stores.of(dir);
        ChunkStore array = group.child(SCALE0);
        boolean v2 = ZarrArray.isArray(array);
        boolean v3 = ZarrV3Array.isNode(array);
        if (layout.format() == StoreLayout.Format.zarr2) {
            if (v3) {
                throw BasinException.badInput(array.location() + ": an existing store is Zarr v3 (zarr.json); this run writes Zarr v2"
                        + "; remove it (or write elsewhere, or pass --store-format zarr3) to start again");
            }
            return openOrCreate(dir, name, dtype, channels, shape, layout.chunks(), ZarrCodec.parse(layout.compression()), voxelSize, attrs);
        }
        if (v2) {
            throw BasinException.badInput(array.location() + ": an existing store is Zarr v2 (.zarray); this run writes Zarr v3"
                    + "; remove it (or write elsewhere, or pass --store-format zarr2) to start again");
        }
        if (!v3) {
            return create(dir, name, dtype, channels, shape, layout, voxelSize, attrs);
        }
        Map<String, Object> arrayAttrs = arrayAttributes(voxelSize, attrs);
        int[] full = channels > 0 ? new int[] {channels, shape[0], shape[1], shape[2]} : shape.clone();
        int[] chunks = channels > 0 ? new int[] {channels, layout.chunks()[0], layout.chunks()[1], layout.chunks()[2]} : layout.chunks().clone();
        int[] grid = layout.shard() == null ? chunks
                : channels > 0 ? new int[] {channels, layout.shard()[0], layout.shard()[1], layout.shard()[2]} : layout.shard().clone();
        Map<String, Object> want = ZarrV3Array.metadata(dtype, full, chunks, grid, v3Layout(layout, dtype), arrayAttrs);
        Map<String, Object> have = new LinkedHashMap<>(ZarrV3Array.node(array));
        String needText = layoutText(want);
        String haveText = layoutText(have);
        if (!haveText.equals(needText)) {
            throw BasinException.badInput(array.location() + ": an existing store holds " + haveText + "; this run writes " + needText
                    + "; remove it (or write elsewhere) to start again");
        }
        // a rerun may say something new (the segment count); every task of one run writes the same text
        replaceIfChanged(group, ZarrV3Array.METADATA, v3Group(name, channels, voxelSize, attrs));
        replaceIfChanged(array, ZarrV3Array.METADATA, want);
        return ZarrV3Array.open(array);
    }

    /** The N5 store's full-resolution dataset, as BigDataViewer / Paintera name a multiscale group's levels. */
    public static final String N5_SCALE0 = "s0";

    /**
     * An N5 multiscale group (its s0 created as {@link #create} does when not there yet); an existing one of another type,
     * shape, blocks or compression is refused. N5 keeps x, y, z order: resolution and dimensions are written so.
     */
    private static ChunkedStore openOrCreateN5(ChunkStore store, Path dir, String name, DType dtype, int channels, int[] shape,
            StoreLayout layout, double[] voxelSize, Map<String, Object> attrs) {
        ChunkStore s0 = store.child(N5_SCALE0);
        ChunkStore zarr0 = store.child(SCALE0);
        if (ZarrArray.isArray(zarr0) || zarr0.exists(ZarrV3Array.METADATA)) {
            throw BasinException.badInput(store.location() + ": an existing store is Zarr; this run writes N5; remove it (or write elsewhere) to start again");
        }
        if (!N5Array.isDataset(s0)) {
            return create(dir, name, dtype, channels, shape, layout, voxelSize, attrs);
        }
        N5Array a = N5Array.open(s0);
        VolumeInfo i = a.info();
        int[] full = channels > 0 ? new int[] {channels, shape[0], shape[1], shape[2]} : shape.clone();
        int[] want = channels > 0 ? new int[] {channels, layout.chunks()[0], layout.chunks()[1], layout.chunks()[2]} : layout.chunks().clone();
        for (int k = 0; k < want.length; k++) {
            want[k] = Math.max(1, Math.min(want[k], Math.max(1, full[k]))); // as create clips them
        }
        String have = i.dtype().label() + " " + Arrays.toString(i.arrayShape()) + " blocks " + Arrays.toString(i.chunks()) + " " + i.compression();
        String need = dtype.label() + " " + Arrays.toString(full) + " blocks " + Arrays.toString(want) + " " + layout.n5Codec().describe();
        if (!have.equals(need)) {
            throw BasinException.badInput(s0.location() + ": an existing store holds " + have + "; this run writes " + need
                    + "; remove it (or write elsewhere) to start again");
        }
        // a rerun may say something new (the segment count); every task of one run writes the same text
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("n5", "4.0.0");
        group.putAll(n5Group(name, voxelSize, attrs));
        replaceKeyIfChanged(store, "attributes.json", group);
        Map<String, Object> dataset = new LinkedHashMap<>(N5Array.attributes(s0));
        dataset.putAll(n5Dataset(voxelSize, attrs));
        replaceKeyIfChanged(s0, "attributes.json", dataset);
        return N5Array.open(s0);
    }

    /** As replaceFileIfChanged, for a key of a store: a rerun that says the same thing writes nothing (no PUT on S3). */
    private static void replaceKeyIfChanged(ChunkStore store, String key, Map<String, Object> value) {
        byte[] text = Json.bytes(value);
        if (!Arrays.equals(store.get(key), text)) {
            store.put(key, text);
        }
    }

    /** The group: one level (s0), nm, x,y,z; basin's own attributes beside. */
    private static Map<String, Object> n5Group(String name, double[] voxelSize, Map<String, Object> attrs) {
        Map<String, Object> m = new LinkedHashMap<>(attrs);
        m.put("name", name);
        m.put("multiScale", true);
        m.put("resolution", new double[] {voxelSize[2], voxelSize[1], voxelSize[0]});
        m.put("unit", "nm");
        return m;
    }

    private static Map<String, Object> n5Dataset(double[] voxelSize, Map<String, Object> attrs) {
        Map<String, Object> m = new LinkedHashMap<>(attrs);
        m.put("resolution", new double[] {voxelSize[2], voxelSize[1], voxelSize[0]});
        m.put("pixelResolution", ordered("unit", "nm", "dimensions", new double[] {voxelSize[2], voxelSize[1], voxelSize[0]}));
        m.put("downsamplingFactors", new int[] {1, 1, 1});
        return m;
    }

    /** What must match between an existing v3 store and a run's: everything but the attributes, as compact text. */
    private static String layoutText(Map<String, Object> meta) {
        Map<String, Object> m = new LinkedHashMap<>(meta);
        m.remove("attributes");
        return "data_type " + Json.write(m.get("data_type")) + ", shape " + compact(m.get("shape")) + ", chunk_grid "
                + compact(m.get("chunk_grid")) + ", codecs " + compact(m.get("codecs"));
    }

    private static String compact(Object o) {
        return Json.write(o).replaceAll("\\s+", "");
    }

    /**
     * The array paths of the OME-Zarr group's first multiscale, finest first (as the spec orders them), Zarr v2
     * (.zattrs) or v3 (zarr.json attributes.ome); empty when the group has none.
     */
    public static List<String> levelPaths(Path root) {
        return levelPaths(Stores.of(root));
    }

    public static List<String> levelPaths(ChunkStore root) {
        List<?> ms = OmeScale.multiscales(root);
        List<String> out = new ArrayList<>();
        if (ms != null && !ms.isEmpty() && ms.get(0) instanceof Map<?, ?> m && m.get("datasets") instanceof List<?> ds) {
            for (Object d : ds) {
                if (d instanceof Map<?, ?> dm && dm.get("path") != null) {
                    out.add(String.valueOf(dm.get("path")));
                }
            }
        }
        return out;
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
        replaceIfChanged(store, ".zattrs", value);
    }

    private static void replaceFileIfChanged(Path file, Map<String, Object> value) {
        String text = Json.write(value) + "\n";
        try {
            if (Files.isRegularFile(file) && Files.readString(file).equals(text)) {
                return;
            }
        } catch (IOException e) {
            // unreadable: write it anew
        }
        Json.writeText(file, text);
    }

    /** Writes the key only when its text changes: tasks of one run all write the same, and a rewrite is a PUT on S3. */
    private static void replaceIfChanged(ChunkStore store, String key, Map<String, Object> value) {
        byte[] text = Json.bytes(value);
        if (!Arrays.equals(store.get(key), text)) {
            store.put(key, text);
        }
    }

    /** The path of the full-resolution array of an OME-Zarr group (v2 or v3), or null when the group has no multiscales. */
    public static String firstScale(Path group) {
        return firstScale(Stores.of(group));
    }

    public static String firstScale(ChunkStore group) {
        List<String> levels = levelPaths(group);
        return levels.isEmpty() ? null : levels.get(0);
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
