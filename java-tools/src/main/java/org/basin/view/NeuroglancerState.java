package org.basin.view;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.ChunkStore;
import org.basin.io.Json;
import org.basin.io.N5Array;
import org.basin.io.Stores;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.io.ZarrArray;
import org.basin.io.ZarrV3Array;

/**
 * The Neuroglancer state of one run's outdir: raw (when {@code raw.zarr} exists), the affinities as RGB and the
 * segmentation (with the precomputed meshes in {@code meshes/} next to it when their {@code info} exists), global
 * dimensions x, y, z in metres from the stores' OME scale, the position at the volume's centre and a 4-panel layout.
 *
 * <p>Data sources start with {@value #BASE}, a placeholder for the URL the outdir is served at: Neuroglancer takes
 * only absolute source URLs, so one file serves wherever the outdir is put once that is filled in ({@link #fill};
 * {@code basin view} does it, and so does {@code sed 's#@OUTDIR@#https://host/run#g'}). Stores in s3:// are read
 * through the same object-store code as the tools, and their sources are given a real base instead (the bucket's
 * HTTP URL), so the state opens as it is.
 */
public final class NeuroglancerState {
    /** The placeholder for the served outdir's URL (no trailing slash) in every data source. */
    public static final String BASE = "@OUTDIR@";

    /** The file the state is written to in the outdir. */
    public static final String FILE = "neuroglancer.json";

    /** At most this many segment ids are listed as visible (their meshes shown in the 3-D panel). */
    static final int MAX_LISTED_SEGMENTS = 20;

    private NeuroglancerState() {
    }

    /** A store found in the outdir: its folder name, Neuroglancer scheme, shape (z, y, x), channels, voxel size (z, y, x nm). */
    record Store(String name, String scheme, int[] shape, int channels, double[] voxelSizeNm, String base) {
        String source() {
            return scheme + "://" + base + "/" + name;
        }
    }

    /** The state and what was left out of it and why (printed by the caller). */
    public record Result(Map<String, Object> state, List<String> notes) {
        public String json() {
            return Json.write(state) + "\n";
        }
    }

    /** Builds the state of {@code outdir}; its segmentation store must exist (exit 3 otherwise). */
    public static Result of(Path outdir) {
        return of(outdir, BASE);
    }

    /**
     * The state of the stores in {@code outdir} (a folder, or an s3:// location: a run's --store_dir), with every
     * source under {@code base}: {@value #BASE} for a folder that is served later, or the URL the stores are read at.
     */
    public static Result of(Path outdir, String base) {
        List<String> notes = new ArrayList<>();
        String b = base.replaceAll("/+$", "");
        String where = Stores.of(outdir).location(); // s3://bucket/prefix or the folder, for messages
        Store seg = store(outdir, "segmentation", b);
        if (seg == null) {
            throw BasinException.badInput(where + ": no segmentation store (segmentation.zarr or segmentation.n5) to view");
        }
        Store aff = store(outdir, "affinities", b);
        Store raw = store(outdir, "raw", b);
        if (raw == null) {
            notes.add("no raw layer: " + Stores.of(outdir.resolve("raw.zarr")).location() + " does not exist (the raw is published as an OME-Zarr store only by runs"
                    + " that write the pyramids); the affinities are shown instead");
        }
        if (aff == null) {
            notes.add("no affinities layer: no affinities.zarr or affinities.n5 in " + where);
        }
        double[] nm = seg.voxelSizeNm();
        Map<String, Object> dimensions = new LinkedHashMap<>();
        dimensions.put("x", List.of(nm[2] * 1e-9, "m"));
        dimensions.put("y", List.of(nm[1] * 1e-9, "m"));
        dimensions.put("z", List.of(nm[0] * 1e-9, "m"));

        List<Object> layers = new ArrayList<>();
        if (raw != null) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("type", "image");
            layer.put("source", raw.source());
            layer.put("name", "raw");
            layers.add(layer);
        }
        if (aff != null) {
            layers.add(affinityLayer(aff, raw == null));
        }
        Map<String, Object> segLayer = new LinkedHashMap<>();
        segLayer.put("type", "segmentation");
        ChunkStore meshes = Stores.of(outdir.resolve("meshes"));
        if (meshes.exists("info")) {
            segLayer.put("source", List.of(seg.source(), "precomputed://" + b + "/meshes"));
            List<String> ids = meshSegments(meshes);
            if (!ids.isEmpty()) {
                segLayer.put("segments", ids); // meshes are drawn for the listed (visible) segments only
            }
        } else {
            segLayer.put("source", seg.source());
            notes.add("no meshes: " + meshes.location("info") + " does not exist");
        }
        segLayer.put("name", "segmentation");
        segLayer.put("selectedAlpha", 0.4);
        segLayer.put("notSelectedAlpha", 0.15);
        layers.add(segLayer);

        int[] shape = seg.shape();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("dimensions", dimensions);
        // the middle voxel's centre: Neuroglancer puts an OME-Zarr voxel's centre at index * scale (NGFF), so integers
        state.put("position", List.of(shape[2] / 2, shape[1] / 2, shape[0] / 2));
        state.put("crossSectionOrientation", List.of(0, 0, 0, 1)); // the x-y plane in the main panel
        state.put("layers", layers);
        Map<String, Object> selected = new LinkedHashMap<>();
        selected.put("layer", "segmentation");
        selected.put("visible", true);
        state.put("selectedLayer", selected);
        state.put("layout", "4panel");
        return new Result(state, notes);
    }

    /** The affinities, channel 0 = z, 1 = y, 2 = x, drawn with x in red, y in green, z in blue (as basin snapshot does). */
    private static Map<String, Object> affinityLayer(Store aff, boolean visible) {
        double[] nm = aff.voxelSizeNm();
        // The OME channel axis would be a local dimension c'; renamed c^ it becomes a channel dimension the shader reads.
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("c^", List.of(1, ""));
        out.put("z", List.of(nm[0] * 1e-9, "m"));
        out.put("y", List.of(nm[1] * 1e-9, "m"));
        out.put("x", List.of(nm[2] * 1e-9, "m"));
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("url", aff.source());
        Map<String, Object> transform = new LinkedHashMap<>();
        transform.put("outputDimensions", out);
        source.put("transform", transform);
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("type", "image");
        layer.put("source", source);
        layer.put("name", "affinities");
        layer.put("shader", "void main() {\n"
                + "  emitRGB(vec3(clamp(getDataValue(2), 0.0, 1.0), clamp(getDataValue(1), 0.0, 1.0), clamp(getDataValue(0), 0.0, 1.0)));\n"
                + "}\n");
        if (!visible) {
            layer.put("visible", false); // under the raw: one click on its name shows it
        }
        return layer;
    }

    /** The store named {@code name} (.zarr v2 or v3, or .n5) in {@code outdir}, or null when there is none. */
    private static Store store(Path outdir, String name, String base) {
        for (String ext : new String[] {"zarr", "n5"}) {
            Path dir = outdir.resolve(name + "." + ext);
            ChunkStore keys = Stores.of(dir);
            String scheme;
            if (keys.exists(".zgroup") || ZarrArray.isArray(keys)) {
                scheme = "zarr2";
            } else if (ZarrV3Array.isNode(keys)) {
                scheme = "zarr3";
            } else if (N5Array.isN5(keys)) {
                scheme = "n5";
            } else if (keys.anyKey(1, k -> true)) {
                throw BasinException.badInput(keys.location() + ": neither a Zarr (.zgroup, .zarray, zarr.json) nor an N5 (attributes.json) store");
            } else {
                continue; // no such store (an empty folder or prefix is none either)
            }
            try (VolumeReader r = Volumes.open(dir, null)) {
                VolumeInfo info = r.info();
                Object ome = info.attributes().get(VolumeInfo.OME_SCALE);
                double[] nm = ome instanceof double[] d && d.length == 3 ? d.clone() : info.voxelSize();
                if (nm == null) {
                    throw BasinException.badInput(keys.location() + ": no voxel size (no OME-Zarr scale transform, no voxel_size or resolution attribute)");
                }
                return new Store(dir.getFileName().toString(), scheme, info.shape().clone(), info.channels(), nm, base);
            }
        }
        return null;
    }

    /** Up to {@link #MAX_LISTED_SEGMENTS} segment ids that have a mesh manifest ({@code ID:0}), smallest first. */
    private static List<String> meshSegments(ChunkStore meshes) {
        List<Long> ids = new ArrayList<>();
        meshes.anyKey(1, k -> { // one listing: the manifests are ID:0, the fragments ID:0:BLOCK
            if (k.matches("[0-9]+:0")) {
                ids.add(Long.parseUnsignedLong(k.substring(0, k.indexOf(':'))));
            }
            return false;
        });
        return ids.stream().sorted(Long::compareUnsigned).limit(MAX_LISTED_SEGMENTS).map(Long::toUnsignedString).toList();
    }

    /** {@code stateJson} with every {@value #BASE} replaced by {@code base} (no trailing slash). */
    public static String fill(String stateJson, String base) {
        return stateJson.replace(BASE, base.replaceAll("/+$", ""));
    }

    /** The Neuroglancer URL that opens {@code filledJson}: {@code neuroglancer}/#!{the state, URL-encoded}. */
    public static String url(String neuroglancer, String filledJson) {
        String compact = Json.write(Json.parse(filledJson, FILE)).replaceAll("\\s*\n\\s*", "");
        String client = neuroglancer.replaceAll("/+$", "");
        // a client page named by its file (.../index.html) takes the fragment directly; a folder takes "/#!"
        String sep = client.substring(client.lastIndexOf('/') + 1).contains(".") && client.indexOf("://") + 2 < client.lastIndexOf('/') ? "#!" : "/#!";
        return client + sep + URLEncoder.encode(compact, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
