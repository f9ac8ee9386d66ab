package org.basin.cli;

import java.io.PrintWriter;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import picocli.CommandLine;

/** Entry point of the {@code basin} tools; the only place that exits the JVM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BasinCommand());
        // Messages go to the root's error writer: the one tests and callers replace with setErr.
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> handle(e, cmd, cl.getErr()));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    private static int handle(Exception e, CommandLine cmd, PrintWriter err) {
        String name = "basin " + cmd.getCommandName();
        if (e instanceof BasinException be) {
            err.println(name + ": error: " + be.getMessage());
            err.flush();
            return be.exitCode().code();
        }
        err.println(name + ": internal error: " + e);
        e.printStackTrace(err);
        err.flush();
        return ExitCode.INTERNAL.code();
    }

    /** Turns an OutOfMemoryError inside a command into the documented exit code. */
    static Integer guardMemory(java.util.concurrent.Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (OutOfMemoryError oom) {
            System.err.println("basin: out of memory (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB); rerun with more memory (BASIN_MEMORY / the task's memory)");
            return ExitCode.OUT_OF_MEMORY.code();
        }
    }
}
