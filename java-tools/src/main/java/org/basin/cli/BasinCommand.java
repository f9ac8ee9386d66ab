package org.basin.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/** The root command: {@code basin <command> [options]}. */
@Command(name = "basin", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"From a raw EM volume to a dense segmentation and Omni proofreading projects.",
            "Triplets (chunk, halo, overlap, voxel size, shape) are written x,y,z.",
            "Exit codes: 0 ok, 1 internal error, 2 bad arguments, 3 bad input data, 4 I/O failure, 5 out of memory."})
public final class BasinCommand implements Runnable {
    /**
     * The commands by name, in the order {@code basin --help} lists them. {@link Main} builds only the one a command
     * line names: picocli builds every subcommand it is given (reflection over all their options), ~0.15 s of CPU per
     * JVM start, and a pipeline starts one per task.
     */
    static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("phantom", PhantomCommand::new);
        m.put("info", InfoCommand::new);
        m.put("plan", PlanCommand::new);
        m.put("fingerprint", FingerprintCommand::new);
        m.put("chop", ChopCommand::new);
        m.put("infer", InferCommand::new);
        m.put("merge", MergeCommand::new);
        m.put("watershed", WatershedCommand::new);
        m.put("stitch", StitchCommand::new);
        m.put("merge-level", MergeLevelCommand::new);
        m.put("merge-finish", MergeFinishCommand::new);
        m.put("relabel", RelabelCommand::new);
        m.put("fill", FillCommand::new);
        m.put("omnify-chop", OmnifyChopCommand::new);
        m.put("omni-project", OmniProjectCommand::new);
        m.put("evaluate", EvaluateCommand::new);
        m.put("snapshot", SnapshotCommand::new);
        m.put("stamp", StampCommand::new);
        m.put("agglomerate", AgglomerateCommand::new);
        m.put("view", ViewCommand::new);
        m.put("report", ReportCommand::new);
        m.put("pyramid", PyramidCommand::new);
        m.put("mesh", MeshCommand::new);
        return m;
    }
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
