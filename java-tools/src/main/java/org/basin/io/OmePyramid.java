package org.basin.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.volume.DType;

/**
 * The levels of an OME-Zarr group basin writes (Zarr v2 / OME-Zarr 0.4 or Zarr v3 / OME-Zarr 0.5): level k is the
 * array {@code k} beside level 0, with level 0's chunks, shards and codecs and its own shape, and the group's
 * {@code multiscales} lists them all with their scale and translation. Every task of one pyramid computes the same
 * metadata, so whichever writes first creates an array and the group's text is the same whoever writes it last.
 */
public final class OmePyramid {
    private final ChunkStore group;
    private final boolean v3;
    private final String level0Path;
    private final ChunkedStore level0;
    private final List<Object> scale0; // level 0's scale transform as stored (axes' units), channel axis included

    private OmePyramid(ChunkStore group, boolean v3, String level0Path, ChunkedStore level0, List<Object> scale0) {
        this.group = group;
        this.v3 = v3;
        this.level0Path = level0Path;
        this.level0 = level0;
        this.scale0 = scale0;
    }

    /** The OME-Zarr group at {@code group} (a folder or s3://); N5 and anything without OME multiscales are refused, naming why. */
    public static OmePyramid open(Path group) {
        return open(Stores.of(group));
    }

    public static OmePyramid open(ChunkStore group) {
        if (N5Array.isN5(group)) {
            throw BasinException.badArguments(group.location() + ": an N5 store; basin pyramid writes OME-Zarr levels (zarr2, zarr3) only,"
                    + " not N5's s1, s2, ... yet: write the stores with --store-format zarr2 or zarr3");
        }
        boolean v3 = ZarrV3Array.isNode(group);
        if (!v3 && !group.exists(".zgroup")) {
            throw BasinException.badArguments(group.location() + ": not an OME-Zarr group (no .zgroup or zarr.json)");
        }
        List<?> ms = OmeScale.multiscales(group);
        if (ms == null || ms.isEmpty() || !(ms.get(0) instanceof Map<?, ?> m) || !(m.get("datasets") instanceof List<?> ds) || ds.isEmpty()
                || !(ds.get(0) instanceof Map<?, ?> d0)) {
            throw BasinException.badInput(group.location() + ": no OME-Zarr multiscales with a dataset in its "
                    + (v3 ? "zarr.json attributes.ome" : ".zattrs"));
        }
        String path = String.valueOf(d0.get("path"));
        List<Object> scale = null;
        if (d0.get("coordinateTransformations") instanceof List<?> ts) {
            for (Object t : ts) {
                if (t instanceof Map<?, ?> tm && "scale".equals(tm.get("type")) && tm.get("scale") instanceof List<?> s) {
                    scale = new ArrayList<>(s);
                }
            }
        }
        if (scale == null) {
            throw BasinException.badInput(group.location() + ": multiscales dataset '" + path + "' has no scale transform");
        }
        ChunkStore array = group.child(path);
        ChunkedStore level0 = v3 ? ZarrV3Array.open(array) : ZarrArray.open(array);
        if (scale.size() != level0.info().rank()) {
            throw BasinException.badInput(group.location() + ": the scale of dataset '" + path + "' has " + scale.size() + " entries for a "
                    + level0.info().rank() + "-D array");
        }
        return new OmePyramid(group, v3, path, level0, scale);
    }

    public ChunkStore group() {
        return group;
    }

    public String format() {
        return v3 ? "zarr3" : "zarr2";
    }

    public ChunkedStore level0() {
        return level0;
    }

    public VolumeInfo info() {
        return level0.info();
    }

    /** The part of a level one writer must write whole (z, y, x): the store chunk, or the shard in a sharded v3 array. */
    public int[] writeUnit() {
        int[] full = level0 instanceof ZarrV3Array a ? a.gridChunkShape() : level0.info().chunks();
        int n = full.length;
        return new int[] {full[n - 3], full[n - 2], full[n - 1]};
    }

    /** The path of level k: level 0's own, then "1", "2", ... */
    public String levelPath(int k) {
        return k == 0 ? level0Path : String.valueOf(k);
    }

    /**
     * Level {@code k} (k >= 1) of shape {@code zyx}, created with level 0's layout when absent; {@code attrs} are its own
     * attributes (voxel size, factors). An existing array of another shape, type or layout is refused (exit 3).
     */
    public ChunkedStore level(int k, int[] zyx, Map<String, Object> attrs) {
        ChunkStore dir = group.child(levelPath(k));
        String meta = v3 ? ZarrV3Array.METADATA : ".zarray";
        Map<String, Object> want = new LinkedHashMap<>(read(group.child(level0Path), meta));
        int channels = level0.info().channels();
        want.put("shape", channels > 0 ? new int[] {channels, zyx[0], zyx[1], zyx[2]} : zyx.clone());
        if (v3) {
            want.put("attributes", attrs);
        }
        byte[] existing = dir.get(meta);
        if (existing != null) {
            Map<String, Object> have = new LinkedHashMap<>(Json.parse(new String(existing, StandardCharsets.UTF_8), dir.location(meta)));
            have.remove("attributes");
            Map<String, Object> need = new LinkedHashMap<>(want);
            need.remove("attributes");
            if (!Json.write(have).replaceAll("\\s+", "").equals(Json.write(need).replaceAll("\\s+", ""))) {
                throw BasinException.badInput(dir.location(meta) + ": an existing level holds " + Json.write(have).replaceAll("\\s+", "")
                        + "; this pyramid writes " + Json.write(need).replaceAll("\\s+", "") + "; remove the level (or the store) to start again");
            }
        } else {
            dir.create();
            if (!v3) {
                dir.put(".zattrs", Json.bytes(attrs));
            }
            dir.put(meta, Json.bytes(want));
        }
        return v3 ? ZarrV3Array.open(dir) : ZarrArray.open(dir);
    }

    private static Map<String, Object> read(ChunkStore store, String key) {
        byte[] b = store.get(key);
        if (b == null) {
            throw BasinException.badInput(store.location(key) + ": missing");
        }
        return Json.parse(new String(b, StandardCharsets.UTF_8), store.location(key));
    }

    /**
     * Rewrites the group's first multiscale to list levels 0 .. n-1: level k's scale is level 0's times
     * {@code cumulative[k]} (z, y, x; the channel axis keeps 1), its translation (cumulative - 1) / 2 level-0 voxels (the
     * centre of the voxels it covers). {@code type} and {@code metadata} say how the levels were made (NGFF's strict
     * schema asks for both); {@code imageLabel}, when not null, is stored as the group's {@code image-label}.
     */
    public void writeMultiscales(List<int[]> cumulative, String type, Map<String, Object> metadata, Map<String, Object> imageLabel) {
        String file = v3 ? ZarrV3Array.METADATA : ".zattrs";
        Map<String, Object> root = new LinkedHashMap<>(read(group, file));
        Map<String, Object> attrs = root;
        Map<String, Object> ome = root;
        if (v3) {
            attrs = map(root.get("attributes"));
            ome = map(attrs.get("ome"));
        }
        List<Object> list = new ArrayList<>((List<?>) ome.get("multiscales"));
        Map<String, Object> ms = map(list.get(0));
        List<Object> datasets = new ArrayList<>();
        datasets.add(((List<?>) ms.get("datasets")).get(0));
        int rank = scale0.size();
        for (int k = 1; k < cumulative.size(); k++) {
            int[] f = cumulative.get(k);
            List<Object> scale = new ArrayList<>();
            List<Object> translation = new ArrayList<>();
            for (int i = 0; i < rank; i++) {
                double s = ((Number) scale0.get(i)).doubleValue();
                int a = i - (rank - 3);
                scale.add(a < 0 ? s : s * f[a]);
                translation.add(a < 0 ? 0.0 : (f[a] - 1) * s / 2);
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", levelPath(k));
            d.put("coordinateTransformations", List.of(ZarrV3Array.ordered("type", "scale", "scale", scale),
                    ZarrV3Array.ordered("type", "translation", "translation", translation)));
            datasets.add(d);
        }
        ms.put("datasets", datasets);
        ms.put("type", type);
        ms.put("metadata", metadata);
        list.set(0, ms);
        ome.put("multiscales", list);
        if (imageLabel != null) {
            ome.put("image-label", imageLabel);
        }
        if (v3) {
            attrs.put("ome", ome);
            root.put("attributes", attrs);
        }
        byte[] text = Json.bytes(root);
        if (!Arrays.equals(group.get(file), text)) {
            group.put(file, text);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    }

    /** The element type of the levels (level 0's). */
    public DType dtype() {
        return level0.info().dtype();
    }
}
