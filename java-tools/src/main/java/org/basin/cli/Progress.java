package org.basin.cli;

/** Progress lines on stderr, at most one per second plus the last, so users and Nextflow logs see work moving. */
final class Progress {
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private long lastPrint;

    Progress(String what, long total) {
        this.what = what;
        this.total = total;
    }

    void step(long done) {
        long now = System.nanoTime();
        if (done == total || now - lastPrint > 1_000_000_000L) {
            lastPrint = now;
            System.err.printf("%s: %d/%d (%.0f%%) %.1fs%n", what, done, total, 100.0 * done / Math.max(1, total), (now - start) / 1e9);
        }
    }
}
