package org.basin.pipeline;

import static org.basin.pipeline.PipelineTest.ROOT;
import static org.basin.pipeline.PipelineTest.RUN;
import static org.basin.pipeline.PipelineTest.nextflow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Parameters checked against nextflow_schema.json before any task, an input without chunks stopped in the
 * pre-flight, and hostile dataset names that reach no shell (issue 14: D2, D4, parameters, voxel size).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(6)
class ParametersAndHostileInputTest {
    static final Path DIR = RUN.resolve("hostile");
    static final String HOSTILE = "raw'$(touch PWNED)'";
    static final String HOSTILE_TRUTH = "gt'$(touch PWNED)'\"`touch PWNED`\"";

    @Test
    @Order(1)
    void helpListsTheParametersAndExitsZero() throws Exception {
        PipelineTest.Result r = nextflow("run", ROOT.toString(), "--help");
        assertEquals(0, r.code(), r.log());
        for (String p : new String[] {"--voxel_size", "--t_high", "--size_rule", "square|constant", "--intermediate_dir"}) {
            assertTrue(r.log().contains(p), p + " in\n" + r.log());
        }
    }

    @Test
    @Order(2)
    void unknownMisspeltAndMistypedParametersFailBeforeAnyTask() throws Exception {
        PipelineTest.Result r = nextflow("run", ROOT.toString(), "-profile", "test", "--outdir", DIR.resolve("bad").toString(),
                "--voxel-size", "4,4,40", "--outdir_typo", "x", "--t_high", "abc", "--size_rule", "cube", "--sample", "my demo", "--ws_batch", "0",
                "--merge", "bogus", "--merge_fan_in", "2,x");
        assertTrue(r.code() != 0, r.log());
        for (String m : new String[] {"unknown parameter --voxel-size; did you mean --voxel_size? (parameter names take underscores)",
            "unknown parameter --outdir_typo; did you mean --outdir?", "--t_high 'abc' must be a number",
            "--size_rule 'cube' must be one of square, constant", "--sample 'my demo' does not have the form", "--ws_batch '0' must be at least 1",
            "--merge 'bogus' must be one of tree, single", "--merge_fan_in '2,x' does not have the form"}) {
            assertTrue(r.log().contains(m), m + " in\n" + r.log());
        }
        assertFalse(r.log().contains("executor >"), "no task ran:\n" + r.log());
    }

    @Test
    @Order(3)
    void aZarrInputWithoutAnyChunkStopsBeforeAnyTask() throws Exception {
        Path z = DIR.resolve("empty.zarr");
        Files.createDirectories(z);
        Files.writeString(z.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [16, 32, 32], \"chunks\": [16, 16, 16], \"dtype\": \"|u1\","
                + " \"compressor\": null, \"fill_value\": 0, \"order\": \"C\", \"filters\": null, \"dimension_separator\": \"/\"}");
        Files.write(z.resolve("0.0.0"), new byte[16 * 16 * 16]); // under the other separator's key: not this array's
        PipelineTest.Result r = nextflow("run", ROOT.toString(), "--input", z.toString(), "--outdir", DIR.resolve("empty").toString());
        assertTrue(r.code() != 0, r.log());
        assertTrue(r.log().contains("--input '" + z + "': ") && r.log().contains("no chunk file (chunk keys like 0/0/0)"), r.log());
        assertFalse(r.log().contains("executor >"), "no task ran:\n" + r.log());
    }

    @Test
    @Order(4)
    void hostileDatasetNamesRunNothingInTheShellAndTheVoxelSizeComesFromTheInput() throws Exception {
        Path raw = DIR.resolve("raw.h5");
        Path truth = DIR.resolve("truth.h5");
        // 32x32x16 (x,y,z) cells of 8 voxels with dark membranes; truth the cells; a CREMI-style resolution (z,y,x nm)
        String script = "import sys, numpy as np, h5py\n"
                + "z, y, x = np.meshgrid(np.arange(16), np.arange(32), np.arange(32), indexing='ij')\n"
                + "raw = np.where((x % 8 == 0) | (y % 8 == 0) | (z % 8 == 0), 40, 220).astype('uint8')\n"
                + "gt = (1 + z // 8 * 16 + y // 8 * 4 + x // 8).astype('uint32')\n"
                + "with h5py.File(sys.argv[1], 'w') as f:\n"
                + "    d = f.create_dataset(sys.argv[3], data=raw); d.attrs['resolution'] = [40.0, 4.0, 4.0]\n"
                + "with h5py.File(sys.argv[2], 'w') as f:\n"
                + "    f.create_dataset(sys.argv[4], data=gt)\n";
        Files.createDirectories(DIR);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "SKIPPED: no /usr/bin/python3 to write the hostile input");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, raw.toString(), truth.toString(), HOSTILE, HOSTILE_TRUTH)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 && (out.contains("No module named 'h5py'") || out.contains("No module named 'numpy'"))) {
            System.out.println("SKIPPED the hostile-name pipeline run: python3-h5py / numpy is not installed");
            Assumptions.abort("python3-h5py is not installed");
        }
        assertEquals(0, p.exitValue(), out);

        Path results = DIR.resolve("results");
        PipelineTest.Result r = nextflow("run", ROOT.toString(), "--input", raw.toString(), "--dataset", HOSTILE, "--truth", truth.toString(),
                "--truth_dataset", HOSTILE_TRUTH, "--outdir", results.toString(), "--chunk", "16,16,16", "--ws_chunk", "16,16,16", "--divs", "1,1,1",
                "--omni_overlap", "0", "--window", "90,170", "--t_size", "100", "--t_dust", "10");
        assertEquals(0, r.code(), r.log());
        List<Path> pwned;
        try (Stream<Path> s = Stream.concat(Files.walk(RUN), Files.walk(ROOT, 1))) {
            pwned = s.filter(f -> f.getFileName().toString().equals("PWNED")).toList();
        }
        assertEquals(List.of(), pwned, "a dataset name ran a command in a task's shell");
        assertTrue(r.log().contains("basin: voxel size 4,4,40 nm (x,y,z) from the input (its attribute resolution)"), r.log());
        // the watershed measures T_size and T_dust in voxels of the finest axis of that voxel size (100 and 10: 10 and 1 voxels)
        List<String> watershed;
        try (Stream<Path> s = Files.walk(RUN.resolve("work"), 3)) {
            watershed = s.filter(f -> f.getFileName().toString().equals(".command.sh")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(c -> c.contains("basin watershed") && c.contains(results.toString())).toList();
        }
        assertFalse(watershed.isEmpty(), "no watershed task of this run");
        assertTrue(watershed.stream().allMatch(c -> c.contains("--t-size 100 --t-dust 10 --size-rule square --voxel-size 4,4,40")), watershed.get(0));
        try (VolumeReader s = Volumes.open(results.resolve("segmentation.zarr"), null)) {
            assertArrayEquals(new double[] {40, 4, 4}, s.info().voxelSize());
        }
        assertTrue(Files.readString(results.resolve("scores.json")).contains("adapted_rand_error"));
        String versions = Files.readString(results.resolve("pipeline_info/software_versions.yml"));
        for (String stage : new String[] {"EVALUATE:", "SNAPSHOT:", "INFER:", "Nextflow: 24.10.0"}) {
            assertTrue(versions.contains(stage), stage + " in\n" + versions);
        }
        try (Stream<Path> s = Files.list(results.resolve("pipeline_info"))) {
            List<String> dags = s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("pipeline_dag_")).toList();
            assertTrue(!dags.isEmpty() && dags.stream().allMatch(n -> n.endsWith(".mmd")), dags.toString());
        }
        String cmd = Files.readString(results.resolve("omni/region_0_0_0/omnify.cmd"));
        assertTrue(cmd.contains("setChanResolution:1,4,4,40\n"), cmd);
    }
}
