package org.basin.pipeline;

import static org.basin.pipeline.PipelineTest.ROOT;
import static org.basin.pipeline.PipelineTest.RUN;
import static org.basin.pipeline.PipelineTest.nextflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Every profile, alone and with test, through `nextflow config`; and the scheduler options the lsf and slurm
 * profiles really produce for the INFER task (with and without --device cuda), read from the job script Nextflow
 * writes before it calls bsub / sbatch (stand-ins that refuse the job).
 */
@Order(4)
class ProfileConfigTest {
    static String config(String profile) throws Exception {
        PipelineTest.Result r = PipelineTest.nextflowLogging(RUN.resolve("config-" + profile.replace(',', '-') + ".log"), Map.of(),
                "config", "-profile", profile, "-flat", ROOT.toString());
        assertEquals(0, r.code(), profile + ":\n" + r.log());
        return r.log();
    }

    /** Each profile's merged configuration, three `nextflow config` at a time (each is a JVM start: CI time). */
    static Map<String, String> configs(List<String> profiles) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Map<String, Future<String>> running = new LinkedHashMap<>();
            for (String p : profiles) {
                running.put(p, pool.submit(() -> config(p)));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Future<String>> e : running.entrySet()) {
                try {
                    out.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException x) {
                    throw x.getCause() instanceof Exception c ? c : x;
                }
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void everyProfileAloneAndWithTest() throws Exception {
        Map<String, String> executor = Map.of("lsf", "lsf", "slurm", "slurm", "awsbatch", "awsbatch", "docker", "local", "singularity", "local");
        List<String> combos = new ArrayList<>();
        executor.keySet().forEach(p -> combos.addAll(List.of(p, p + ",test")));
        combos.add("test");
        Map<String, String> seen = configs(combos);
        for (String p : executor.keySet()) {
            for (String combo : new String[] {p, p + ",test"}) {
                String c = seen.get(combo);
                if (!executor.get(p).equals("local")) {
                    assertTrue(c.contains("process.executor = '" + executor.get(p) + "'"), combo + ":\n" + c);
                    assertTrue(c.contains("process.queue = { params.queue }"), combo + ":\n" + c);
                } else {
                    assertFalse(c.contains("process.executor"), combo + ":\n" + c);
                }
                // resource labels grow with each attempt, capped by resourceLimits (the test profile's when combined)
                assertTrue(c.contains("process.'withLabel:process_medium'.memory = { 4.GB * task.attempt }"), combo + ":\n" + c);
                assertEquals(combo.contains("test"),
                        c.contains("process.'withLabel:process_single|process_low|process_medium|process_high'.memory = { 1.GB * task.attempt }"), combo);
                assertTrue(c.contains("process.resourceLimits = [cpus:2, memory:'" + (combo.contains("test") ? "6 GB', time:'1h'" : "16 GB', time:'1d'")),
                        combo + ":\n" + c);
                assertTrue(c.contains("process.errorStrategy = { task.exitStatus in [5, 137, 140, 143, 104, 134, 139] ? 'retry' : 'finish' }"), c);
                assertTrue(c.contains("process.maxRetries = 2"), c);
            }
        }
        String lsf = seen.get("lsf");
        assertTrue(lsf.contains("executor.perJobMemLimit = true"), lsf);
        assertTrue(lsf.contains("process.'withLabel:process_gpu'.clusterOptions = { lsfOptions(params, true) }"), lsf);
        String slurm = seen.get("slurm");
        assertTrue(slurm.contains("process.'withLabel:process_gpu'.clusterOptions = { slurmOptions(params, true) }"), slurm);
        String aws = seen.get("awsbatch");
        assertTrue(aws.contains("process.container = { params.container }"), aws);
        assertTrue(aws.contains("process.'withLabel:process_gpu'.accelerator = { params.device != 'cpu' ? params.gpus_per_task : null }"), aws);
        assertTrue(aws.contains("aws.region = 'us-east-1'"), aws);
        assertTrue(aws.contains("params.s3_region = 'us-east-1'"), "every task gets the stores' region: " + aws);
        String docker = seen.get("docker");
        assertTrue(docker.contains("docker.enabled = true") && docker.contains("params.container = 'basin-tools:0.1.0'"), docker);
        String singularity = seen.get("singularity");
        assertTrue(singularity.contains("singularity.enabled = true") && singularity.contains("params.container = 'docker://basin-tools:0.1.0'"), singularity);
        String test = seen.get("test");
        assertFalse(test.contains("process.executor"), test);
        assertTrue(test.contains("executor.cpus = 2"), test);
    }

    /** The job script (and the command in it) of the INFER task the probe workflow tried to submit with the given profile and options. */
    static String jobScript(String profile, String scheduler, String... params) throws Exception {
        Path bin = RUN.resolve("fake-" + scheduler);
        Files.createDirectories(bin);
        Path fake = bin.resolve(scheduler);
        // bsub reads the job script from its standard input, sbatch takes it as an argument
        Files.writeString(fake, "#!/bin/sh\n" + (scheduler.equals("bsub") ? "cat > /dev/null\n" : "") + "echo \"" + scheduler
                + " stand-in: not submitting $*\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        String[] args = new String[6 + params.length];
        args[0] = "-c";
        args[1] = ROOT.resolve("nextflow.config").toString();
        args[2] = "run";
        args[3] = ROOT.resolve("tests/probe/main.nf").toString();
        args[4] = "-profile";
        args[5] = profile;
        System.arraycopy(params, 0, args, 6, params.length);
        PipelineTest.Result r = nextflow(Map.of("PATH", bin + ":" + System.getenv("PATH")), args);
        assertTrue(r.code() != 0, r.log());
        assertTrue(r.log().contains("stand-in: not submitting"), r.log());
        Matcher m = Pattern.compile("Work dir:\\s+(\\S+)").matcher(r.log());
        assertTrue(m.find(), r.log());
        Path work = Path.of(m.group(1));
        return Files.readString(work.resolve(".command.run")) + Files.readString(work.resolve(".command.sh"));
    }

    @Test
    void slurmProfileAsksForPartitionAccountMemoryAndGpus() throws Exception {
        String cpu = jobScript("slurm", "sbatch", "--queue", "short", "--account", "lab", "--cluster_options=--qos=normal", "--outdir",
                RUN.resolve("probe").toString());
        assertTrue(cpu.contains("#SBATCH -p short\n"), cpu);
        assertTrue(cpu.contains("#SBATCH --mem 4096M\n"), cpu); // process_medium, first attempt
        assertTrue(cpu.contains("#SBATCH -t 04:00:00\n"), cpu);
        assertTrue(cpu.contains("#SBATCH --account=lab --qos=normal\n"), cpu);
        assertFalse(cpu.contains("gres"), cpu);
        assertTrue(cpu.contains("--backend intensity"), cpu.lines().filter(l -> l.contains("basin")).toList().toString());
        String gpu = jobScript("slurm", "sbatch", "--queue", "gpu", "--device", "cuda", "--backend", "onnx", "--gpus_per_task", "2",
                "--outdir", RUN.resolve("probe").toString());
        assertTrue(gpu.contains("#SBATCH -p gpu\n"), gpu);
        assertTrue(gpu.contains("#SBATCH --gres=gpu:2\n"), gpu);
    }

    @Test
    void lsfProfileAsksForQueueProjectMemoryPerJobAndGpus() throws Exception {
        String cpu = jobScript("lsf", "bsub", "--queue", "normal", "--account", "connectomics", "--outdir", RUN.resolve("probe").toString());
        assertTrue(cpu.contains("#BSUB -q normal\n"), cpu);
        assertTrue(cpu.contains("#BSUB -P connectomics\n"), cpu);
        // 4 GB for the whole job (perJobMemLimit), in LSF's default unit for -M (KB) and MB for rusage
        assertTrue(cpu.contains("#BSUB -M 4194304\n") && cpu.contains("rusage[mem=4096]"), cpu);
        assertFalse(cpu.contains("-gpu"), cpu);
        String gpu = jobScript("lsf,test", "bsub", "--queue", "gpu", "--device", "cuda", "--backend", "onnx", "--outdir",
                RUN.resolve("probe").toString());
        assertTrue(gpu.contains("#BSUB -gpu num=1:mode=exclusive_process\n"), gpu);
        assertTrue(gpu.contains("#BSUB -M 1048576\n"), "the test profile's 1 GB per task\n" + gpu);
    }
}
