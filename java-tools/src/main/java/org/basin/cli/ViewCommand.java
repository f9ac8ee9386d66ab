package org.basin.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.S3ChunkStore;
import org.basin.io.S3Connection;
import org.basin.io.Stores;
import org.basin.view.NeuroglancerState;
import org.basin.view.StaticServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "view", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Serve a run's outdir on 127.0.0.1 (CORS, byte ranges) and print the Neuroglancer URL that shows it:",
            "raw (raw.zarr, when there), affinities as RGB, segmentation with its meshes (meshes/, when there).",
            "The state is OUTDIR/neuroglancer.json (written when missing); runs until interrupted (Ctrl-C).",
            "With --state-only: write the state (sources start with " + NeuroglancerState.BASE + ", the served outdir's URL) and exit.",
            "OUTDIR may be a run's --store_dir in s3:// with --state-only: the sources are then the bucket's HTTP URL",
            "(as --s3-endpoint / --s3-path-style / --s3-region address it) or --source-base."})
final class ViewCommand extends ToolCommand {
    static final String PUBLIC_NEUROGLANCER = "https://neuroglancer-demo.appspot.com";

    @Parameters(index = "0", paramLabel = "OUTDIR", description = "A run's --outdir (holds segmentation.zarr), or its --store_dir (a folder or s3://bucket/prefix).")
    Path outdir;

    @Option(names = "--port", defaultValue = "8000", description = "Port on 127.0.0.1 (0: any free one; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--neuroglancer", paramLabel = "URL", defaultValue = PUBLIC_NEUROGLANCER,
            description = "The Neuroglancer client the printed URL opens: the public one (default ${DEFAULT-VALUE}) or one you host.")
    String neuroglancer;

    @Option(names = "--state-only", description = "Write the state and exit; serve nothing.")
    boolean stateOnly;

    @Option(names = "--output", description = "With --state-only: where to write the state (default OUTDIR/" + NeuroglancerState.FILE + ").")
    Path output;

    @Option(names = "--source-base", paramLabel = "URL", description = {"With --state-only: the URL OUTDIR's stores are read at, written into every source",
        "(default: " + NeuroglancerState.BASE + " for a folder, filled in when served; the bucket's URL for s3://)."})
    String sourceBase;

    @Override
    protected int execute() throws Exception {
        boolean s3 = Stores.isS3(outdir);
        if (s3 && !stateOnly) {
            throw BasinException.badArguments(Stores.s3Uri(outdir) + ": basin view serves a folder; for stores in s3:// write the state with --state-only"
                    + " (its sources are the bucket's URL) and open it in Neuroglancer");
        }
        if (!s3 && !Files.isDirectory(outdir)) {
            throw BasinException.badArguments(outdir + ": no such folder (give a run's --outdir)");
        }
        if (sourceBase != null && !stateOnly) {
            throw BasinException.badArguments("--source-base is for --state-only; a served state's sources are the server's URL");
        }
        if (sourceBase != null && !sourceBase.matches("(?i)(https?|s3|gs)://.+")) {
            throw BasinException.badArguments("--source-base '" + sourceBase + "' is not an http(s)://, s3:// or gs:// URL");
        }
        if (port < 0 || port > 65535) {
            throw BasinException.badArguments("--port " + port + " is not a port number 0..65535");
        }
        if (output != null && !stateOnly) {
            throw BasinException.badArguments("--output is for --state-only; a served state is OUTDIR/" + NeuroglancerState.FILE);
        }
        Path stateFile = outdir.resolve(NeuroglancerState.FILE);
        if (stateOnly) {
            if (s3 && output == null) {
                throw BasinException.badArguments("--output: where to write the state of " + Stores.s3Uri(outdir) + " (a local file)");
            }
            Path to = output != null ? output : stateFile;
            String json = build();
            write(to, json);
            log("wrote %s", to);
            return 0;
        }
        String json;
        if (Files.isRegularFile(stateFile)) {
            json = Files.readString(stateFile, StandardCharsets.UTF_8);
            log("state: %s (delete it to have it made again from the stores)", stateFile);
        } else {
            json = build();
            try {
                write(stateFile, json);
                log("wrote %s", stateFile);
            } catch (BasinException e) { // a read-only outdir: serve the state all the same
                log("could not write %s (%s); serving the state from memory", stateFile, e.getMessage());
            }
        }
        StaticServer serving = StaticServer.start(outdir, port);
        String filled = NeuroglancerState.fill(json, serving.baseUrl());
        // the served copy has the base filled in, so #!http://127.0.0.1:PORT/neuroglancer.json opens it too
        serving.serve("/" + NeuroglancerState.FILE, filled.getBytes(StandardCharsets.UTF_8));
        Runtime.getRuntime().addShutdownHook(new Thread(serving::close));
        System.out.println(NeuroglancerState.url(neuroglancer, filled));
        System.out.flush();
        log("serving %s at %s (Ctrl-C stops)", outdir.toAbsolutePath(), serving.baseUrl());
        new CountDownLatch(1).await();
        return 0;
    }

    /** Writes beside {@code to} and renames into place: a viewer never reads half a state. */
    private static void write(Path to, String json) {
        Path tmp = AtomicFiles.temporaryFor(to);
        try {
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            AtomicFiles.discard(tmp);
            throw BasinException.io(to + ": cannot write (" + e.getMessage() + ")", e);
        }
        AtomicFiles.commit(tmp, to);
    }

    private String build() {
        String base = sourceBase;
        if (base == null && Stores.isS3(outdir)) {
            S3ChunkStore at = S3ChunkStore.parse(Stores.s3Uri(outdir));
            base = S3Connection.httpUrl(S3Connection.settings(), at.bucket(), at.prefix());
        }
        NeuroglancerState.Result r = NeuroglancerState.of(outdir, base != null ? base : NeuroglancerState.BASE);
        r.notes().forEach(n -> log("%s", n));
        return r.json();
    }
}
