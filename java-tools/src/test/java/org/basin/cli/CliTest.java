package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.io.Hdf5Files;
import org.basin.io.ZarrArray;
import org.basin.io.ZarrCodec;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command through the real command line: exit codes, messages naming the file / dataset / value, no partial output. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            int code = cl.execute(args);
            cl.getErr().flush();
            return new Run(code, out.toString(), err + log.toString());
        } finally {
            System.setErr(saved);
        }
    }

    Path affinities(float nanAt) {
        Block aff = Block.allocate(DType.FLOAT32, 3, Box.ofShape(new int[] {4, 5, 6}));
        java.util.Arrays.fill(aff.floats(), 0.9f);
        if (nanAt >= 0) {
            aff.floats()[(int) nanAt] = Float.NaN;
        }
        Path f = dir.resolve(nanAt >= 0 ? "nan.h5" : "aff.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("affinities", aff)), false);
        return f;
    }

    @Test
    void versionAndHelpOnEveryCommand() {
        for (String c : new String[] {"phantom", "info", "chop", "infer", "merge", "watershed", "stitch", "omnify-chop", "omni-project", "evaluate", "snapshot"}) {
            Run v = run(c, "--version");
            assertEquals(0, v.code(), c);
            assertTrue(v.out().startsWith("basin "), c + ": " + v.out());
            Run h = run(c, "--help");
            assertEquals(0, h.code(), c);
            assertTrue(h.out().contains("Usage: basin " + c), c);
        }
    }

    @Test
    void missingInputFileIsExitTwoNamingIt() {
        Run r = run("chop", "--input", dir.resolve("nope.h5").toString(), "--chunk", "4", "--out-dir", dir.resolve("c").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.h5: no such file"), "[" + r.err() + "]");
        assertFalse(Files.exists(dir.resolve("c")));
    }

    @Test
    void wrongDatasetIsExitTwoListingTheDatasets() {
        Path f = affinities(-1);
        Run r = run("watershed", "--input", f.toString(), "--dataset", "stack", "--output", dir.resolve("w.h5").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no dataset 'stack'") && r.err().contains("/affinities"), r.err());
        assertFalse(Files.exists(dir.resolve("w.h5")));
    }

    @Test
    void nanAffinityIsExitThreeNamingTheVoxel() {
        Path f = affinities(3 * 0 + 2 * 30 + 7); // channel 0, z 2, y 1, x 1 in a (4, 5, 6) volume: index 67
        Run r = run("watershed", "--input", f.toString(), "--output", dir.resolve("w.h5").toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("nan.h5") && r.err().contains("NaN") && r.err().contains("at voxel (x,y,z) 1,1,2"), r.err());
        assertFalse(Files.exists(dir.resolve("w.h5")));
        assertEquals(1, dir.toFile().list().length, "no partial output: " + List.of(dir.toFile().list()));
    }

    @Test
    void wrongDtypeIsExitThree() {
        Path f = dir.resolve("u.h5");
        Hdf5Files.write(f, Map.of(), List.of(Hdf5Files.Entry.of("affinities", Block.allocate(DType.UINT32, 3, Box.ofShape(new int[] {2, 2, 2})))), false);
        Run r = run("watershed", "--input", f.toString(), "--output", dir.resolve("w.h5").toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("u.h5") && r.err().contains("uint32"), r.err());
        Run i = run("infer", "--input", f.toString(), "--dataset", "affinities", "--output", dir.resolve("a.h5").toString());
        assertEquals(3, i.code());
        assertTrue(i.err().contains("3D"), i.err());
    }

    @Test
    void corruptFileIsExitThree() throws Exception {
        Path f = dir.resolve("junk.h5");
        Files.write(f, "this is not HDF5 at all, just some bytes".getBytes());
        Run r = run("info", f.toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("junk.h5"), r.err());
    }

    @Test
    void haloNotSmallerThanChunkIsExitTwo() {
        Path f = affinities(-1);
        Run r = run("chop", "--input", f.toString(), "--chunk", "4,4,4", "--halo", "1,4,1", "--out-dir", dir.resolve("c").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("must be smaller than the chunk 4,4,4"), r.err());
        assertFalse(Files.exists(dir.resolve("c")));
    }

    @Test
    void existingOutputIsNeverClobbered() throws Exception {
        Path f = affinities(-1);
        Path out = dir.resolve("w.h5");
        Files.writeString(out, "precious");
        Run r = run("watershed", "--input", f.toString(), "--output", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals("precious", Files.readString(out));
    }

    @Test
    void badTripletIsExitTwo() {
        Run r = run("phantom", "--shape", "4x4", "--output", dir.resolve("p.h5").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'4x4'"), r.err());
    }

    @Test
    void mergeRefusesAnIncompleteGrid() {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, run("phantom", "--shape", "20,20,10", "--output", raw.toString()).code());
        assertEquals(0, run("chop", "--input", raw.toString(), "--chunk", "10,10,10", "--out-dir", dir.resolve("c").toString()).code());
        Run r = run("merge", dir.resolve("c/chunk_0_0_0.h5").toString(), "--dataset", "raw", "--output", dir.resolve("m.zarr").toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("got 1 chunk files") && r.err().contains("has 4"), r.err());
        assertFalse(Files.exists(dir.resolve("m.zarr")));
    }

    @Test
    void onnxBackendRunsAModelOverTheChunk() throws Exception {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, run("phantom", "--shape", "20,18,6", "--output", raw.toString()).code());
        Path model = Path.of(CliTest.class.getResource("/models/invert.onnx").toURI());
        Run onnx = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--output", dir.resolve("o.h5").toString());
        assertEquals(0, onnx.code(), onnx.err());
        Run direct = run("infer", "--input", raw.toString(), "--backend", "intensity", "--sigma", "0", "--output", dir.resolve("i.h5").toString());
        assertEquals(0, direct.code(), direct.err());
        // boundary = 1 - raw/255 through the model equals the unsmoothed intensity baseline, voxel by voxel
        float[] a = floats(dir.resolve("o.h5"));
        float[] b = floats(dir.resolve("i.h5"));
        assertEquals(3 * 20 * 18 * 6, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-6f, "voxel " + i);
        }
        Run missing = run("infer", "--input", raw.toString(), "--backend", "onnx", "--output", dir.resolve("m.h5").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--backend onnx needs --model"), missing.err());
    }

    private static float[] floats(Path f) {
        try (var r = org.basin.io.Volumes.open(f, "affinities")) {
            return r.readAll().toFloats();
        }
    }

    @Test
    void onnxOptionsTtaUint8AndOverlapKeepThePointwiseAnswer() throws Exception {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, run("phantom", "--shape", "21,17,7", "--output", raw.toString()).code());
        Path model = Path.of(CliTest.class.getResource("/models/invert.onnx").toURI());
        Run plain = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--output", dir.resolve("p.h5").toString());
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.err().contains("patches of 8,8,4 (x,y,z) on cpu"), plain.err());
        Run tta = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--tta", "--batch", "3",
                "--overlap", "1,2,3", "--output", dir.resolve("t.h5").toString());
        assertEquals(0, tta.code(), tta.err());
        Run u8 = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--output-dtype", "uint8",
                "--output", dir.resolve("u.h5").toString());
        assertEquals(0, u8.code(), u8.err());
        float[] p = floats(dir.resolve("p.h5"));
        float[] t = floats(dir.resolve("t.h5"));
        float[] u;
        try (var r = org.basin.io.Volumes.open(dir.resolve("u.h5"), "affinities")) {
            assertEquals(DType.UINT8, r.info().dtype());
            assertEquals("uint8 = round(affinity * 255)", r.info().attributes().get("quantization"));
            u = r.readAll().toFloats();
        }
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i], t[i], 1e-6f, "tta voxel " + i);
            assertEquals(Math.round(p[i] * 255.0), u[i], 0f, "uint8 voxel " + i);
        }
    }

    @Test
    void modelWithoutDescriptionOrWithAWrongOneFailsBeforeAnyOutput() throws Exception {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, run("phantom", "--shape", "16,16,8", "--output", raw.toString()).code());
        Path model = dir.resolve("net.onnx");
        Files.copy(Path.of(CliTest.class.getResource("/models/pointwise.onnx").toURI()), model);
        Path out = dir.resolve("a.h5");
        Run none = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--output", out.toString());
        assertEquals(3, none.code());
        assertTrue(none.err().contains(model + ": no model description: write net.json beside it"), none.err());
        Files.writeString(dir.resolve("net.json"), "{\"input_patch\": [4, 8, 8], \"output_patch\": [4, 8, 8], \"output\": \"boundary\","
                + " \"input_scale\": 1, \"input_offset\": 0, \"sigmoid\": false}");
        Run kind = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--output", out.toString());
        assertEquals(3, kind.code());
        assertTrue(kind.err().contains("the output has 3 channels but " + dir.resolve("net.json") + " says output 'boundary' (1)"), kind.err());
        Files.writeString(dir.resolve("net.json"), "{\"input_patch\": [4, 8, 8]}");
        Run missing = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--output", out.toString());
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("missing field(s) [input_offset, input_scale, output, output_patch, sigmoid]"), missing.err());
        Run cuda = run("infer", "--input", raw.toString(), "--backend", "onnx", "--model", model.toString(), "--device", "cuda",
                "--output", out.toString());
        assertEquals(2, cuda.code());
        assertTrue(cuda.err().contains("--device cuda: this basin jar carries ONNX Runtime's CPU build"), cuda.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void evaluateAgainstAnAllZeroTruthIsExitThreeNothingScored() {
        Path seg = dir.resolve("seg.h5");
        Path truth = dir.resolve("truth.h5");
        Block labels = Block.allocate(DType.UINT64, Box.ofShape(new int[] {2, 3, 4}));
        java.util.Arrays.fill(labels.longs(), 7);
        Hdf5Files.write(seg, Map.of(), List.of(Hdf5Files.Entry.of("labels", labels)), false);
        Hdf5Files.write(truth, Map.of(), List.of(Hdf5Files.Entry.of("labels", Block.allocate(DType.UINT32, Box.ofShape(new int[] {2, 3, 4})))), false);
        Run r = run("evaluate", "--segmentation", seg.toString(), "--truth", truth.toString(), "--output", dir.resolve("s.json").toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("nothing scored: all 24 voxels are 0 (unlabelled) in the ground truth"), r.err());
        assertFalse(Files.exists(dir.resolve("s.json")));
    }

    @Test
    void aUsageErrorPrintsTheMessageAndOneHelpLineNotTheWholeUsage() {
        Path f = affinities(-1);
        Run unknown = run("watershed", "--input", f.toString(), "--output", dir.resolve("w.h5").toString(), "--t-hihg=0.9");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("basin watershed: error: Unknown option: '--t-hihg=0.9'"), unknown.err());
        assertTrue(unknown.err().contains("--t-high"), "a suggestion: " + unknown.err());
        assertTrue(unknown.err().strip().endsWith("Try 'basin watershed --help' for the options."), unknown.err());
        assertFalse(unknown.err().contains("Usage:"), unknown.err());
        assertTrue(unknown.err().strip().lines().count() <= 4, unknown.err());
        Run missing = run("phantom", "--shape", "4");
        assertEquals(2, missing.code());
        assertEquals("basin phantom: error: Missing required option: '--output=<output>'\nTry 'basin phantom --help' for the options.",
                missing.err().strip());
        Run triplet = run("phantom", "--shape", "4x4", "--output", dir.resolve("p.h5").toString());
        assertEquals(2, triplet.code());
        assertEquals("basin phantom: error: option '--shape': '4x4' is not numbers x,y,z\nTry 'basin phantom --help' for the options.",
                triplet.err().strip());
        Run command = run("watersched");
        assertEquals(2, command.code());
        assertTrue(command.err().contains("Unmatched argument at index 0: 'watersched'") && command.err().contains("watershed")
                && command.err().contains("Try 'basin --help' for the options."), command.err());
    }

    @Test
    void outOfRangeChunkAndNonPositiveVoxelSizeAreExitTwo() {
        Path f = affinities(-1);
        Run chunk = run("chop", "--input", f.toString(), "--chunk", "2147483648", "--out-dir", dir.resolve("c").toString());
        assertEquals(2, chunk.code(), chunk.err());
        assertTrue(chunk.err().contains("option '--chunk': '2147483648': 2147483648 is out of range (at most 2147483647)"), chunk.err());
        assertFalse(Files.exists(dir.resolve("c")));
        Run voxel = run("phantom", "--shape", "4", "--voxel-size", "4,4,-40", "--output", dir.resolve("p.h5").toString());
        assertEquals(2, voxel.code(), voxel.err());
        assertTrue(voxel.err().contains("option '--voxel-size': '4,4,-40': -40 is not a size"), voxel.err());
        assertFalse(Files.exists(dir.resolve("p.h5")));
    }

    @Test
    void planStopsWhenTheInputHasNoChunk() throws Exception {
        Path a = dir.resolve("a.zarr");
        ZarrArray.create(a, DType.UINT8, 0, new int[] {8, 8, 8}, new int[] {4, 4, 4}, ZarrCodec.NONE, "/", Map.of());
        Files.write(a.resolve("0.0.0"), new byte[64]); // under the other separator's key
        Path plan = dir.resolve("plan");
        Run r = run("plan", "--input", a.toString(), "--chunk", "4,4,4", "--halo", "1,1,1", "--ws-chunk", "4,4,4", "--out-dir", plan.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains(a + ": no chunk file (chunk keys like 0/0/0): every voxel would read as the fill value"), r.err());
        assertFalse(Files.exists(plan.resolve("plan.json")));
        Files.createDirectories(a.resolve("0/0"));
        Files.write(a.resolve("0/0/0"), new byte[64]);
        Run ok = run("plan", "--input", a.toString(), "--chunk", "4,4,4", "--halo", "1,1,1", "--ws-chunk", "4,4,4", "--out-dir", plan.toString());
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void infoWarnsOfAZarrArrayWithoutAnyChunk() throws Exception {
        Path a = dir.resolve("a.zarr");
        ZarrArray.create(a, DType.UINT8, 0, new int[] {4, 4, 4}, new int[] {2, 2, 2}, ZarrCodec.NONE, "/", Map.of());
        Files.write(a.resolve("0.0.0"), new byte[8]); // a chunk under the other separator's key: not this array's
        Run r = run("info", a.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("basin info: warning: " + a + ": no chunk file (chunk keys like 0/0/0): every voxel reads as the fill value"),
                r.err());
        Files.createDirectories(a.resolve("1/1"));
        Files.write(a.resolve("1/1/1"), new byte[8]);
        Run ok = run("info", a.toString());
        assertFalse(ok.err().contains("warning"), ok.err());
    }

    @Test
    void outOfMemoryIsExitFiveNamingTheCommandAndItsFiles() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true));
        int code;
        try {
            code = Main.guardMemory("watershed", List.of("watershed", "--input", "aff.h5", "--output", "w.h5"), () -> {
                throw new OutOfMemoryError("Java heap space");
            });
        } finally {
            System.setErr(saved);
        }
        assertEquals(5, code);
        assertTrue(log.toString().startsWith("basin watershed: out of memory (max heap ") && log.toString().contains(
                " MiB) in: basin watershed --input aff.h5 --output w.h5; rerun with more memory"), log.toString());
    }

    @Test
    void stitchOverAWatershedChunkFileCutInsideItsLastDatasetIsExitThreeNamingFileAndDataset() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path aff = dir.resolve("aff.h5");
        assertEquals(0, run("phantom", "--shape", "24,20,8", "--cell-size", "10", "--output", raw.toString()).code());
        assertEquals(0, run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
        assertEquals(0, run("chop", "--input", aff.toString(), "--chunk", "12,20,8", "--halo", "2,2,2", "--out-dir", dir.resolve("c").toString()).code());
        Path out = Files.createDirectories(dir.resolve("w"));
        Run w = run("watershed", "--input", dir.resolve("c/chunk_0_0_0.h5").toString(), dir.resolve("c/chunk_1_0_0.h5").toString(),
                "--out-dir", out.toString());
        assertEquals(0, w.code(), w.err());
        Path cut = out.resolve("chunk_1_0_0.watershed.h5");
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 500));
        Run s = run("stitch", out.toString(), "--output", dir.resolve("seg.zarr").toString());
        assertEquals(3, s.code(), s.err());
        assertTrue(s.err().contains(cut + ": the file ends at byte " + (whole.length - 500) + ", before the " + whole.length
                + " bytes its superblock records: the file is truncated; not reading dataset '"), s.err());
        assertFalse(Files.exists(dir.resolve("seg.zarr")));
        Files.write(cut, whole);
        Run again = run("stitch", out.toString(), "--output", dir.resolve("seg.zarr").toString());
        assertEquals(0, again.code(), again.err());
    }

    @Test
    void aCorruptedCachedIntermediateNamesTheTaskWorkFolderToDelete() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path aff = dir.resolve("aff.h5");
        assertEquals(0, run("phantom", "--shape", "24,20,8", "--cell-size", "10", "--output", raw.toString()).code());
        assertEquals(0, run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
        assertEquals(0, run("chop", "--input", aff.toString(), "--chunk", "12,20,8", "--halo", "2,2,2", "--out-dir", dir.resolve("c").toString()).code());
        // a WATERSHED task's work folder (work/ab/<30 hex>) and the folder a later task stages its output into
        Path task = Files.createDirectories(dir.resolve("work/3f/0123456789abcdef0123456789abcd"));
        Run w = run("watershed", "--input", dir.resolve("c/chunk_0_0_0.h5").toString(), dir.resolve("c/chunk_1_0_0.h5").toString(),
                "--out-dir", task.toString());
        assertEquals(0, w.code(), w.err());
        Path real = task.resolve("chunk_1_0_0.watershed.h5");
        byte[] whole = Files.readAllBytes(real);
        Files.write(real, java.util.Arrays.copyOf(whole, whole.length - 500));
        Path staged = Files.createDirectories(dir.resolve("merge/chunks"));
        for (String n : new String[] {"chunk_0_0_0.watershed.h5", "chunk_1_0_0.watershed.h5"}) {
            Files.createSymbolicLink(staged.resolve(n), task.resolve(n));
        }
        Run s = run("stitch", staged.toString(), "--output", dir.resolve("seg.zarr").toString());
        assertEquals(3, s.code(), s.err());
        assertTrue(s.err().contains(staged.resolve("chunk_1_0_0.watershed.h5") + ": the file ends at byte ")
                && s.err().contains("written by basin watershed (the pipeline's WATERSHED), staged from " + real.toRealPath()
                + "; delete that task's work folder " + task.toRealPath() + " and rerun with -resume"), s.err());
    }
}
