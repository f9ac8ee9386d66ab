package org.basin.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkFile;
import org.basin.io.VolumeOutput;
import org.basin.io.ZarrCodec;
import org.basin.stitch.FaceStitcher;
import org.basin.volume.Block;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.basin.graph.RegionGraph;
import org.basin.io.Hdf5Files;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stitch", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Give every watershed chunk's segments globally unique ids, unite segments that are one object across",
            "chunk faces (mutual majority over the overlap voxels both chunks labelled), run the size-dependent merging the",
            "chunks deferred over the global region graph (same thresholds as watershed), and write the uint64",
            "segmentation (OME-Zarr)."})
final class StitchCommand extends ToolCommand {
    @Parameters(arity = "1..*", description = "Watershed chunk files, or folders of them.")
    List<Path> inputs;

    @Option(names = "--output", required = true, description = "Segmentation folder (.zarr).")
    Path output;

    @Option(names = "--tree", description = {"Also write the final segments' maximum spanning tree (Omni's dendrogram) to this HDF5 file:",
        "edges uint64 (N, 2) segment ids, affinity float32 (N), in decreasing affinity."})
    Path tree;

    @Option(names = "--zarr-chunk", description = "Zarr chunk size x,y,z (default: the chunk core size, capped at 128).")
    void zarrChunk(String v) {
        this.zarrChunk = Triplet.ints(v);
    }

    int[] zarrChunk;

    @Option(names = "--compression", defaultValue = "zlib", description = "none, zlib, gzip or zstd[:level] (default ${DEFAULT-VALUE}).")
    String compression;

    @Mixin
    WatershedOptions thresholds;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    protected int execute() {
        if (!VolumeOutput.isZarr(output)) {
            throw BasinException.badArguments(output + ": stitch writes OME-Zarr; name the output *.zarr");
        }
        List<ChunkFile.Meta> metas = ChunkFile.readAll(expandChunkFiles(inputs));
        int[] overlap = new int[3];
        for (ChunkFile.Meta m : metas) {
            for (int a = 0; a < 3; a++) {
                overlap[a] = Math.max(overlap[a], m.chunk().padded().max(a) - m.chunk().core().max(a));
                if (m.chunk().padded().min(a) < m.chunk().core().min(a)) {
                    throw BasinException.badInput(m.path() + ": padded below its core; stitch takes chunks chopped with --overlap, not --halo");
                }
            }
        }
        FaceStitcher stitcher = new FaceStitcher(overlap, thresholds.params());
        Progress scan = new Progress("basin stitch: reading faces", metas.size());
        int done = 0;
        for (ChunkFile.Meta m : metas) {
            Block labels = ChunkFile.readVolume(m.path(), "labels", m);
            long count = ((Number) m.attributes().getOrDefault("segments", 0L)).longValue();
            stitcher.add(m.chunk(), labels, count, regionGraph(m));
            scan.step(++done);
        }
        if (tree != null) {
            AtomicFiles.checkWritable(tree, overwrite);
        }
        stitcher.resolve();
        ChunkFile.Meta first = metas.get(0);
        int[] shape = first.volumeShape();
        int[] core = first.chunk().core().shape();
        int[] zc = zarrChunk != null ? zarrChunk : new int[] {Math.min(128, core[0]), Math.min(128, core[1]), Math.min(128, core[2])};
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("segments", stitcher.count());
        try (VolumeOutput out = VolumeOutput.zarr(output, "segmentation", DType.UINT64, 0, shape, zc, ZarrCodec.parse(compression),
                first.voxelSize(), attrs, overwrite)) {
            Progress write = new Progress("basin stitch: writing", metas.size());
            for (int i = 0; i < metas.size(); i++) {
                ChunkFile.Meta m = metas.get(i);
                out.write(stitcher.relabelCore(i, ChunkFile.readVolume(m.path(), "labels", m)));
                write.step(i + 1);
            }
            if (tree != null) {
                writeTree(stitcher.tree());
            }
            out.commit();
        }
        log("%d chunks -> %d segments in %s (%s x,y,z)%s", metas.size(), stitcher.count(), output, Triplet.xyz(shape),
                tree != null ? ", tree of " + stitcher.tree().size() + " edges in " + tree : "");
        return 0;
    }

    private void writeTree(RegionGraph.Edges t) {
        int n = t.size();
        long[] ids = new long[2 * n];
        for (int i = 0; i < n; i++) {
            ids[2 * i] = t.a()[i];
            ids[2 * i + 1] = t.b()[i];
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("edges", (long) n);
        attrs.put("description", "maximum spanning tree of the region graph between final segments (ids as in the segmentation)");
        // jhdf cannot write empty datasets: a volume with one segment has no tree and only the attribute says so
        List<Hdf5Files.Entry> entries = n == 0 ? List.of() : List.of(Hdf5Files.Entry.table("edges", DType.UINT64, new int[] {n, 2}, ids),
                Hdf5Files.Entry.table("affinity", DType.FLOAT32, new int[] {n}, t.w()));
        Hdf5Files.write(tree, attrs, entries, false);
    }

    private static RegionGraph.Edges regionGraph(ChunkFile.Meta m) {
        long edges = ((Number) m.attributes().getOrDefault("region_graph_edges", 0L)).longValue();
        if (edges == 0) {
            return new RegionGraph.Edges(new int[0], new int[0], new float[0]);
        }
        long[] ids = Hdf5Files.readTable(m.path(), "region_graph/ids").longs();
        float[] w = Hdf5Files.readTable(m.path(), "region_graph/affinity").floats();
        int[] a = new int[w.length];
        int[] b = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            a[i] = (int) ids[2 * i];
            b[i] = (int) ids[2 * i + 1];
        }
        return new RegionGraph.Edges(a, b, w);
    }
}
