package org.basin.pipeline;

import static org.basin.pipeline.PipelineTest.OUT;
import static org.basin.pipeline.PipelineTest.ROOT;
import static org.basin.pipeline.PipelineTest.RUN;
import static org.basin.pipeline.PipelineTest.nextflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The demo on a real one-node Slurm cluster started for the test: every task a Slurm job, results equal to the local run's. */
@Order(3)
class SlurmTest {
    @Test
    void testProfileRunsEveryTaskAsASlurmJob() throws Exception {
        String why = LocalSlurm.unavailable();
        if (why != null) {
            System.out.println("SKIPPED the Slurm test: " + why);
            Assumptions.abort(why);
        }
        Path dir = RUN.resolve("slurm");
        Path out = dir.resolve("results");
        Files.createDirectories(dir);
        // the slurm profile polls every 15 s (kind to a shared controller); a private one-node cluster can be asked every second
        Path poll = dir.resolve("poll.config");
        Files.writeString(poll, "executor {\n    pollInterval = '1 sec'\n    queueStatInterval = '2 sec'\n}\n");
        try (LocalSlurm slurm = new LocalSlurm(dir.resolve("cluster"))) {
            long t0 = System.nanoTime();
            PipelineTest.Result r = nextflow(slurm.environment(), "-c", poll.toString(), "run", ROOT.toString(), "-profile", "test,slurm",
                    "--queue", "debug", "--outdir", out.toString());
            double wall = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, r.code(), r.log());
            List<Outputs.Task> trace = Outputs.trace(out);
            assertEquals(PipelineTest.TASKS, trace.size());
            Set<String> jobs = new HashSet<>();
            for (Outputs.Task t : trace) {
                assertEquals("COMPLETED", t.status(), t.name());
                assertTrue(t.nativeId().matches("\\d+"), t.name() + " has Slurm job id '" + t.nativeId() + "'");
                jobs.add(t.nativeId());
            }
            assertEquals(PipelineTest.TASKS, jobs.size(), "one Slurm job per task");
            Path someTask = Path.of(trace.get(trace.size() - 1).workdir());
            String script = Files.readString(someTask.resolve(".command.run"));
            assertTrue(script.contains("#SBATCH -p debug"), script);
            assertTrue(script.contains("#SBATCH --mem 1024M"), script);
            System.out.printf("SLURM: %d tasks as %d Slurm jobs in %.1f s wall%n", trace.size(), jobs.size(), wall);
            Outputs.assertSameResults(OUT, out);
        }
    }
}
