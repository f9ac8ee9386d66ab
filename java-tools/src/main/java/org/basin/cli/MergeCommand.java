package org.basin.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.ChunkFile;
import org.basin.io.Hdf5VolumeReader;
import org.basin.io.VolumeInfo;
import org.basin.io.StoreLayout;
import org.basin.io.VolumeOutput;
import org.basin.io.VolumeReader;
import org.basin.volume.Block;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "merge", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Crop each chunk to its core and write one OME-Zarr volume, chunk by chunk:",
            "memory stays bounded by a chunk, not the volume."})
final class MergeCommand extends ToolCommand {
    @Parameters(arity = "1..*", description = "Chunk files, or folders of them.")
    List<Path> inputs;

    @Option(names = "--dataset", defaultValue = "affinities", description = "Dataset to merge from each chunk file (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--output", required = true, description = "Output volume folder (.zarr, OME-Zarr).")
    Path output;

    @Option(names = "--zarr-chunk", description = "Zarr chunk size x,y,z (default: the chunk core size, capped at 128).")
    void zarrChunk(String v) {
        this.zarrChunk = Triplet.positiveInts(v);
    }

    int[] zarrChunk;

    @Option(names = "--compression", description = {"none, zlib (zarr2), gzip, zstd[:level] or blosc[:cname][:level] (zarr3)",
        "(default: zlib for zarr2, zstd for zarr3)."})
    String compression;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    protected int execute() {
        if (!VolumeOutput.isZarr(output)) {
            throw BasinException.badArguments(output + ": merge writes OME-Zarr; name the output *.zarr");
        }
        List<Path> files = expandChunkFiles(inputs);
        List<ChunkFile.Meta> metas = ChunkFile.readAll(files);
        ChunkFile.Meta first = metas.get(0);
        VolumeInfo firstInfo;
        try (VolumeReader r = Hdf5VolumeReader.open(files.get(0), dataset)) {
            firstInfo = r.info();
        }
        int[] shape = first.volumeShape();
        int[] core = first.chunk().core().shape();
        int[] zc = zarrChunk != null ? zarrChunk : new int[] {Math.min(128, core[0]), Math.min(128, core[1]), Math.min(128, core[2])};
        // one shard per core (rounded up to whole chunks): each core written is one shard, encoded once
        int[] shard = new int[3];
        for (int a = 0; a < 3; a++) {
            shard[a] = (core[a] + zc[a] - 1) / zc[a] * zc[a];
        }
        StoreLayout layout = storeOptions.single(zc, shard, compression != null ? compression
                : StoreLayout.defaultLabelCompression(storeOptions.format()));
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        for (Map.Entry<String, Object> e : firstInfo.attributes().entrySet()) {
            if (e.getKey().startsWith("affinity") && e.getValue() instanceof String) {
                attrs.put(e.getKey(), e.getValue());
            }
        }
        try (VolumeOutput out = VolumeOutput.zarr(output, dataset, firstInfo.dtype(), firstInfo.channels(), shape, layout,
                first.voxelSize(), attrs, overwrite)) {
            Progress progress = new Progress("basin merge: chunks", files.size());
            int done = 0;
            for (ChunkFile.Meta m : metas) {
                if (!java.util.Arrays.equals(m.volumeShape(), shape)) {
                    throw BasinException.badInput(m.path() + ": volume shape " + Triplet.xyz(m.volumeShape()) + " differs from "
                            + Triplet.xyz(shape) + " (x,y,z) of the other chunks");
                }
                Block b = ChunkFile.readVolume(m.path(), dataset, m);
                if (b.dtype() != firstInfo.dtype() || b.channels() != Math.max(1, firstInfo.channels())) {
                    throw BasinException.badInput(m.path() + ":" + dataset + ": " + b.dtype().label() + " x" + b.channels()
                            + " differs from the first chunk's " + firstInfo.dtype().label());
                }
                out.write(b.crop(m.chunk().core()));
                progress.step(++done);
            }
            out.commit();
        }
        log("merged %d chunks into %s (%s x,y,z, %s)", files.size(), output, Triplet.xyz(shape), firstInfo.dtype().label());
        return 0;
    }
}
