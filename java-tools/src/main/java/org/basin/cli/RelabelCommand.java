package org.basin.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.ChunkGrid;
import org.basin.error.BasinException;
import org.basin.io.ChunkFile;
import org.basin.io.ChunkedStore;
import org.basin.io.Digest;
import org.basin.io.Hdf5Files;
import org.basin.io.OmeZarr;
import org.basin.io.TaskTable;
import org.basin.io.StoreLayout;
import org.basin.report.SegmentCounts;
import org.basin.volume.Block;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "relabel", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Write final segment ids into the segmentation store for a block of watershed chunks: each chunk's",
            "local labels through its id table from stitch --id-tables. Tasks run in parallel, each writing only",
            "the store chunks of its own chunk cores."})
final class RelabelCommand extends ToolCommand {
    @Option(names = "--watershed", required = true, arity = "1..*", description = "Watershed chunk files, or a folder of them (one block).")
    List<Path> watershed;

    @Option(names = "--id-table", required = true, description = "The block's id tables (NAME.ids.h5 from stitch --id-tables).")
    Path idTable;

    @Option(names = "--segmentation", required = true, description = "Segmentation store (.zarr, OME-Zarr; created by the first task).")
    Path segmentation;

    @Option(names = "--zarr-chunk", description = "Store chunk x,y,z (default: the largest divisor of the watershed chunk core up to 64).")
    void zarrChunk(String v) {
        this.zarrChunk = Triplet.ints(v);
    }

    int[] zarrChunk;

    @Option(names = "--compression", description = {"none, zlib (zarr2), gzip, zstd[:level] or blosc[:cname][:level] (zarr3)",
        "(default: zlib for zarr2, zstd for zarr3)."})
    String compression;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--segment-table", description = {"Also map the final ids through one threshold's table of basin agglomerate",
        "(its segments.h5): the store gets that threshold's agglomerated segmentation."})
    Path segmentTable;

    @Option(names = "--threshold", description = "With --segment-table: the threshold whose table to apply (one of agglomerate --thresholds).")
    Float threshold;

    @Option(names = "--digest-output", description = "A table of each chunk's name and the digest of the store chunks written for it.")
    Path digestOutput;

    @Option(names = "--segment-sizes", description = {"Also write a table of the block's segments: id, voxels and bounding box",
        "(x0 y0 z0 x1 y1 z1, last + 1); basin report sums these instead of reading the volume."})
    Path segmentSizes;

    @Override
    protected int execute() {
        List<Path> files = expandChunkFiles(watershed);
        if (files.isEmpty()) {
            throw BasinException.badArguments(watershed + ": no watershed chunk files");
        }
        List<ChunkFile.Meta> metas = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            ChunkFile.Meta m = ChunkFile.readMeta(f);
            metas.add(m);
            names.add(m.name());
        }
        Map<String, Object> tableAttrs = Hdf5Files.readAttributes(idTable);
        long[] agglomerated = null;
        if ((segmentTable == null) != (threshold == null)) {
            throw BasinException.badArguments("give --segment-table and --threshold together");
        }
        Object segments = tableAttrs.get("segments");
        if (segmentTable != null) {
            String name = AgglomerateCommand.name(threshold);
            Map<String, Object> aggAttrs = Hdf5Files.readAttributes(segmentTable);
            if (!(aggAttrs.get("thresholds") instanceof double[] ts) || java.util.Arrays.stream(ts).noneMatch(t -> (float) t == threshold)) {
                throw BasinException.badArguments("--threshold " + threshold + ": " + segmentTable + " has tables for the thresholds "
                        + (aggAttrs.get("thresholds") instanceof double[] ts ? java.util.Arrays.toString(ts) : "(none)"));
            }
            agglomerated = Hdf5Files.readTable(segmentTable, name).longs();
            if (segments instanceof Number n && agglomerated.length != n.longValue() + 1) {
                throw BasinException.badInput(segmentTable + ":" + name + " has " + agglomerated.length + " entries, but " + idTable
                        + " names " + n + " segments (+1 for background): the agglomeration of another run");
            }
            long max = 0;
            for (long v : agglomerated) {
                max = Math.max(max, v);
            }
            segments = max;
        }
        Map<String, Hdf5Files.Table> tables = Hdf5Files.readTables(idTable, names);
        ChunkFile.Meta first = metas.get(0);
        int[] core = first.gridChunkShape();
        int[] zc = zarrChunk != null ? zarrChunk : ChunkGrid.storeChunk(core);
        StoreLayout layout = storeOptions.forTasks(zc, core, compression != null ? compression
                : StoreLayout.defaultLabelCompression(storeOptions.format()));
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("segments", segments);
        if (threshold != null) {
            attrs.put("agglomeration_threshold", (double) threshold);
        }
        ChunkedStore out = OmeZarr.openOrCreate(segmentation, "segmentation", DType.UINT64, 0, first.volumeShape(), layout,
                first.voxelSize(), attrs);
        TaskTable digests = new TaskTable("name", "digest");
        SegmentCounts counts = segmentSizes != null ? new SegmentCounts() : null;
        long[] reuse = null;
        for (ChunkFile.Meta m : metas) {
            Hdf5Files.Table t = tables.get(m.name());
            if (t == null || t.dtype() != DType.UINT64) {
                throw BasinException.badInput(idTable + ": no uint64 id table '" + m.name() + "' for " + m.path());
            }
            long[] ids = t.longs();
            if (agglomerated != null) {
                for (long id : ids) {
                    if (id < 0 || id >= agglomerated.length) {
                        throw BasinException.badInput(idTable + ":" + m.name() + ": final id " + Long.toUnsignedString(id) + " has no entry in "
                                + segmentTable + " (" + agglomerated.length + " entries): the agglomeration of another run");
                    }
                }
            }
            Block labels = ChunkFile.readCore(m.path(), "labels", m);
            int[] local = labels.dtype() == DType.UINT32 ? labels.ints() : labels.convert(DType.UINT32).ints();
            long[] seg = reuse != null && reuse.length == local.length ? reuse : new long[local.length];
            for (int i = 0; i < local.length; i++) {
                int v = local[i];
                if (v < 0 || v >= ids.length) {
                    throw BasinException.badInput(m.path() + ":labels: local id " + Integer.toUnsignedString(v) + " has no entry in "
                            + idTable + ":" + m.name() + " (" + ids.length + " entries): the id tables are from another run");
                }
                seg[i] = agglomerated == null ? ids[v] : agglomerated[(int) ids[v]];
            }
            out.recordWrites();
            out.write(Block.of(seg, m.chunk().core()));
            if (counts != null) {
                counts.add(seg, m.chunk().core());
            }
            digests.add(m.name(), Digest.of(out.writtenChunks().toString()));
            reuse = seg;
        }
        if (counts != null) {
            writeSegmentSizes(counts, segmentSizes);
        }
        if (digestOutput != null) {
            digests.write(digestOutput);
        }
        log("%d chunks relabelled into %s", metas.size(), segmentation);
        return 0;
    }
}
