package org.basin.pipeline;

import static org.basin.pipeline.PipelineTest.OUT;
import static org.basin.pipeline.PipelineTest.ROOT;
import static org.basin.pipeline.PipelineTest.RUN;
import static org.basin.pipeline.PipelineTest.nextflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** A failed or killed run, then -resume: only what did not finish runs again, and the results equal a clean run's. */
@Order(2)
class ResumeTest {
    /** Every process downstream of WATERSHED (the stage the fault hits). */
    static final Set<String> AFTER_WATERSHED = Set.of("WATERSHED", "MERGE_SEGMENTS", "OMNIFY_CHOP", "OMNI_PROJECT", "EVALUATE", "SNAPSHOT");

    @Test
    void aFailedChunkIsNamedAndResumeRedoesOnlyItAndItsDependants() throws Exception {
        Path out = RUN.resolve("fault");
        PipelineTest.Result failed = nextflow("run", ROOT.toString(), "-profile", "test", "--outdir", out.toString(), "--test_fail_chunk", "chunk_1_0_0");
        assertTrue(failed.code() != 0, failed.log());
        assertTrue(failed.log().contains("BASIN:WATERSHED (demo chunk_1_0_0-chunk_1_0_1)"), failed.log());
        assertTrue(failed.log().contains("injected failure (--test_fail_chunk"), failed.log());
        assertTrue(failed.log().contains("rerun with -resume"), failed.log());
        List<Outputs.Task> first = Outputs.trace(out);
        Outputs.Task bad = first.stream().filter(t -> t.name().equals("BASIN:WATERSHED (demo chunk_1_0_0-chunk_1_0_1)")).findFirst().orElseThrow();
        assertEquals("FAILED", bad.status());
        assertEquals("4", bad.exit(), "basin's I/O failure code, which is not retried");
        Set<String> done = first.stream().filter(t -> t.status().equals("COMPLETED")).map(Outputs.Task::name).collect(Collectors.toSet());

        Thread.sleep(1100); // a new trace file name (one per second)
        PipelineTest.Result resumed = nextflow("run", ROOT.toString(), "-profile", "test", "--outdir", out.toString(), "-resume");
        assertEquals(0, resumed.code(), resumed.log());
        List<Outputs.Task> second = Outputs.trace(out);
        assertEquals(24, second.size());
        List<String> ran = new ArrayList<>();
        for (Outputs.Task t : second) {
            if (done.contains(t.name())) {
                assertEquals("CACHED", t.status(), t.name() + " finished in the failed run");
            } else {
                assertEquals("COMPLETED", t.status(), t.name());
                assertTrue(AFTER_WATERSHED.contains(t.process()), t.name() + " is not downstream of the failure but ran again");
                ran.add(t.name());
            }
        }
        assertTrue(ran.contains("BASIN:WATERSHED (demo chunk_1_0_0-chunk_1_0_1)"));
        System.out.printf("RESUME after failure: %d tasks cached, %d ran: %s%n", second.size() - ran.size(), ran.size(), ran);
        Outputs.assertSameResults(OUT, out);
    }

    @Test
    void aKilledRunResumesToTheSameResults() throws Exception {
        Path out = RUN.resolve("killed");
        List<String> cmd = List.of(ROOT.resolve("nextflow").toString(), "-log", RUN.resolve("nextflow-killed.log").toString(), "run", ROOT.toString(),
                "-profile", "test", "--outdir", out.toString(), "-ansi-log", "false");
        Process p = new ProcessBuilder(cmd).directory(RUN.toFile()).redirectErrorStream(true).start();
        boolean killed = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                // mid-way: every inference chunk is done, the watershed chop has just been submitted
                if (line.contains("Submitted process > BASIN:WATERSHED_CHOP")) {
                    p.destroyForcibly(); // SIGKILL to Nextflow's JVM: no clean shutdown, as when a login node reboots
                    killed = true;
                    break;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(killed, "the run was killed mid-way");
        assertFalse(out.resolve("segmentation.zarr").toFile().exists());
        Thread.sleep(1100);
        PipelineTest.Result resumed = nextflow("run", ROOT.toString(), "-profile", "test", "--outdir", out.toString(), "-resume");
        assertEquals(0, resumed.code(), resumed.log());
        List<Outputs.Task> trace = Outputs.trace(out);
        assertEquals(24, trace.size());
        for (Outputs.Task t : trace) {
            if (Set.of("PHANTOM", "CHOP_RAW", "INFER", "MERGE_AFFINITIES").contains(t.process())) {
                assertEquals("CACHED", t.status(), t.name() + " finished before the kill");
            }
        }
        long cached = trace.stream().filter(t -> t.status().equals("CACHED")).count();
        System.out.printf("RESUME after kill: %d tasks cached, %d ran%n", cached, trace.size() - cached);
        Outputs.assertSameResults(OUT, out);
    }
}
