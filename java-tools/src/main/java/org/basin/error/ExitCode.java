package org.basin.error;

/** The documented exit codes of every basin command (README, "Exit codes"). */
public enum ExitCode {
    OK(0),
    /** An unexpected internal error: a bug in basin. */
    INTERNAL(1),
    /** Bad command-line arguments (picocli's own usage code is also 2). */
    BAD_ARGUMENTS(2),
    /** Bad input data: wrong dtype, shape, NaN, missing dataset, corrupt file. */
    BAD_INPUT(3),
    /** The file system failed: cannot read, write or rename. */
    IO_FAILURE(4),
    /** The JVM ran out of heap; Nextflow retries such tasks with more memory. */
    OUT_OF_MEMORY(5);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
