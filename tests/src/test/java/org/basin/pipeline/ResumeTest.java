package org.basin.pipeline;

import static org.basin.pipeline.PipelineTest.OUT;
import static org.basin.pipeline.PipelineTest.ROOT;
import static org.basin.pipeline.PipelineTest.RUN;
import static org.basin.pipeline.PipelineTest.nextflow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.basin.io.Hdf5Files;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A failed, killed or edited run, then -resume: only what did not finish, or what reads changed data, runs again,
 * and the stores equal a clean run's byte for byte.
 */
@Order(2)
class ResumeTest {
    /**
     * Every process downstream of WATERSHED (the stage the fault hits), and PYRAMID: the segmentation's is downstream,
     * and the raw's and affinities' tasks may still be running when the failure stops the run (they run again).
     */
    /**
     * These runs leave out the pyramids and meshes (--pyramid false --meshes false): what they test is the resume of
     * the DAG that makes the segmentation, and each viewer stage cost every run ~20 s; PipelineTest runs them.
     */
    static final int LEAN_TASKS = PipelineTest.TASKS - PipelineTest.PYRAMID_TASKS - 2;

    static final Set<String> AFTER_WATERSHED = Set.of("WATERSHED", "MERGE_L2", "MERGE_SEGMENTS", "AGGLOMERATE", "RELABEL", "FILL", "OMNIFY_CHOP", "OMNI_PROJECT", "EVALUATE_BLOCK",
            "EVALUATE", "SNAPSHOT", "NEUROGLANCER_STATE", "REPORT", "PYRAMID", "MESH", "MESH_MANIFEST");

    /** Kills Nextflow (SIGKILL: no clean shutdown, as when a login node reboots) once the given process has been submitted n times. */
    private static void runAndKill(Path out, String process, int submissions, boolean resume) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("nextflow").toString(), "-log", RUN.resolve("nextflow-killed.log").toString(), "run",
                ROOT.toString(), "-profile", "test", "--outdir", out.toString(), "-ansi-log", "false", "--pyramid", "false", "--meshes", "false"));
        if (resume) {
            cmd.add("-resume");
        }
        Process p = new ProcessBuilder(cmd).directory(RUN.toFile()).redirectErrorStream(true).start();
        boolean killed = false;
        int seen = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (line.contains("Submitted process > BASIN:" + process + " ") && ++seen == submissions) {
                    Thread.sleep(1500); // tasks are running now, some of them writing
                    p.destroyForcibly();
                    killed = true;
                    break;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(killed, "the run was killed at " + process);
        Thread.sleep(3000); // the killed run's orphaned tasks finish or die
    }

    /**
     * One output folder through four runs: killed in INFER; resumed with a failing watershed chunk (named, exit 4, the
     * run stops); resumed and killed in RELABEL; resumed to the end. The stores then equal the clean run's, and no task
     * that had finished ran again (one chain: each lean run costs CI ~30 s).
     */
    @Test
    void killedAndFailedRunsResumeToTheSameStoresRedoingOnlyWhatDidNotFinish() throws Exception {
        Path out = RUN.resolve("resumed");
        runAndKill(out, "INFER", 4, false);
        assertFalse(Files.exists(out.resolve("segmentation.zarr")));

        Thread.sleep(1100); // a new trace file name (one per second)
        PipelineTest.Result failed = nextflow("run", ROOT.toString(), "-profile", "test", "--outdir", out.toString(), "-resume", "--test_fail_chunk",
                "chunk_1_0_0", "--pyramid", "false", "--meshes", "false");
        assertTrue(failed.code() != 0, failed.log());
        assertTrue(failed.log().contains("BASIN:WATERSHED (demo chunk_1_0_0-chunk_1_0_1)"), failed.log());
        assertTrue(failed.log().contains("injected failure (--test_fail_chunk"), failed.log());
        assertTrue(failed.log().contains("rerun with -resume"), failed.log());
        List<Outputs.Task> first = Outputs.trace(out);
        Outputs.Task bad = first.stream().filter(t -> t.name().equals("BASIN:WATERSHED (demo chunk_1_0_0-chunk_1_0_1)")).findFirst().orElseThrow();
        assertEquals("FAILED", bad.status());
        assertEquals("4", bad.exit(), "basin's I/O failure code, which is not retried");
        long inferCached = first.stream().filter(t -> t.process().equals("INFER") && t.status().equals("CACHED")).count();
        assertTrue(inferCached >= 1, "inference chunks that finished before the kill are cached: " + inferCached);
        Set<String> done = first.stream().filter(t -> t.status().equals("COMPLETED") || t.status().equals("CACHED")).map(Outputs.Task::name)
                .collect(Collectors.toSet());

        Thread.sleep(1100);
        runAndKill(out, "RELABEL", 1, true);
        Thread.sleep(1100);
        PipelineTest.Result resumed = nextflow("run", ROOT.toString(), "-profile", "test", "--outdir", out.toString(), "-resume", "--pyramid", "false",
                "--meshes", "false");
        assertEquals(0, resumed.code(), resumed.log());
        List<Outputs.Task> trace = Outputs.trace(out);
        assertEquals(LEAN_TASKS, trace.size());
        List<String> ran = new ArrayList<>();
        for (Outputs.Task t : trace) {
            if (done.contains(t.name()) || Set.of("PHANTOM", "INFER").contains(t.process())) {
                assertEquals("CACHED", t.status(), t.name() + " finished before the failure");
            } else if (t.status().equals("COMPLETED")) {
                assertTrue(AFTER_WATERSHED.contains(t.process()), t.name() + " is not downstream of the failure but ran again");
                ran.add(t.name());
            }
        }
        // the failed chunk ran again (in the run killed in RELABEL, which needs every watershed block): a new task
        Outputs.Task redone = trace.stream().filter(t -> t.name().equals(bad.name())).findFirst().orElseThrow();
        assertEquals("0", redone.exit());
        assertFalse(redone.workdir().equals(bad.workdir()), "the failed chunk's task ran again in a new work folder");
        System.out.printf("RESUME after kills in INFER and RELABEL and a failed watershed chunk: %d tasks cached, %d ran: %s%n", trace.size() - ran.size(),
                ran.size(), ran);
        Outputs.assertSameCoreResults(OUT, out);
    }

    /**
     * Edits the input inside one inference chunk's core and resumes: exactly the inference chunk whose padded box holds
     * the edit runs again, and exactly the watershed blocks whose padded boxes meet that chunk's core (the plan's
     * infer_chunks column); the stores then equal whole-volume inference and watershed of the edited input.
     */
    @Test
    void anEditedInputRerunsOnlyTheTasksThatReadTheEditedRegion() throws Exception {
        Path dir = RUN.resolve("edit");
        Files.createDirectories(dir);
        Path raw = dir.resolve("raw.h5");
        Files.copy(OUT.resolve("demo/demo_raw.h5"), raw, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // watershed chunks of 32^3 in blocks of 2: 16 blocks, 9 of which read inference chunk 0,0,0's core; no truth (its 17
        // evaluation tasks a run test nothing here)
        String[] common = {"-profile", "test", "--input", raw.toString(), "--dataset", "raw", "--ws_chunk", "32,32,32", "--pyramid", "false",
            "--meshes", "false"};
        Path out = dir.resolve("results");
        PipelineTest.Result first = nextflow(concat(new String[] {"run", ROOT.toString(), "--outdir", out.toString()}, common));
        assertEquals(0, first.code(), first.log());

        // darken a 10^3 box inside chunk 0,0,0's core, rewriting the file in place
        Block all;
        Map<String, Object> attrs;
        try (VolumeReader r = Volumes.open(raw, "raw")) {
            all = r.readAll();
            attrs = r.info().attributes();
        }
        Box edit = new Box(new int[] {10, 20, 20}, new int[] {20, 30, 30});
        for (int z = edit.min(0); z < edit.max(0); z++) {
            for (int y = edit.min(1); y < edit.max(1); y++) {
                for (int x = edit.min(2); x < edit.max(2); x++) {
                    all.setDouble((z * 128 + y) * 128 + x, 0);
                }
            }
        }
        Hdf5Files.write(raw, Map.of(), List.of(Hdf5Files.Entry.of("raw", all, attrs)), false);
        Thread.sleep(1100);
        PipelineTest.Result resumed = nextflow(concat(new String[] {"run", ROOT.toString(), "--outdir", out.toString(), "-resume"}, common));
        assertEquals(0, resumed.code(), resumed.log());
        List<Outputs.Task> trace = Outputs.trace(out);
        Set<String> inferRan = ran(trace, "INFER");
        assertEquals(Set.of("BASIN:INFER (demo chunk_0_0_0)"), inferRan, "only the edited chunk's inference");
        Set<String> expected = new TreeSet<>();
        Path plan = Path.of(trace.stream().filter(t -> t.process().equals("CHOP")).findFirst().orElseThrow().workdir()).resolve("plan/watershed.tsv");
        for (String line : Files.readAllLines(plan).subList(1, Files.readAllLines(plan).size())) {
            String[] f = line.split("\t");
            if (List.of(f[2].split(",")).contains("chunk_0_0_0")) {
                expected.add("BASIN:WATERSHED (demo " + f[0] + ")");
            }
        }
        assertEquals(9, expected.size());
        assertEquals(expected, ran(trace, "WATERSHED"), "only the watershed blocks that read the edited chunk's affinities");
        System.out.printf("RESUME after an edit of the input: INFER ran %s; WATERSHED ran %d of 16 blocks; RELABEL ran %d of 16%n", inferRan,
                expected.size(), ran(trace, "RELABEL").size());

        // the stores equal whole-volume tools on the edited input: one inference, one watershed (up to renaming)
        Path whole = dir.resolve("whole-affinities.h5");
        Process p = new ProcessBuilder(ROOT.resolve("bin/basin").toString(), "infer", "--input", raw.toString(), "--window", "90,170", "--output",
                whole.toString(), "--overwrite").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        try (VolumeReader a = Volumes.open(out.resolve("affinities.zarr"), null); VolumeReader b = Volumes.open(whole, "affinities")) {
            assertArrayEquals(b.readAll().floats(), a.readAll().floats(), "affinities after the resume == inference of the edited volume");
        }
        long[] seg;
        try (VolumeReader s = Volumes.open(out.resolve("segmentation.zarr"), null)) {
            seg = s.readAll().longs();
        }
        PipelineTest.sameAsOneWatershedOfTheWholeVolume(out.resolve("affinities.zarr"), seg);
    }

    private static Set<String> ran(List<Outputs.Task> trace, String process) {
        return trace.stream().filter(t -> t.process().equals(process) && t.status().equals("COMPLETED")).map(Outputs.Task::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
