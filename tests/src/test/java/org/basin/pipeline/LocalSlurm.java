package org.basin.pipeline;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, run as root without systemd), for the Slurm
 * test. It starts munged (unless one answers already), slurmctld and slurmd in the foreground as child processes,
 * waits for the node to be idle, and on close stops exactly the daemons it started.
 */
final class LocalSlurm implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    private final List<Process> daemons = new ArrayList<>();

    /** Why Slurm cannot run here, or null when it can. */
    static String unavailable() {
        for (String bin : new String[] {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"}) {
            if (!Files.isExecutable(Path.of(bin))) {
                return bin + " is not installed (Debian: apt-get install slurm-wlm munge; .ci/run does this)";
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the one-node Slurm cluster runs its daemons as root; this is " + System.getProperty("user.name");
        }
        if (!Files.isReadable(Path.of("/etc/munge/munge.key"))) {
            return "/etc/munge/munge.key is missing (the munge package creates it)";
        }
        return null;
    }

    LocalSlurm(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        for (String d : new String[] {"state", "spool", "run"}) {
            Files.createDirectories(dir.resolve(d));
        }
        String host = InetAddress.getLocalHost().getHostName().split("\\.")[0];
        int cpus = Runtime.getRuntime().availableProcessors();
        conf = dir.resolve("slurm.conf");
        Files.writeString(conf, String.join("\n",
                "ClusterName=basintest",
                "SlurmctldHost=" + host,
                "SlurmUser=root",
                "AuthType=auth/munge",
                "CredType=cred/munge",
                "StateSaveLocation=" + dir.resolve("state"),
                "SlurmdSpoolDir=" + dir.resolve("spool"),
                "SlurmctldPidFile=" + dir.resolve("run/slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("run/slurmd.pid"),
                "SlurmctldLogFile=" + dir.resolve("slurmctld.log"),
                "SlurmdLogFile=" + dir.resolve("slurmd.log"),
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "SchedulerType=sched/builtin",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core_Memory",
                "ReturnToService=2",
                "MpiDefault=none",
                "JobAcctGatherType=jobacct_gather/none",
                "AccountingStorageType=accounting_storage/none",
                // memory the test profile's tasks ask for (1 GB each), well under any CI machine's
                "NodeName=" + host + " CPUs=" + cpus + " RealMemory=4000 State=UNKNOWN",
                "PartitionName=debug Nodes=" + host + " Default=YES MaxTime=INFINITE State=UP", ""));
        if (run(List.of("bash", "-c", "munge -n | unmunge >/dev/null 2>&1")) != 0) {
            Files.createDirectories(Path.of("/run/munge"));
            run(List.of("chown", "munge:munge", "/run/munge"));
            daemons.add(start("runuser", "-u", "munge", "--", "/usr/sbin/munged", "--foreground"));
            waitFor("munge", () -> run(List.of("bash", "-c", "munge -n | unmunge >/dev/null 2>&1")) == 0);
        }
        daemons.add(start("/usr/sbin/slurmctld", "-D", "-f", conf.toString()));
        daemons.add(start("/usr/sbin/slurmd", "-D", "-f", conf.toString()));
        waitFor("an idle Slurm node", () -> output(List.of("sinfo", "-h", "-o", "%T")).trim().equals("idle"));
    }

    /** The environment Nextflow needs to reach this cluster. */
    Map<String, String> environment() {
        return Map.of("SLURM_CONF", conf.toString());
    }

    /** A process that talks to this cluster (SLURM_CONF set), stdout and stderr together. */
    private ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SLURM_CONF", conf.toString());
        return pb;
    }

    private Process start(String... cmd) throws IOException {
        return builder(List.of(cmd)).redirectOutput(dir.resolve(Path.of(cmd[0]).getFileName() + ".out").toFile()).start();
    }

    private int run(List<String> cmd) {
        try {
            return builder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    String output(List<String> cmd) {
        try {
            Process p = builder(cmd).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private void waitFor(String what, java.util.function.BooleanSupplier ready) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ready.getAsBoolean()) {
            for (Process d : daemons) {
                if (!d.isAlive()) {
                    throw new IOException("a Slurm daemon exited while waiting for " + what + "; see the logs in " + dir);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no " + what + " after 90 s; see the logs in " + dir);
            }
            Thread.sleep(500);
        }
    }

    @Override
    public void close() throws InterruptedException {
        run(List.of("scancel", "--quiet", "--partition=debug"));
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Process d = daemons.get(i);
            d.destroy();
            if (!d.waitFor(20, TimeUnit.SECONDS)) {
                d.destroyForcibly().waitFor();
            }
        }
    }
}
