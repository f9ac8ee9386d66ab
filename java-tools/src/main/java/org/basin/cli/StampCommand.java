package org.basin.cli;

import java.nio.file.Path;
import org.basin.error.BasinException;
import org.basin.io.S3ChunkStore;
import org.basin.io.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stamp", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Print one line that changes whenever an s3:// input changes: its object count, bytes and a digest",
            "of every key's size and ETag (one LIST request per 1,000 objects, no voxels read). The pipeline keys its",
            "planning and fingerprint tasks on it, as it keys them on sizes and dates for a local input."})
final class StampCommand extends ToolCommand {
    @Option(names = "--input", required = true, description = "The s3://bucket/prefix of a Zarr store.")
    Path input;

    @Override
    protected int execute() {
        if (!Stores.isS3(input)) {
            throw BasinException.badArguments(input + ": not an s3:// location (the pipeline stamps local inputs itself)");
        }
        spec.commandLine().getOut().println(S3ChunkStore.parse(Stores.s3Uri(input)).stamp());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
