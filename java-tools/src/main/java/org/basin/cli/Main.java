package org.basin.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Entry point of the {@code basin} tools; the only place that exits the JVM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        return commandLine(named(args)).execute(args);
    }

    /** Every command, as {@code basin --help} lists them. */
    public static CommandLine commandLine() {
        return commandLine((String) null);
    }

    /** The command a command line names (its first word that is not an option), or null. */
    private static String named(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return BasinCommand.COMMANDS.containsKey(a) ? a : null;
            }
        }
        return null;
    }

    /** The root with only the {@code command} named (every one when null: --help, an unknown name's suggestions). */
    static CommandLine commandLine(String command) {
        CommandLine cl = new CommandLine(new BasinCommand());
        BasinCommand.COMMANDS.forEach((name, make) -> {
            if (command == null || command.equals(name)) {
                cl.addSubcommand(name, make.get());
            }
        });
        // after the subcommands: the handlers reach those the root holds when they are set
        // Messages go to the root's error writer: the one tests and callers replace with setErr.
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> handle(e, cmd, cl.getErr()));
        cl.setParameterExceptionHandler((e, args) -> usageError(e, args, cl.getErr()));
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

    /**
     * A usage error: the message, picocli's "did you mean" suggestions, and one line pointing at --help (picocli's
     * default prints the whole usage, 30 lines that bury the message). Exit 2.
     */
    private static int usageError(ParameterException e, String[] args, PrintWriter err) {
        String name = e.getCommandLine().getCommandSpec().qualifiedName();
        err.println(name + ": error: " + message(e, args));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + name + " --help' for the options.");
        err.flush();
        return ExitCode.BAD_ARGUMENTS.code();
    }

    /**
     * picocli's message, except for a value an option's setter refused (Triplet, ...): picocli wraps that in "while
     * processing argument at or before arg[2] ... in [the whole command line]"; the option and the setter's own
     * message say it.
     */
    private static String message(ParameterException e, String[] args) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof TypeConversionException || c instanceof BasinException) {
                String option = option(e, args);
                return (option != null ? "option '" + option + "': " : "") + c.getMessage();
            }
        }
        return e.getMessage();
    }

    /** The option a refused value was given to: picocli names it for its own converters, not for setters. */
    private static String option(ParameterException e, String[] args) {
        if (e.getArgSpec() instanceof OptionSpec o) {
            return o.longestName();
        }
        String v = e.getValue();
        for (int i = 0; v != null && i < args.length; i++) {
            if (args[i].equals(v) && i > 0 && args[i - 1].startsWith("-")) {
                return args[i - 1];
            }
            if (args[i].startsWith("-") && args[i].endsWith("=" + v)) {
                return args[i].substring(0, args[i].length() - v.length() - 1);
            }
        }
        return null;
    }

    /**
     * Turns an OutOfMemoryError inside a command into the documented exit code, with a message naming the command
     * and its arguments (the files it was working on): a task log may hold several commands.
     */
    static Integer guardMemory(String command, List<String> args, Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (OutOfMemoryError oom) {
            System.err.println("basin " + command + ": out of memory (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB) in: basin " + String.join(" ", args) + "; rerun with more memory (BASIN_MEMORY / the task's memory)");
            return ExitCode.OUT_OF_MEMORY.code();
        }
    }
}
