package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.io.OmeZarr;
import org.basin.io.StoreLayout;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.pyramid.Downsample;
import org.basin.pyramid.Pyramid;
import org.basin.pyramid.PyramidPlan;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * basin pyramid end to end on small stores: the same bytes whatever the block size and however the blocks are split
 * into tasks, levels equal to the whole volume's, metadata read back by zarr-python and checked against the NGFF
 * strict schemas.
 */
class PyramidCliTest {
    @TempDir
    Path dir;

    // z, y, x: 20 nm z and 8 nm x,y: 2x2x1 first, then 2x2x2; levels (40,50,45), (20,25,23), (10,13,12), (5,7,6)
    static final int[] SHAPE = {40, 100, 90};
    static final double[] VOXEL = {20, 8, 8};
    static final int[] CHUNK = {8, 16, 16};

    static long[] labels(Random r) {
        long[] v = new long[SHAPE[0] * SHAPE[1] * SHAPE[2]];
        for (int i = 0; i < v.length; i++) {
            int z = i / (SHAPE[1] * SHAPE[2]);
            int y = (i / SHAPE[2]) % SHAPE[1];
            int x = i % SHAPE[2];
            // blobs of ids with noise and background, some ids past 2^63
            long id = 1 + (z / 7) * 100 + (y / 11) * 10 + x / 13;
            v[i] = r.nextInt(6) == 0 ? 0 : r.nextInt(9) == 0 ? id + 1 : (id % 5 == 0 ? id | Long.MIN_VALUE : id);
        }
        return v;
    }

    Path segmentation(String name, StoreLayout layout, long[] v) {
        Path store = dir.resolve(name);
        var a = OmeZarr.create(store, "segmentation", DType.UINT64, 0, SHAPE, layout, VOXEL, Map.of("segments", 999));
        a.write(Block.of(v, Box.ofShape(SHAPE)));
        return store;
    }

    /** Every file under {@code root} (relative path -> bytes). */
    static Map<String, byte[]> files(Path root) {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static void assertSameFiles(Path want, Path got) {
        Map<String, byte[]> a = files(want);
        Map<String, byte[]> b = files(got);
        assertEquals(a.keySet(), b.keySet(), got + " holds other files than " + want);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), got + "/" + k + " differs from " + want + "/" + k);
        }
    }

    static void ok(String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** The levels of the whole volume, in memory, for comparison with what the command wrote. */
    static List<Block> reference(Block level0, Pyramid.Method m, PyramidPlan plan) {
        List<Block> out = new ArrayList<>();
        out.add(level0);
        Pyramid.build(plan, m, level0, 0, plan.last(), (k, b) -> out.add(b));
        return out;
    }

    static Block readLevel(Path store, int k) {
        try (VolumeReader r = Volumes.open(store, String.valueOf(k))) {
            return r.readAll();
        }
    }

    void sameBytesWhateverTheBlocks(StoreLayout layout, String blockA, String blockB) throws IOException {
        long[] v = labels(new Random(11));
        Path whole = segmentation("whole.zarr", layout, v);
        Path base = dir.resolve("base.zarr");
        copy(whole, base);
        ok("pyramid", "--store", whole.toString(), "--block", "128,128,64");
        Path a = dir.resolve("a.zarr");
        Path b = dir.resolve("b.zarr");
        Path tasks = dir.resolve("tasks.zarr");
        copy(base, a);
        copy(base, b);
        copy(base, tasks);
        ok("pyramid", "--store", a.toString(), "--block", blockA);
        ok("pyramid", "--store", b.toString(), "--block", blockB);
        // the first wave as separate tasks, one per block of the grid, then the rest
        int[] blk = Triplet.positiveInts(blockA);
        int nz = (SHAPE[0] + blk[0] - 1) / blk[0];
        int ny = (SHAPE[1] + blk[1] - 1) / blk[1];
        int nx = (SHAPE[2] + blk[2] - 1) / blk[2];
        assertTrue(nx * ny * nz > 1);
        List<String> digestFiles = new ArrayList<>();
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    Path d = dir.resolve("d_" + x + "_" + y + "_" + z + ".tsv");
                    ok("pyramid", "--store", tasks.toString(), "--block", blockA, "--wave", "first", "--grid-block", x + "," + y + "," + z,
                            "--digest-output", d.toString());
                    digestFiles.add(Files.readString(d));
                }
            }
        }
        ok("pyramid", "--store", tasks.toString(), "--block", blockA, "--wave", "rest");
        assertSameFiles(whole, a);
        assertSameFiles(whole, b);
        assertSameFiles(whole, tasks);
        // no store object written by two first-wave tasks
        List<String> keys = new ArrayList<>();
        digestFiles.forEach(t -> t.lines().skip(1).forEach(l -> keys.add(l.split("\t")[0])));
        assertEquals(keys.size(), keys.stream().distinct().count(), "a store object written by two tasks: " + keys);
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("1/")), keys.toString());
        // the voxels are the whole volume's levels; mode never invents a label
        PyramidPlan plan = PyramidPlan.of(SHAPE, VOXEL, new int[] {8, 16, 16});
        List<Block> want = reference(Block.of(v, Box.ofShape(SHAPE)), Pyramid.Method.mode, plan);
        assertEquals(4, plan.last());
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (long l : v) {
            ids.add(l);
        }
        for (int k = 1; k <= 4; k++) {
            Block got = readLevel(whole, k);
            assertArrayEquals(plan.level(k).shape(), got.shape());
            assertArrayEquals(want.get(k).longs(), got.longs(), "level " + k);
            for (long l : got.longs()) {
                assertTrue(ids.contains(l), "level " + k + " holds " + Long.toUnsignedString(l) + ", not a label of level 0");
            }
        }
    }

    @Test
    void zarr2SegmentationIsTheSameBytesWhateverTheBlockSizeAndTaskSplit() throws IOException {
        sameBytesWhateverTheBlocks(StoreLayout.single(StoreLayout.Format.zarr2, CHUNK, null, "zlib"), "64,64,16", "128,128,32");
        Map<String, Object> attrs = Json.read(dir.resolve("whole.zarr/.zattrs"));
        assertEquals(999, attrs.get("segments"));
        @SuppressWarnings("unchecked")
        Map<String, Object> label = (Map<String, Object>) attrs.get("image-label");
        assertEquals("0.4", label.get("version"));
    }

    @Test
    void zarr3ShardedSegmentationIsTheSameBytesWhateverTheBlockSize() throws IOException {
        sameBytesWhateverTheBlocks(new StoreLayout(StoreLayout.Format.zarr3, CHUNK, new int[] {8, 32, 32}, "zstd:3"), "64,64,16", "128,128,32");
        assertTrue(Files.isRegularFile(dir.resolve("whole.zarr/4/zarr.json")));
        assertTrue(Files.isDirectory(dir.resolve("whole.zarr/1/c")));
    }

    @Test
    void affinityMeansAreExactAndBlockIndependent() throws IOException {
        int[] shape = {24, 40, 36};
        Block aff = Block.allocate(DType.FLOAT32, 3, Box.ofShape(shape));
        Random r = new Random(5);
        for (int i = 0; i < aff.length(); i++) {
            aff.floats()[i] = r.nextFloat();
        }
        Path one = dir.resolve("aff1.zarr");
        var a = OmeZarr.create(one, "affinities", DType.FLOAT32, 3, shape, StoreLayout.single(StoreLayout.Format.zarr2, new int[] {8, 8, 8}, null, "zstd:1"),
                new double[] {8, 8, 8}, Map.of());
        a.write(aff);
        Path two = dir.resolve("aff2.zarr");
        copy(one, two);
        ok("pyramid", "--store", one.toString(), "--block", "16,16,16");
        ok("pyramid", "--store", two.toString(), "--block", "64,64,64");
        assertSameFiles(one, two);
        PyramidPlan plan = PyramidPlan.of(shape, new double[] {8, 8, 8}, new int[] {8, 8, 8});
        List<Block> want = reference(aff, Pyramid.Method.mean, plan);
        assertEquals(3, plan.last());
        for (int k = 1; k <= 3; k++) {
            Block got = readLevel(one, k);
            assertArrayEquals(want.get(k).arrayShape(), got.arrayShape());
            assertArrayEquals(want.get(k).floats(), got.floats(), 0f, "level " + k);
        }
    }

    Path rawH5(int[] shape) {
        Block raw = Block.allocate(DType.UINT8, Box.ofShape(shape));
        Random r = new Random(9);
        for (int i = 0; i < raw.length(); i++) {
            raw.bytes()[i] = (byte) (100 + (i % 37) + r.nextInt(60));
        }
        Path f = dir.resolve("raw.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("raw", raw)), false);
        return f;
    }

    @Test
    void rawIsPublishedAsAPyramidFromItsHdf5File() throws IOException {
        int[] shape = {20, 70, 50};
        Path h5 = rawH5(shape);
        Path a = dir.resolve("a/raw.zarr");
        Path b = dir.resolve("b/raw.zarr");
        ok("pyramid", "--input", h5.toString(), "--dataset", "raw", "--voxel-size", "4,4,40", "--store", a.toString(),
                "--zarr-chunk", "16,16,4", "--block", "32,32,8");
        ok("pyramid", "--input", h5.toString(), "--dataset", "raw", "--voxel-size", "4,4,40", "--store", b.toString(),
                "--zarr-chunk", "16,16,4", "--block", "512,512,512");
        assertSameFiles(a, b);
        Block in;
        try (VolumeReader r = Volumes.open(h5, "raw")) {
            in = r.readAll();
        }
        assertArrayEquals(in.bytes(), readLevel(a, 0).bytes());
        PyramidPlan plan = PyramidPlan.of(shape, new double[] {40, 4, 4}, new int[] {4, 16, 16});
        List<Block> want = reference(in, Pyramid.Method.mean, plan);
        for (int k = 1; k <= plan.last(); k++) {
            assertArrayEquals(want.get(k).bytes(), readLevel(a, k).bytes(), "level " + k);
        }
        assertEquals(DType.UINT8, Volumes.open(a, String.valueOf(plan.last())).info().dtype());
    }

    @Test
    void labelsAndAffinitiesArePublishedFromFilesToo() {
        int[] shape = {12, 20, 18};
        Block truth = Block.allocate(DType.UINT32, Box.ofShape(shape));
        Block aff = Block.allocate(DType.FLOAT32, 3, Box.ofShape(shape));
        Random r = new Random(12);
        for (int i = 0; i < truth.length(); i++) {
            truth.ints()[i] = r.nextInt(5) == 0 ? 0 : 1 + i / 50;
        }
        for (int i = 0; i < aff.length(); i++) {
            aff.floats()[i] = r.nextFloat();
        }
        Path h5 = dir.resolve("in.h5");
        Hdf5Files.write(h5, Map.of(), List.of(Hdf5Files.Entry.of("truth", truth), Hdf5Files.Entry.of("affinities", aff)), false);
        Path seg = dir.resolve("truth.zarr");
        ok("pyramid", "--input", h5.toString(), "--dataset", "truth", "--dtype", "uint64", "--zarr-chunk", "8,8,8", "--store", seg.toString());
        Block level0 = readLevel(seg, 0);
        assertEquals(DType.UINT64, level0.dtype());
        assertArrayEquals(truth.convert(DType.UINT64).longs(), level0.longs());
        PyramidPlan plan = PyramidPlan.of(shape, new double[] {1, 1, 1}, new int[] {8, 8, 8});
        assertEquals(2, plan.last());
        assertArrayEquals(reference(level0, Pyramid.Method.mode, plan).get(2).longs(), readLevel(seg, 2).longs());
        assertTrue(Json.read(seg.resolve(".zattrs")).containsKey("image-label"));
        Path affStore = dir.resolve("aff.zarr");
        ok("pyramid", "--input", h5.toString(), "--dataset", "affinities", "--zarr-chunk", "8,8,8", "--store", affStore.toString());
        Block a1 = readLevel(affStore, 1);
        assertArrayEquals(new int[] {3, 6, 10, 9}, a1.arrayShape());
        assertArrayEquals(Downsample.mean(aff, new int[] {2, 2, 2}).floats(), a1.floats(), 0f);
        assertFalse(Json.read(affStore.resolve(".zattrs")).containsKey("image-label"));
        CliTest.Run bad = CliTest.run("pyramid", "--input", h5.toString(), "--dataset", "affinities", "--dtype", "uint64", "--store", dir.resolve("x.zarr").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--dtype 'uint64': the input's float32, or uint64 for integer labels"), bad.err());
    }

    @Test
    void badRequestsAreRefusedNamingWhatIsWrong() {
        Path n5 = dir.resolve("seg.n5");
        var s = OmeZarr.create(n5, "segmentation", DType.UINT64, 0, new int[] {8, 8, 8},
                StoreLayout.single(StoreLayout.Format.n5, new int[] {4, 4, 4}, null, "gzip"), new double[] {1, 1, 1}, Map.of());
        s.close();
        CliTest.Run r = CliTest.run("pyramid", "--store", n5.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("an N5 store; basin pyramid writes OME-Zarr levels (zarr2, zarr3) only"), r.err());

        Path seg = segmentation("seg.zarr", StoreLayout.single(StoreLayout.Format.zarr2, CHUNK, null, "zlib"), labels(new Random(1)));
        r = CliTest.run("pyramid", "--store", seg.toString(), "--block", "16,16,8", "--wave", "first", "--grid-block", "0,0,0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--block 16,16,8 does not split level 1 on whole store chunks (shards) of 16,16,8: give a multiple of 32,32,8"), r.err());
        r = CliTest.run("pyramid", "--store", seg.toString(), "--method", "mean");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--method mean would invent labels"), r.err());
        r = CliTest.run("pyramid", "--store", seg.toString(), "--block", "64,64,16", "--grid-block", "9,0,0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--grid-block 9,0,0,9,0,0 lies outside the grid 2,2,3 (x,y,z)"), r.err());
        assertFalse(Files.exists(seg.resolve("1/0/0/0")), "nothing written after a refusal");
        r = CliTest.run("pyramid", "--store", dir.resolve("nothing.zarr").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("nothing.zarr: not an OME-Zarr group"), r.err());
    }

    // ---- NGFF strict schemas --------------------------------------------------------------------------------------

    static String resource(String name) {
        try (InputStream in = PyramidCliTest.class.getResourceAsStream("/ngff/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("test resource ngff/" + name, e);
        }
    }

    static Schema schema(String version, String name) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder.schemas(id -> {
            String prefix = "https://ngff.openmicroscopy.org/" + version + "/schemas/";
            return id.startsWith(prefix) ? resource(version + "/" + id.substring(prefix.length())) : null;
        }));
        return registry.getSchema(SchemaLocation.of("https://ngff.openmicroscopy.org/" + version + "/schemas/" + name));
    }

    static List<Error> errors(Schema s, Object json) throws IOException {
        // the spec's examples carry // comments, which its own test harness strips
        JsonNode node = new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS).readTree(json instanceof String t ? t : Json.write(json));
        return s.validate(node);
    }

    @Test
    void metadataPassesTheStrictNgffSchemas() throws IOException {
        Schema image04 = schema("0.4", "strict_image.schema");
        Schema label04 = schema("0.4", "strict_label.schema");
        // the validator is real: the spec's strict examples pass, a broken copy fails
        assertEquals(List.of(), errors(image04, resource("0.4/example_multiscales_strict.json")));
        assertEquals(List.of(), errors(label04, resource("0.4/example_label_strict.json")));
        assertFalse(errors(label04, resource("0.4/example_label_strict.json").replace("\"colors\"", "\"colours\"")).isEmpty());

        long[] v = labels(new Random(2));
        Path v2 = segmentation("seg2.zarr", StoreLayout.single(StoreLayout.Format.zarr2, CHUNK, null, "zlib"), v);
        ok("pyramid", "--store", v2.toString(), "--source-image", "../raw.zarr");
        Map<String, Object> attrs = Json.read(v2.resolve(".zattrs"));
        assertEquals(List.of(), errors(image04, attrs));
        assertEquals(List.of(), errors(label04, attrs));
        // without the strict keys it would not pass: the check has teeth
        Map<String, Object> loose = new java.util.LinkedHashMap<>(attrs);
        @SuppressWarnings("unchecked")
        Map<String, Object> ms = new java.util.LinkedHashMap<>(((List<Map<String, Object>>) attrs.get("multiscales")).get(0));
        ms.remove("type");
        loose.put("multiscales", List.of(ms));
        assertFalse(errors(image04, loose).isEmpty());

        Path v3 = segmentation("seg3.zarr", new StoreLayout(StoreLayout.Format.zarr3, CHUNK, new int[] {8, 32, 32}, "zstd"), v);
        ok("pyramid", "--store", v3.toString());
        Object attrs3 = Json.read(v3.resolve("zarr.json")).get("attributes");
        assertEquals(List.of(), errors(schema("0.5", "strict_image.schema"), attrs3));
        assertEquals(List.of(), errors(schema("0.5", "strict_label.schema"), attrs3));
    }

    // ---- zarr-python ----------------------------------------------------------------------------------------------

    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    static String python(String script) throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.trim();
    }

    @Test
    void zarrPythonReadsTheLevelsWithTheDocumentedShapesAndTransforms() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import zarr, numpy").redirectErrorStream(true).start();
        String why = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            System.out.println("SKIPPED PyramidCliTest zarr-python: " + why);
        }
        Assumptions.assumeTrue(p.exitValue() == 0, "python3 with zarr and numpy");
        int[] shape = {20, 70, 50};
        Path h5 = rawH5(shape);
        Path raw = dir.resolve("raw.zarr");
        ok("pyramid", "--input", h5.toString(), "--dataset", "raw", "--voxel-size", "4,4,40", "--store", raw.toString(),
                "--zarr-chunk", "16,16,4", "--block", "32,32,8");
        Path seg = segmentation("segmentation.zarr", StoreLayout.single(StoreLayout.Format.zarr2, CHUNK, null, "zlib"), labels(new Random(4)));
        ok("pyramid", "--store", seg.toString(), "--source-image", "../raw.zarr");
        // numpy recomputes level 1 of the raw (2x2x1 mean, half up) and checks the segmentation's levels hold labels of level 0
        String out = python("import zarr, numpy as np\n"
                + "for name in ['raw.zarr', 'segmentation.zarr']:\n"
                + "    g = zarr.open_group('" + dir + "/' + name, mode='r')\n"
                + "    ms = g.attrs['multiscales'][0]\n"
                + "    print(name, ms['type'], [d['path'] for d in ms['datasets']])\n"
                + "    for d in ms['datasets']:\n"
                + "        a = g[d['path']]\n"
                + "        t = d['coordinateTransformations']\n"
                + "        print(d['path'], a.shape, a.dtype, t[0]['scale'], t[1]['translation'] if len(t) > 1 else '-')\n"
                + "r = zarr.open_group('" + dir + "/raw.zarr', mode='r')\n"
                + "a = r['0'][:].astype(np.int64)\n"
                + "z, y, x = a.shape\n"
                + "p = np.zeros((z, (y + 1) // 2 * 2, (x + 1) // 2 * 2)); n = np.zeros_like(p)\n"
                + "p[:, :y, :x] = a; n[:, :y, :x] = 1\n"
                + "s = p.reshape(z, p.shape[1] // 2, 2, p.shape[2] // 2, 2).sum(axis=(2, 4))\n"
                + "c = n.reshape(z, n.shape[1] // 2, 2, n.shape[2] // 2, 2).sum(axis=(2, 4))\n"
                + "want = np.floor((s + c // 2) / c).astype(np.uint8)\n"
                + "print('raw level 1 equal', bool((r['1'][:] == want).all()))\n"
                + "s = zarr.open_group('" + dir + "/segmentation.zarr', mode='r')\n"
                + "ids = set(np.unique(s['0'][:]).tolist())\n"
                + "print('labels kept', all(set(np.unique(s[k][:]).tolist()) <= ids for k in ['1', '2', '3', '4']))\n"
                + "print('image-label', s.attrs['image-label'])\n");
        String[] want = {
            "raw.zarr mean ['0', '1', '2', '3', '4', '5', '6']",
            "0 (20, 70, 50) uint8 [40.0, 4.0, 4.0] -",
            "1 (20, 35, 25) uint8 [40.0, 8.0, 8.0] [0.0, 2.0, 2.0]",
            "2 (20, 18, 13) uint8 [40.0, 16.0, 16.0] [0.0, 6.0, 6.0]",
            "3 (20, 9, 7) uint8 [40.0, 32.0, 32.0] [0.0, 14.0, 14.0]",
            "4 (10, 5, 4) uint8 [80.0, 64.0, 64.0] [20.0, 30.0, 30.0]",
            "5 (5, 3, 2) uint8 [160.0, 128.0, 128.0] [60.0, 62.0, 62.0]",
            "6 (3, 2, 1) uint8 [320.0, 256.0, 256.0] [140.0, 126.0, 126.0]",
            "segmentation.zarr mode ['0', '1', '2', '3', '4']",
            "0 (40, 100, 90) uint64 [20.0, 8.0, 8.0] -",
            "1 (40, 50, 45) uint64 [20.0, 16.0, 16.0] [0.0, 4.0, 4.0]",
            "2 (20, 25, 23) uint64 [40.0, 32.0, 32.0] [10.0, 12.0, 12.0]",
            "3 (10, 13, 12) uint64 [80.0, 64.0, 64.0] [30.0, 28.0, 28.0]",
            "4 (5, 7, 6) uint64 [160.0, 128.0, 128.0] [70.0, 60.0, 60.0]",
            "raw level 1 equal True",
            "labels kept True",
            "image-label {'version': '0.4', 'colors': [{'label-value': 0, 'rgba': [0, 0, 0, 0]}], 'source': {'image': '../raw.zarr'}}"};
        assertEquals(String.join("\n", want), out);
    }
}
