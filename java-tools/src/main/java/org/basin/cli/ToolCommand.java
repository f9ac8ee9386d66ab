package org.basin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.basin.error.BasinException;
import org.basin.io.S3Connection;
import org.basin.io.TaskTable;
import org.basin.report.SegmentCounts;
import org.basin.report.SegmentTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every basin command shares: a name for messages, stderr logging and the out-of-memory guard. */
abstract class ToolCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "S3-compatible endpoint for s3:// volume paths (e.g. http://127.0.0.1:9000); default: AWS's")
    String s3Endpoint;

    @Option(names = "--s3-path-style", description = "Address buckets as ENDPOINT/bucket/key, not bucket.ENDPOINT/key (most S3-compatible servers)")
    boolean s3PathStyle;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "S3 region; default: AWS_REGION or the profile's (us-east-1 with --s3-endpoint)")
    String s3Region;

    @Override
    public final Integer call() throws Exception {
        S3Connection.configure(new S3Connection.Settings(s3Endpoint, s3PathStyle, s3Region));
        try {
            return Main.guardMemory(spec.name(), spec.commandLine().getParseResult().originalArgs(), this::execute);
        } finally {
            if (S3Connection.used()) {
                log("s3: %s", S3Connection.counts()); // the requests and bytes this task cost
            }
        }
    }

    /** Does the work; returns 0 or throws a {@link BasinException}. */
    protected abstract int execute() throws Exception;

    protected void log(String fmt, Object... args) {
        System.err.println("basin " + spec.name() + ": " + String.format(fmt, args));
    }

    /** A block's segments (id, voxels, bounding box) as the table REPORT sums (relabel and fill --segment-sizes). */
    static void writeSegmentSizes(SegmentCounts counts, Path to) {
        TaskTable sizes = new TaskTable(SegmentTable.COLUMNS);
        SegmentTable.rows(counts.segments()).forEach(sizes::add);
        sizes.write(to);
    }

    /** Expands folders to the .h5 files inside them, sorted; plain files pass through. */
    static List<Path> expandChunkFiles(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".h5") && !f.getFileName().toString().startsWith("."))
                            .sorted().forEach(out::add);
                } catch (IOException e) {
                    throw BasinException.io(p + ": cannot list (" + e.getMessage() + ")", e);
                }
            } else if (!Files.exists(p)) {
                throw BasinException.badArguments(p + ": no such file");
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
