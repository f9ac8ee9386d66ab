package org.basin.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.io.Json;
import org.basin.io.OmeZarr;
import org.basin.io.StoreLayout;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeuroglancerStateTest {
    @TempDir
    Path dir;

    /** shape (z, y, x) 10, 20, 30; voxels 40 x 4 x 4 nm (z, y, x) */
    static final int[] SHAPE = {10, 20, 30};
    static final double[] VOXEL = {40, 4, 4};

    private void store(Path outdir, String name, DType dtype, int channels, StoreLayout.Format format) {
        StoreLayout layout = StoreLayout.single(format, SHAPE.clone(), SHAPE.clone(), format == StoreLayout.Format.zarr2 ? "zlib" : "zstd");
        OmeZarr.create(outdir.resolve(name), name, dtype, channels, SHAPE, layout, VOXEL, Map.of()).close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> layer(Map<String, Object> state, String name) {
        for (Object o : (List<?>) state.get("layers")) {
            Map<String, Object> l = (Map<String, Object>) o;
            if (name.equals(l.get("name"))) {
                return l;
            }
        }
        return null;
    }

    @Test
    void todaysOutdirAffinitiesAsRgbAndTheSegmentation() {
        Path out = dir.resolve("run");
        store(out, "segmentation.zarr", DType.UINT64, 0, StoreLayout.Format.zarr2);
        store(out, "affinities.zarr", DType.FLOAT32, 3, StoreLayout.Format.zarr2);
        NeuroglancerState.Result r = NeuroglancerState.of(out);
        Map<String, Object> s = Json.parse(r.json(), "state"); // what the file holds, read back
        assertEquals(Map.of("x", List.of(4.0e-9, "m"), "y", List.of(4.0e-9, "m"), "z", List.of(4.0e-8, "m")), s.get("dimensions"));
        assertEquals(List.of(15, 10, 5), s.get("position"));
        assertEquals("4panel", s.get("layout"));
        assertEquals(List.of("affinities", "segmentation"), ((List<?>) s.get("layers")).stream().map(l -> ((Map<?, ?>) l).get("name")).toList());
        Map<String, Object> aff = layer(s, "affinities");
        assertEquals("image", aff.get("type"));
        assertFalse(aff.containsKey("visible"), "no raw: the affinities are the visible background");
        Map<?, ?> source = (Map<?, ?>) aff.get("source");
        assertEquals("zarr2://@OUTDIR@/affinities.zarr", source.get("url"));
        Map<?, ?> outputs = (Map<?, ?>) ((Map<?, ?>) source.get("transform")).get("outputDimensions");
        assertEquals(List.of("c^", "z", "y", "x"), List.copyOf(outputs.keySet()), "the channel axis (first in the store) as a channel dimension");
        assertEquals(List.of(4.0e-8, "m"), outputs.get("z"));
        String shader = (String) aff.get("shader");
        assertTrue(shader.contains("emitRGB(vec3(clamp(getDataValue(2)"), shader); // x (channel 2) in red
        Map<String, Object> seg = layer(s, "segmentation");
        assertEquals("segmentation", seg.get("type"));
        assertEquals("zarr2://@OUTDIR@/segmentation.zarr", seg.get("source"));
        assertEquals(2, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().get(0).startsWith("no raw layer: " + out.resolve("raw.zarr") + " does not exist"), r.notes().get(0));
        assertEquals("no meshes: " + out.resolve("meshes/info") + " does not exist", r.notes().get(1));
    }

    @Test
    void rawAndMeshesWhenPresentAndZarr3Schemes() throws Exception {
        Path out = dir.resolve("run3");
        store(out, "segmentation.zarr", DType.UINT64, 0, StoreLayout.Format.zarr3);
        store(out, "affinities.zarr", DType.FLOAT32, 3, StoreLayout.Format.zarr3);
        store(out, "raw.zarr", DType.UINT8, 0, StoreLayout.Format.zarr3);
        Files.createDirectories(out.resolve("meshes"));
        Files.writeString(out.resolve("meshes/info"), "{\"@type\": \"neuroglancer_legacy_mesh\"}");
        for (String f : new String[] {"12:0", "5:0", "12:0:0-64_0-64_0-64", "info2"}) {
            Files.writeString(out.resolve("meshes").resolve(f), "{}");
        }
        NeuroglancerState.Result r = NeuroglancerState.of(out);
        Map<String, Object> s = r.state();
        assertEquals(List.of("raw", "affinities", "segmentation"), ((List<?>) s.get("layers")).stream().map(l -> ((Map<?, ?>) l).get("name")).toList());
        assertEquals("zarr3://@OUTDIR@/raw.zarr", layer(s, "raw").get("source"));
        assertEquals(false, layer(s, "affinities").get("visible"), "under the raw, hidden until asked for");
        Map<String, Object> seg = layer(s, "segmentation");
        assertEquals(List.of("zarr3://@OUTDIR@/segmentation.zarr", "precomputed://@OUTDIR@/meshes"), seg.get("source"));
        assertEquals(List.of("5", "12"), seg.get("segments"), "the segments with a mesh manifest, smallest first");
        assertEquals(List.of(), r.notes());
    }

    @Test
    void noSegmentationIsBadInput() {
        BasinException e = assertThrows(BasinException.class, () -> NeuroglancerState.of(dir));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals(dir + ": no segmentation store (segmentation.zarr or segmentation.n5) to view", e.getMessage());
    }

    @Test
    void fillAndUrl() {
        String json = "{\"layers\": [{\"source\": \"zarr2://@OUTDIR@/segmentation.zarr\"}]}";
        String filled = NeuroglancerState.fill(json, "http://127.0.0.1:8000/");
        assertEquals("{\"layers\": [{\"source\": \"zarr2://http://127.0.0.1:8000/segmentation.zarr\"}]}", filled);
        String url = NeuroglancerState.url("https://neuroglancer-demo.appspot.com", filled);
        assertTrue(url.startsWith("https://neuroglancer-demo.appspot.com/#!%7B"), url);
        assertFalse(url.contains(" ") || url.contains("\n"), url);
        String back = URLDecoder.decode(url.substring(url.indexOf("#!") + 2), StandardCharsets.UTF_8);
        assertEquals(Json.parse(filled, "x"), Json.parse(back, "url"));
        assertTrue(NeuroglancerState.url("http://127.0.0.1:9000/index.html", filled).startsWith("http://127.0.0.1:9000/index.html#!%7B"));
        assertTrue(NeuroglancerState.url("http://host/ng/", filled).startsWith("http://host/ng/#!%7B"));
    }
}
