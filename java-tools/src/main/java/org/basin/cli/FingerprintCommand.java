package org.basin.cli;

import java.nio.file.Path;
import org.basin.chunk.Chunk;
import org.basin.chunk.ChunkGrid;
import org.basin.io.Digest;
import org.basin.io.TaskTable;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fingerprint", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Digest (SHA-256) the input voxels each chunk of a block reads (its padded box), a row per chunk.",
            "The pipeline keys each inference task on its chunk's digest, so -resume after an edit of the input",
            "reruns the chunks whose input changed and only those."})
final class FingerprintCommand extends ToolCommand {
    @Option(names = "--input", required = true, description = "The raw volume.")
    Path input;

    @Option(names = "--dataset", description = "Dataset inside an HDF5 file or Zarr group.")
    String dataset;

    @Option(names = "--scale", description = "Level of a multiscale input (OME-Zarr, N5 s0.., precomputed scales) to read, 0 = full resolution; instead of --dataset.")
    Integer scale;

    @Mixin
    GridOptions region;

    @Option(names = "--halo", defaultValue = "0", description = "Inference context x,y,z on both sides of each core (default ${DEFAULT-VALUE}).")
    void halo(String v) {
        this.halo = Triplet.ints(v);
    }

    int[] halo;

    @Option(names = "--output", required = true, description = "Table of chunk name and digest (.tsv).")
    Path output;

    @Override
    protected int execute() {
        TaskTable digests = new TaskTable("name", "digest");
        try (VolumeReader r = Volumes.open(input, Volumes.dataset(input, dataset, scale))) {
            ChunkGrid grid = region.grid(r.info().shape(), halo, r.info().where());
            Block all = r.read(region.block.padded(grid)); // once for the block: each store chunk decoded once
            for (int[] p : region.block.positions()) {
                Chunk c = grid.chunk(p);
                digests.add(c.name(), Digest.of(all.crop(c.padded())));
            }
        }
        digests.write(output);
        log("%d chunks of %s digested", digests.size(), input);
        return 0;
    }
}
