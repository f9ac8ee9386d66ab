package org.basin.error;

/** An error the user can act on: carries the exit code and a message naming the file, dataset and value. */
public class BasinException extends RuntimeException {
    private final ExitCode exitCode;

    public BasinException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public BasinException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static BasinException badInput(String message) {
        return new BasinException(ExitCode.BAD_INPUT, message);
    }

    public static BasinException badArguments(String message) {
        return new BasinException(ExitCode.BAD_ARGUMENTS, message);
    }

    public static BasinException io(String message, Throwable cause) {
        return new BasinException(ExitCode.IO_FAILURE, message, cause);
    }
}
