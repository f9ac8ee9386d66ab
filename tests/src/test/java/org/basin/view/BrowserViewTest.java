package org.basin.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.basin.io.Json;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * basin's stores in a real Neuroglancer: the npm package (tests/browser, pinned by its package-lock.json) built with
 * Vite, served with {@code basin view}'s {@link StaticServer} beside the stores, driven by puppeteer-core in headless
 * Chromium; the PNG of the WebGL canvas is checked against the segment ids in the store.
 *
 * <p>The Neuroglancer build is cached in {@code ~/.cache/basin/neuroglancer-HASH} (or {@code $BASIN_CACHE}; HASH of
 * package-lock.json, package.json, the Vite config and the entry), so only the first run pays for {@code npm ci} and the Vite build.
 * Skipped, saying why, where Chromium ({@code /usr/bin/chromium} or {@code $CHROMIUM}), node or npm is missing.
 */
@Order(10)
public class BrowserViewTest {
    static final Path ROOT = Path.of(System.getProperty("basin.root", "..")).toAbsolutePath().normalize();
    static final Path HARNESS = ROOT.resolve("tests/browser");
    /** What the cached build depends on (hashed); screenshot.mjs is copied in on every run. */
    static final List<String> BUILD_FILES = List.of("package-lock.json", "package.json", "vite.config.js", "index.html", "main.js");
    static final String DRIVER = "screenshot.mjs";

    /** The volume the test builds (x, y, z) and the slice shown. */
    static final int NX = 96;
    static final int NY = 96;
    static final int NZ = 32;
    static final int SLICE_Z = 16;

    /** Screen pixels per voxel in the slice panel: 4, so a voxel's centre pixel is 1.5 px from its edges. */
    static final int PIXELS_PER_VOXEL = 4;

    /** Per-channel tolerance between Neuroglancer's GPU colour and the one computed here (float rounding). */
    static final int TOLERANCE = 3;

    static Path neuroglancer;
    static Path chromium;

    @TempDir
    static Path dir;
    static Path outV2;
    static Path outV3;

    @BeforeAll
    static void setUp() throws Exception {
        String chromiumPath = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        chromium = Path.of(chromiumPath);
        Assumptions.assumeTrue(Files.isExecutable(chromium), () -> skip("no Chromium at " + chromiumPath + " (apt-get install chromium, or set CHROMIUM)"));
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), () -> skip("node or npm is not on the PATH (apt-get install nodejs npm)"));
        long t0 = System.nanoTime();
        neuroglancer = prebuild().join();
        long t1 = System.nanoTime();
        buildStores();
        long t2 = System.nanoTime();
        System.out.printf("BrowserViewTest: Neuroglancer ready in %.1f s (%s), stores built in %.1f s%n", (t1 - t0) / 1e9, neuroglancer,
                (t2 - t1) / 1e9);
    }

    private static String skip(String why) {
        String message = "BrowserViewTest skipped: " + why;
        System.out.println(message);
        return message;
    }

    @Test
    void segmentationColoursInNeuroglancerAreTheSegmentIdsOfTheZarr2Store() throws Exception {
        checkSegmentationPanel(outV2, "zarr2");
    }

    /** Issue 17's last item: basin's sharded Zarr v3 (OME-Zarr 0.5) output opened in Neuroglancer. */
    @Test
    void segmentationColoursInNeuroglancerAreTheSegmentIdsOfTheShardedZarr3Store() throws Exception {
        Map<String, Object> meta = Json.read(outV3.resolve("segmentation.zarr/0/zarr.json"));
        assertTrue(Json.write(meta.get("codecs")).contains("sharding_indexed"), "the v3 copy is sharded");
        checkSegmentationPanel(outV3, "zarr3");
    }

    /**
     * The affinities layer as the state writes it (the store's channel axis renamed to a channel dimension, the RGB
     * shader) alone in an x-y panel: every voxel's centre pixel is (x, y, z affinity) x 255 as red, green, blue.
     */
    @Test
    void affinitiesShowAsRgbWithTheirChannelAxisAsColours() throws Exception {
        float[] aff;
        try (VolumeReader r = Volumes.open(outV2.resolve("affinities.zarr"), null)) {
            assertEquals(3, r.info().channels());
            aff = r.read(new Box(new int[] {SLICE_Z, 0, 0}, new int[] {SLICE_Z + 1, NY, NX})).floats(); // (c, 1, y, x)
        }
        try (StaticServer data = StaticServer.start(outV2, 0); StaticServer client = StaticServer.start(neuroglancer.resolve("dist"), 0)) {
            Map<String, Object> state = Json.parse(NeuroglancerState.fill(NeuroglancerState.of(outV2).json(), data.baseUrl()), "state");
            Map<String, Object> view = slicePanelOf(state, "affinities");
            Screenshot shot = screenshot(client, view, dir.resolve("affinities.png"));
            Rect panel = shot.panels().get(0);
            double cx = panel.x() + panel.width() / 2.0;
            double cy = panel.y() + panel.height() / 2.0;
            int wrong = 0;
            List<String> examples = new ArrayList<>();
            Set<Integer> colours = new HashSet<>();
            int plane = NX * NY;
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    int i = y * NX + x;
                    int expected = (channel(aff[2 * plane + i]) << 16) | (channel(aff[plane + i]) << 8) | channel(aff[i]);
                    int sx = (int) Math.floor(cx + (x - NX / 2) * PIXELS_PER_VOXEL);
                    int sy = (int) Math.floor(cy + (y - NY / 2) * PIXELS_PER_VOXEL);
                    int seen = shot.image().getRGB(sx, sy) & 0xffffff;
                    colours.add(seen);
                    if (!close(expected, seen) && wrong++ < 5) {
                        examples.add(String.format("voxel (%d, %d): expected #%06x, pixel (%d, %d) #%06x", x, y, expected, sx, sy, seen));
                    }
                }
            }
            assertEquals(0, wrong, wrong + " of " + plane + " voxels show another colour than their affinities': " + examples);
            assertTrue(colours.size() > 100, colours.size() + " colours: the affinities vary");
            System.out.printf("BrowserViewTest affinities: %d voxels of z %d show their (x, y, z) affinities as RGB (%d colours)%n", plane, SLICE_Z,
                    colours.size());
        }
    }

    /**
     * Issue 18 item 1: the zarr2 store's pyramid levels (basin pyramid) zoomed out so the 96-voxel volume is 6 pixels
     * wide: every coloured pixel of the panel has the colour of a segment id of the store, and the server was asked
     * for chunks of the coarsest level and for no chunk of level 0 (its metadata only).
     */
    @Test
    void coarsestPyramidLevelRendersWhenZoomedOut() throws Exception {
        Path store = outV2.resolve("segmentation.zarr");
        String coarsest = coarsestLevel(store);
        assertTrue(!coarsest.equals("0"), "levels in " + store);
        Set<Integer> colours = new HashSet<>();
        try (VolumeReader r = Volumes.open(store, null)) {
            for (long id : r.read(new Box(new int[] {0, 0, 0}, new int[] {NZ, NY, NX})).longs()) {
                if (id != 0) {
                    colours.add(segmentColour(id, 0));
                }
            }
        }
        int voxelsPerPixel = 16;
        try (StaticServer data = StaticServer.start(outV2, 0); StaticServer client = StaticServer.start(neuroglancer.resolve("dist"), 0)) {
            Map<String, Object> state = Json.parse(NeuroglancerState.fill(NeuroglancerState.of(outV2).json(), data.baseUrl()), "state");
            Map<String, Object> view = slicePanelOf(state, "segmentation");
            view.put("crossSectionScale", (double) voxelsPerPixel);
            Screenshot shot = screenshot(client, view, dir.resolve("zoomed-out.png"));
            Rect panel = shot.panels().get(0);
            int coloured = 0;
            int wrong = 0;
            List<String> examples = new ArrayList<>();
            for (int sy = panel.y(); sy < panel.y() + panel.height(); sy++) {
                for (int sx = panel.x(); sx < panel.x() + panel.width(); sx++) {
                    int seen = shot.image().getRGB(sx, sy) & 0xffffff;
                    if (seen == 0) {
                        continue;
                    }
                    coloured++;
                    if (colours.stream().noneMatch(c -> close(c, seen)) && wrong++ < 5) {
                        examples.add(String.format("pixel (%d, %d) #%06x", sx, sy, seen));
                    }
                }
            }
            int side = NX / voxelsPerPixel;
            assertTrue(coloured >= side * side / 2 && coloured <= (side + 2) * (side + 2), coloured + " coloured pixels for a " + side + " px wide volume");
            assertEquals(0, wrong, wrong + " of " + coloured + " coloured pixels have no segment's colour: " + examples);
            List<String> chunksOf0 = chunkRequests(data.requested(), "/segmentation.zarr/0/");
            List<String> chunksOfCoarsest = chunkRequests(data.requested(), "/segmentation.zarr/" + coarsest + "/");
            assertEquals(List.of(), chunksOf0, "no level-0 chunk read when zoomed out; all requests " + data.requested());
            assertTrue(chunksOfCoarsest.stream().anyMatch(q -> q.startsWith("200 ")), "chunks of level " + coarsest + " in " + data.requested());
            System.out.printf("BrowserViewTest zoomed out: %d px of segment colours from level %s (%d chunk requests, none of level 0)%n", coloured,
                    coarsest, chunksOfCoarsest.size());
        }
    }

    /**
     * Issue 18 item 2: with meshes/ beside the zarr2 store (basin mesh per block, then its manifests), the state
     * lists segments; in layout "3d" with the slices hidden, the panel's lit pixels have the hue of a listed segment's
     * colour (shaded: value and, at edges, blending with the background change, the hue does not), several segments
     * show, the panel's corners are background, and the server was asked for manifests and fragments.
     */
    @Test
    void meshesShowInThe3dPanel() throws Exception {
        try (StaticServer data = StaticServer.start(outV2, 0); StaticServer client = StaticServer.start(neuroglancer.resolve("dist"), 0)) {
            String json = NeuroglancerState.fill(NeuroglancerState.of(outV2).json(), data.baseUrl());
            assertTrue(json.contains("\"precomputed://" + data.baseUrl() + "/meshes\""), "mesh source in " + json);
            Map<String, Object> view = slicePanelOf(Json.parse(json, "state"), "segmentation");
            Map<String, Object> layer = segmentationLayer(view);
            List<Object> listed = cast(layer.get("segments"));
            assertTrue(listed != null && listed.size() >= 5, "segments listed: " + listed);
            Map<Long, float[]> hsbOf = new LinkedHashMap<>();
            for (Object id : listed) {
                long segment = Long.parseLong(id.toString());
                hsbOf.put(segment, hsb(segmentColour(segment, 0)));
            }
            view.put("layout", "3d");
            view.put("showSlices", false);
            view.put("projectionBackgroundColor", "#000000");
            view.put("projectionOrientation", List.of(0.3, 0.2, 0.0, 0.93));
            view.put("projectionScale", 200.0); // the panel's height in voxels: the 96x96x32 volume fills about half of it
            Screenshot shot = screenshot(client, view, dir.resolve("meshes-3d.png"));
            Rect panel = shot.panels().get(0);
            assertEquals("3d", panel.kind());
            int lit = 0;
            int wrong = 0;
            Map<Long, Integer> pixelsOf = new HashMap<>();
            List<String> examples = new ArrayList<>();
            for (int sy = panel.y(); sy < panel.y() + panel.height(); sy++) {
                for (int sx = panel.x(); sx < panel.x() + panel.width(); sx++) {
                    int seen = shot.image().getRGB(sx, sy) & 0xffffff;
                    int max = Math.max(seen >> 16 & 255, Math.max(seen >> 8 & 255, seen & 255));
                    int min = Math.min(seen >> 16 & 255, Math.min(seen >> 8 & 255, seen & 255));
                    if (max < 48 || max - min < 24) { // too dark or too grey for a reliable hue
                        continue;
                    }
                    lit++;
                    float[] h = hsb(seen);
                    Long best = null;
                    double bestDistance = 1;
                    for (Map.Entry<Long, float[]> e : hsbOf.entrySet()) {
                        double d = Math.abs(e.getValue()[0] - h[0]);
                        d = Math.min(d, 1 - d);
                        // shading scales r, g, b alike: the HSV saturation stays too (looser: 8-bit rounding of dark pixels)
                        if (d < bestDistance && Math.abs(e.getValue()[1] - h[1]) <= SATURATION_TOLERANCE) {
                            bestDistance = d;
                            best = e.getKey();
                        }
                    }
                    if (bestDistance <= HUE_TOLERANCE) {
                        pixelsOf.merge(best, 1, Integer::sum);
                    } else if (wrong++ < 5) {
                        examples.add(String.format("pixel (%d, %d) #%06x hue %.3f saturation %.3f", sx, sy, seen, h[0], h[1]));
                    }
                }
            }
            assertTrue(lit > panel.width() * panel.height() / 50, lit + " lit pixels in the 3-D panel");
            // edges between two meshes blend two hues: allow a few pixels off every listed hue
            assertTrue(wrong <= lit / 50, wrong + " of " + lit + " lit pixels have no listed segment's hue and saturation: " + examples);
            long segmentsSeen = pixelsOf.values().stream().filter(n -> n >= 20).count();
            assertTrue(segmentsSeen >= 3, "segments drawn (pixels per listed id): " + pixelsOf);
            int[][] corners = {{panel.x() + 2, panel.y() + 2}, {panel.x() + panel.width() - 3, panel.y() + 2},
                {panel.x() + 2, panel.y() + panel.height() - 3}, {panel.x() + panel.width() - 3, panel.y() + panel.height() - 3}};
            for (int[] c : corners) {
                assertEquals(0, shot.image().getRGB(c[0], c[1]) & 0xffffff, "background at (" + c[0] + ", " + c[1] + ")");
            }
            List<String> requested = data.requested();
            List<String> manifests = requested.stream().filter(q -> q.matches("200 /meshes/\\d+(:|%3A)0")).toList();
            List<String> fragments = requested.stream().filter(q -> q.matches("200 /meshes/\\d+(:|%3A)0(:|%3A).+")).toList();
            assertTrue(!manifests.isEmpty() && !fragments.isEmpty(), "manifests and fragments of meshes/ in " + requested);
            System.out.printf("BrowserViewTest meshes: %d lit pixels, %d of %d listed segments drawn, %d off-hue; %d manifests, %d fragments read%n", lit,
                    segmentsSeen, listed.size(), wrong, manifests.size(), fragments.size());
        }
    }

    /**
     * Issue 18 item 5: {@code basin report} on this test's stores (the segment tables from {@code relabel
     * --segment-sizes}, as the pipeline makes them) opened from file:// in the same headless Chromium: every
     * {@code <img>} has loaded with the size of its slice PNG, and the page asked for nothing but itself and its
     * data: URIs.
     */
    @Test
    void reportPageShowsItsImagesAndLoadsNothingElse() throws Exception {
        Path in = dir.resolve("report-in");
        basin("stitch", dir.resolve("ws").toString(), "--id-tables", in.resolve("ids").toString());
        Path idTable;
        try (Stream<Path> s = Files.list(in.resolve("ids"))) {
            idTable = s.filter(f -> f.toString().endsWith(".ids.h5")).findFirst().orElseThrow();
        }
        basin("relabel", "--watershed", dir.resolve("ws").toString(), "--id-table", idTable.toString(), "--segmentation",
                in.resolve("segmentation.zarr").toString(), "--zarr-chunk", "32,32,16", "--segment-sizes", in.resolve("sizes.tsv").toString());
        Path report = dir.resolve("report");
        basin("report", "--out-dir", report.toString(), "--segmentation", in.resolve("segmentation.zarr").toString(), "--affinities",
                outV2.resolve("affinities.zarr").toString(), "--raw", dir.resolve("raw.h5").toString(), "--segment-sizes", in.resolve("sizes.tsv").toString());
        List<Path> pngs;
        try (Stream<Path> s = Files.list(report)) {
            pngs = s.filter(f -> f.getFileName().toString().startsWith("slice_z") && f.toString().endsWith(".png")).sorted().toList();
        }
        assertEquals(5, pngs.size(), "slice PNGs in " + report);
        String page = report.resolve("report.html").toUri().toString();
        Path out = dir.resolve("report-page.json");
        Process p = new ProcessBuilder("node", neuroglancer.resolve(DRIVER).toString(), "--page", page, out.toString(), "30000")
                .directory(neuroglancer.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "screenshot.mjs --page failed: " + log);
        Map<String, Object> info = Json.read(out);
        List<Object> images = cast(info.get("images"));
        assertEquals(pngs.size(), images.size(), "<img> elements: " + info);
        for (int i = 0; i < images.size(); i++) {
            Map<String, Object> img = cast(images.get(i));
            BufferedImage png = ImageIO.read(pngs.get(i).toFile());
            assertEquals(Boolean.TRUE, img.get("complete"), "image " + i + " complete");
            assertEquals(png.getWidth(), num(img, "naturalWidth"), "image " + i + " width = " + pngs.get(i).getFileName() + "'s");
            assertEquals(png.getHeight(), num(img, "naturalHeight"), "image " + i + " height = " + pngs.get(i).getFileName() + "'s");
        }
        List<Object> requests = cast(info.get("requests"));
        List<Object> external = requests.stream().filter(u -> !u.equals(page) && !u.toString().startsWith("data:")).toList();
        assertEquals(List.of(), external, "the report asks for nothing outside itself");
        assertEquals(List.of(), info.get("log"), "page errors and failed requests");
        System.out.printf("BrowserViewTest report: %d images of %dx%d loaded, %d requests (the page and its data: URIs)%n", images.size(),
                num(cast(images.get(0)), "naturalWidth"), num(cast(images.get(0)), "naturalHeight"), requests.size());
    }

    /** Hue and saturation tolerances (0..1) between a shaded mesh pixel and its segment's colour. */
    static final double HUE_TOLERANCE = 0.02;
    static final double SATURATION_TOLERANCE = 0.08;

    static float[] hsb(int rgb) {
        return Color.RGBtoHSB(rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255, null);
    }

    static Map<String, Object> segmentationLayer(Map<String, Object> state) {
        for (Object o : (List<?>) state.get("layers")) {
            Map<String, Object> layer = cast(o);
            if ("segmentation".equals(layer.get("name"))) {
                return layer;
            }
        }
        throw new AssertionError("no segmentation layer in " + state);
    }

    /** The last dataset of the group's first multiscale: the coarsest level. */
    static String coarsestLevel(Path store) throws IOException {
        Map<String, Object> attrs = Json.read(store.resolve(".zattrs"));
        List<Object> multiscales = cast(attrs.get("multiscales"));
        List<Object> datasets = cast(((Map<?, ?>) multiscales.get(0)).get("datasets"));
        return (String) ((Map<?, ?>) datasets.get(datasets.size() - 1)).get("path");
    }

    /** Requests for chunks (not .zarray / .zattrs / zarr.json) under {@code prefix}. */
    static List<String> chunkRequests(List<String> requested, String prefix) {
        return requested.stream().filter(q -> {
            String path = q.substring(q.indexOf(' ') + 1);
            if (!path.startsWith(prefix)) {
                return false;
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            return !name.startsWith(".") && !name.equals("zarr.json");
        }).toList();
    }

    /**
     * One x-y panel of the segmentation alone, opaque, on black, 4 pixels per voxel: every voxel of slice z =
     * {@value #SLICE_Z} must show at its centre pixel the colour Neuroglancer's segment colour hash gives its id in
     * the store, and the pixels around the volume the background.
     */
    private void checkSegmentationPanel(Path out, String scheme) throws Exception {
        long t0 = System.nanoTime();
        long[] ids;
        try (VolumeReader r = Volumes.open(out.resolve("segmentation.zarr"), null)) {
            Block slice = r.read(new Box(new int[] {SLICE_Z, 0, 0}, new int[] {SLICE_Z + 1, NY, NX}));
            ids = slice.longs();
        }
        try (StaticServer data = StaticServer.start(out, 0); StaticServer client = StaticServer.start(neuroglancer.resolve("dist"), 0)) {
            String json = NeuroglancerState.fill(NeuroglancerState.of(out).json(), data.baseUrl());
            Map<String, Object> state = Json.parse(json, "state");
            assertTrue(json.contains("\"" + scheme + "://" + data.baseUrl() + "/segmentation.zarr\""), "source of " + json);
            Map<String, Object> view = slicePanelOf(state, "segmentation");
            Screenshot shot = screenshot(client, view, dir.resolve(scheme + ".png"));
            Rect panel = shot.panels().get(0);
            assertEquals("slice", panel.kind());
            double cx = panel.x() + panel.width() / 2.0;
            double cy = panel.y() + panel.height() / 2.0;
            List<Object> position = cast(view.get("position"));
            double px = ((Number) position.get(0)).doubleValue();
            double py = ((Number) position.get(1)).doubleValue();
            int wrong = 0;
            List<String> examples = new ArrayList<>();
            Map<Long, Integer> colourOf = new HashMap<>();
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    int sx = (int) Math.floor(cx + (x - px) * PIXELS_PER_VOXEL);
                    int sy = (int) Math.floor(cy + (y - py) * PIXELS_PER_VOXEL);
                    long id = ids[y * NX + x];
                    int expected = id == 0 ? 0 : segmentColour(id, 0);
                    int seen = shot.image().getRGB(sx, sy) & 0xffffff;
                    colourOf.putIfAbsent(id, seen);
                    if (!close(expected, seen)) {
                        if (wrong++ < 5) {
                            examples.add(String.format("voxel (%d, %d) id %d: expected #%06x, pixel (%d, %d) #%06x", x, y, id, expected, sx, sy, seen));
                        }
                    }
                }
            }
            assertEquals(0, wrong, wrong + " of " + NX * NY + " voxels show another colour than their segment's: " + examples);
            // equal ids -> equal colour is the exact match above; different ids -> different colours, as far as the
            // hash separates them (16 bits of hue and saturation: ~30 ids never collide in practice)
            Set<Long> idsSeen = colourOf.keySet();
            assertTrue(idsSeen.size() >= 10, "the slice shows " + idsSeen.size() + " segments");
            assertEquals(idsSeen.size(), new HashSet<>(colourOf.values()).size(), "distinct colours for distinct ids " + colourOf);
            // beyond the volume: the black background, no colour
            int[][] outside = {{-3, -3}, {NX + 2, NY / 2}, {NX / 2, NY + 2}, {-3, NY / 2}};
            for (int[] o : outside) {
                int sx = (int) Math.floor(cx + (o[0] - px) * PIXELS_PER_VOXEL);
                int sy = (int) Math.floor(cy + (o[1] - py) * PIXELS_PER_VOXEL);
                if (sx >= panel.x() && sx < panel.x() + panel.width() && sy >= panel.y() && sy < panel.y() + panel.height()) {
                    assertEquals(0, shot.image().getRGB(sx, sy) & 0xffffff, "background at voxel (" + o[0] + ", " + o[1] + ")");
                }
            }
            // the chunks came from this server: whole chunk files (v2), byte ranges of the shard (v3)
            String read = scheme.equals("zarr3") ? "206 /segmentation.zarr/0/c/0/0/0" : "200 /segmentation.zarr/0/";
            assertTrue(data.requested().stream().anyMatch(q -> q.startsWith(read)), read + " in " + data.requested());
            System.out.printf("BrowserViewTest %s: %d voxels of z %d match their %d segments' colours; %.1f s (screenshot after %d ms)%n", scheme,
                    NX * NY, SLICE_Z, idsSeen.size(), (System.nanoTime() - t0) / 1e9, shot.waitedMs());
        }
    }

    /** The state, changed to show layer {@code name} alone in one x-y panel: opaque, on black, no overlays. */
    static Map<String, Object> slicePanelOf(Map<String, Object> state, String name) {
        Map<String, Object> view = new LinkedHashMap<>(state);
        List<Object> layers = new ArrayList<>();
        for (Object o : (List<?>) state.get("layers")) {
            Map<String, Object> layer = new LinkedHashMap<>(cast(o));
            if (!name.equals(layer.get("name"))) {
                layer.put("visible", false);
            } else if ("segmentation".equals(layer.get("type"))) {
                layer.put("selectedAlpha", 1.0);
                layer.put("notSelectedAlpha", 1.0);
                layer.put("hoverHighlight", false);
            } else {
                layer.put("visible", true);
                layer.put("opacity", 1.0);
            }
            layers.add(layer);
        }
        view.put("layers", layers);
        // Neuroglancer puts an OME-Zarr voxel's centre at index * scale (the NGFF convention): voxel i spans i - 0.5 .. i + 0.5
        view.put("position", List.of(NX / 2, NY / 2, SLICE_Z));
        view.put("crossSectionScale", 1.0 / PIXELS_PER_VOXEL);
        view.put("layout", "xy");
        view.put("showAxisLines", false);
        view.put("showScaleBar", false);
        view.put("showDefaultAnnotations", false);
        view.put("crossSectionBackgroundColor", "#000000");
        view.put("selectedLayer", Map.of("visible", false));
        return view;
    }

    /** A panel's viewport in canvas pixels: "slice" or "3d". */
    record Rect(String kind, int x, int y, int width, int height) {
    }

    record Screenshot(BufferedImage image, List<Rect> panels, long waitedMs) {
    }

    /** Opens {@code state} in the built Neuroglancer and returns the canvas once every visible chunk has loaded. */
    static Screenshot screenshot(StaticServer client, Map<String, Object> state, Path png) throws Exception {
        String url = NeuroglancerState.url(client.baseUrl() + "/index.html", Json.write(state));
        Process p = new ProcessBuilder("node", neuroglancer.resolve("screenshot.mjs").toString(), url, png.toString(), "60000", "800", "600")
                .directory(neuroglancer.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        Path sidecar = png.resolveSibling(png.getFileName().toString().replace(".png", ".json"));
        String pageLog = Files.exists(sidecar) ? Files.readString(sidecar) : "(no " + sidecar + ")";
        assertTrue(done && p.exitValue() == 0, "screenshot.mjs failed: " + log + "\n" + pageLog);
        Map<String, Object> info = Json.read(sidecar);
        List<Rect> panels = new ArrayList<>();
        for (Object o : (List<?>) info.get("panels")) {
            Map<String, Object> r = cast(o);
            panels.add(new Rect((String) r.get("kind"), num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height")));
        }
        assertEquals(1, panels.size(), "one panel in layout " + state.get("layout") + ": " + pageLog);
        Path keep = Path.of(System.getProperty("basin.screenshots", ROOT.resolve("tests/tmp/browser").toString()));
        Files.createDirectories(keep);
        Files.copy(png, keep.resolve(png.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return new Screenshot(ImageIO.read(png.toFile()), panels, ((Number) info.get("waitedMs")).longValue());
    }

    /**
     * Neuroglancer's colour of segment {@code id} (src/segment_color.ts, SegmentColorHash.compute): murmur3's 32-bit
     * mixing step (hashCombine) over the id's low then high 32 bits, seeded with the layer's colorSeed; the low byte
     * is the hue, the next the saturation (0.5..1), value 1, then HSV to RGB. Returned as 0xRRGGBB.
     */
    static int segmentColour(long id, int seed) {
        int h = hashCombine(hashCombine(seed, (int) id), (int) (id >>> 32));
        double hue = (h & 255) / 255.0;
        double saturation = 0.5 + 0.5 * (((h >>> 8) & 255) / 255.0);
        double[] rgb = hsvToRgb(hue, saturation, 1.0);
        return (channel(rgb[0]) << 16) | (channel(rgb[1]) << 8) | channel(rgb[2]);
    }

    static int hashCombine(int state, int value) {
        long v = (value & 0xffffffffL) * 0xcc9e2d51L & 0xffffffffL;
        v = (v << 15 | v >>> 17) & 0xffffffffL;
        v = v * 0x1b873593L & 0xffffffffL;
        long s = (state & 0xffffffffL) ^ v;
        s = (s << 13 | s >>> 19) & 0xffffffffL;
        return (int) (s * 5 + 0xe6546b64L);
    }

    static double[] hsvToRgb(double h, double s, double v) {
        double h6 = h * 6;
        int sector = (int) Math.floor(h6);
        double f = h6 - sector;
        double p = v * (1 - s);
        double q = v * (1 - s * f);
        double t = v * (1 - s * (1 - f));
        return switch (sector % 6) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
    }

    private static int channel(double c) {
        return (int) Math.round(Math.max(0, Math.min(1, c)) * 255);
    }

    private static boolean close(int a, int b) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((a >> shift) & 255) - ((b >> shift) & 255)) > TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    private static CompletableFuture<Path> build;

    /**
     * Starts the Neuroglancer build in the background where Chromium, node and npm are there (PipelineTest, the first
     * class, calls it, so on a machine without the cache {@code npm ci} and the Vite build, ~140 s, overlap the pipeline
     * runs instead of adding to them); later calls return the same build.
     */
    public static synchronized CompletableFuture<Path> prebuild() {
        if (build == null) {
            build = CompletableFuture.supplyAsync(() -> {
                try {
                    return buildNeuroglancer();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
        }
        return build;
    }

    /** Where the browser test can run: Chromium, node and npm are there. */
    public static boolean browserAvailable() {
        return Files.isExecutable(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"))) && onPath("node") && onPath("npm");
    }

    /**
     * The Neuroglancer client in the cache: {@code npm ci} and {@code vite build} run once per harness (a copy of
     * tests/browser built in a sibling folder, then renamed into place, so an interrupted build is never used).
     */
    static Path buildNeuroglancer() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String f : BUILD_FILES) {
            sha.update(f.getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(HARNESS.resolve(f)));
        }
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        String cacheRoot = System.getenv("BASIN_CACHE");
        Path cache = cacheRoot != null ? Path.of(cacheRoot) : Path.of(System.getProperty("user.home"), ".cache", "basin");
        Path target = cache.resolve("neuroglancer-" + hash);
        if (Files.isRegularFile(target.resolve("dist/index.html")) && Files.isDirectory(target.resolve("node_modules/puppeteer-core"))) {
            Files.copy(HARNESS.resolve(DRIVER), target.resolve(DRIVER), StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
        Files.createDirectories(cache);
        Path work = Files.createTempDirectory(cache, "neuroglancer-" + hash + ".partial-");
        for (String f : BUILD_FILES) {
            Files.copy(HARNESS.resolve(f), work.resolve(f));
        }
        run(work, 600, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        run(work, 600, "node", "node_modules/vite/bin/vite.js", "build", "--logLevel", "warn");
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) { // another run finished the same build first
            if (!Files.isRegularFile(target.resolve("dist/index.html"))) {
                throw e;
            }
        }
        Files.copy(HARNESS.resolve(DRIVER), target.resolve(DRIVER), StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /**
     * phantom -> infer --store -> watershed -> stitch into a Zarr v2 and a sharded Zarr v3 segmentation store; the v2
     * store gets pyramid levels (basin pyramid) and meshes/ beside it (basin mesh).
     */
    static void buildStores() throws Exception {
        outV2 = dir.resolve("out-zarr2");
        outV3 = dir.resolve("out-zarr3");
        String shape = NX + "," + NY + "," + NZ;
        basin("phantom", "--shape", shape, "--output", dir.resolve("raw.h5").toString());
        basin("infer", "--input", dir.resolve("raw.h5").toString(), "--chunk", shape, "--grid-block", "0,0,0", "--store",
                outV2.resolve("affinities.zarr").toString(), "--zarr-chunk", "48,48,16");
        basin("watershed", "--affinities", outV2.resolve("affinities.zarr").toString(), "--chunk", shape, "--grid-block", "0,0,0", "--out-dir",
                dir.resolve("ws").toString());
        basin("stitch", dir.resolve("ws").toString(), "--output", outV2.resolve("segmentation.zarr").toString(), "--zarr-chunk", "32,32,16");
        // several inner chunks per shard: Neuroglancer reads them with byte ranges
        basin("stitch", dir.resolve("ws").toString(), "--output", outV3.resolve("segmentation.zarr").toString(), "--store-format", "zarr3",
                "--shard", shape, "--zarr-chunk", "32,32,16");
        // the zarr2 store's pyramid levels and meshes, as PYRAMID, MESH (two blocks, split at x = 48) and MESH_MANIFEST write them
        Path seg = outV2.resolve("segmentation.zarr");
        basin("pyramid", "--store", seg.toString());
        basin("mesh", "--segmentation", seg.toString(), "--chunk", (NX / 2) + "," + NY + "," + NZ, "--grid-block", "0,0,0", "1,0,0",
                "--fragments-output", dir.resolve("fragments/blocks.tsv").toString());
        basin("mesh", "--manifests", "--fragment-lists", dir.resolve("fragments").toString(), "--segmentation", seg.toString());
    }

    static void basin(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/basin").toString()));
        cmd.addAll(Arrays.asList(args));
        run(dir, 120, cmd.toArray(String[]::new));
    }

    private static void run(Path where, int seconds, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(where.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done && p.exitValue() == 0, String.join(" ", cmd) + " failed:\n" + log);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    private static int num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).intValue();
    }
}
