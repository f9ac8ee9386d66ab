package org.basin.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.chunk.ChunkGrid;
import org.basin.error.BasinException;
import org.basin.fill.SeededFill;
import org.basin.io.ChunkedStore;
import org.basin.io.Digest;
import org.basin.io.FillInputs;
import org.basin.io.OmeZarr;
import org.basin.io.StoreLayout;
import org.basin.io.TaskTable;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.report.SegmentCounts;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fill", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Dense labels for a block of chunks: background voxels within --distance steps of a segment take the",
            "label of the neighbour one step nearer joined by the highest affinity. Reads the block plus a halo of",
            "--distance from the segmentation and the affinities and writes the block's chunks into --output, so",
            "blocks run in parallel and the result is the same in any blocks as in one."})
final class FillCommand extends ToolCommand {
    @Option(names = "--segmentation", required = true, description = "The segmentation to fill (a store of final ids; not modified).")
    Path segmentation;

    @Option(names = "--affinities", required = true, description = "The affinity store the segmentation came from (3, z, y, x; float32 or uint8).")
    Path affinities;

    @Option(names = "--output", required = true, description = "Segmentation store to write (OME-Zarr / N5; created by the first task).")
    Path output;

    @Option(names = "--distance", defaultValue = "4", description = "Largest number of steps a voxel is from its segment (0: copy; default ${DEFAULT-VALUE}).")
    int distance;

    @Mixin
    GridOptions region;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--compression", description = "none, zlib (zarr2), gzip, zstd[:level] or blosc[:cname][:level] (zarr3); default as relabel.")
    String compression;

    @Option(names = "--digest-output", description = "A table of each chunk's name and the digest of the store chunks written for it.")
    Path digestOutput;

    @Option(names = "--segment-sizes", description = "Also write the block's segments: id, voxels and bounding box (as relabel --segment-sizes).")
    Path segmentSizes;

    @Override
    protected int execute() {
        if (distance < 0) {
            throw BasinException.badArguments("--distance must be 0 or more; got " + distance);
        }
        if (output.toAbsolutePath().normalize().equals(segmentation.toAbsolutePath().normalize())) {
            // the neighbouring blocks read this store's voxels in their halos while this one writes
            throw BasinException.badArguments("--output " + output + " is the --segmentation it fills: write another store (fill reads its halo from the one it was given)");
        }
        try (VolumeReader seg = Volumes.open(segmentation, null); VolumeReader aff = Volumes.open(affinities, null)) {
            VolumeInfo si = seg.info();
            VolumeInfo ai = aff.info();
            FillInputs.check(si, ai);
            int h = distance;
            ChunkGrid grid = region.grid(si.shape(), new int[] {h, h, h}, si.where());
            Box padded = region.block.padded(grid);
            long[] labels = seg.read(padded).convert(DType.INT64).longs();
            float[] a = aff.read(padded).toFloats(); // uint8 levels order like the affinities they stand for
            long filled = SeededFill.fill(labels, a, padded.shape(), h);
            Block all = Block.of(labels, padded);

            int[] core = grid.chunkShape();
            StoreLayout layout = storeOptions.forTasks(ChunkGrid.storeChunk(core), core, compression != null ? compression
                    : StoreLayout.defaultLabelCompression(storeOptions.format()));
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("basin_version", Version.get());
            if (si.attributes() != null && si.attributes().get("segments") != null) {
                attrs.put("segments", si.attributes().get("segments"));
            }
            attrs.put("fill_distance", (long) h);
            ChunkedStore out = OmeZarr.openOrCreate(output, "segmentation", DType.UINT64, 0, si.shape(), layout, si.voxelSize(), attrs);
            TaskTable digests = new TaskTable("name", "digest");
            SegmentCounts counts = segmentSizes != null ? new SegmentCounts() : null;
            for (int[] p : region.block.positions()) {
                Chunk c = grid.chunk(p);
                Block piece = all.crop(c.core());
                out.recordWrites();
                out.write(piece);
                if (counts != null) {
                    counts.add(piece.longs(), c.core());
                }
                digests.add(c.name(), Digest.of(out.writtenChunks().toString()));
            }
            if (counts != null) {
                writeSegmentSizes(counts, segmentSizes);
            }
            if (digestOutput != null) {
                digests.write(digestOutput);
            }
            log("%s: %d background voxels filled (distance %d) of %d read, written to %s", region.block.name(), filled, h, padded.voxels(), output);
        }
        return 0;
    }
}
