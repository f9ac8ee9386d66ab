package org.basin.cli;

import picocli.CommandLine.Command;

/** The root command: {@code basin <command> [options]}. */
@Command(name = "basin", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"From a raw EM volume to a dense segmentation and Omni proofreading projects.",
            "Triplets (chunk, halo, overlap, voxel size, shape) are written x,y,z.",
            "Exit codes: 0 ok, 1 internal error, 2 bad arguments, 3 bad input data, 4 I/O failure, 5 out of memory."},
        subcommands = {PhantomCommand.class, InfoCommand.class, PlanCommand.class, FingerprintCommand.class, ChopCommand.class,
            InferCommand.class, MergeCommand.class, WatershedCommand.class, StitchCommand.class, MergeLevelCommand.class, MergeFinishCommand.class, RelabelCommand.class,
            OmnifyChopCommand.class, OmniProjectCommand.class,
            EvaluateCommand.class, SnapshotCommand.class, StampCommand.class, AgglomerateCommand.class,
            ViewCommand.class, ReportCommand.class, PyramidCommand.class, MeshCommand.class})
public final class BasinCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
