package org.basin.cli;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.ByteCodec;
import org.basin.io.ChunkFile;
import org.basin.io.Digest;
import org.basin.io.TaskTable;
import org.basin.io.StoreLayout;
import org.basin.io.VolumeOutput;
import org.basin.stitch.FaceStitcher;
import org.basin.volume.Block;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.basin.graph.RegionGraph;
import org.basin.io.Hdf5Files;
import org.basin.watershed.Watershed;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stitch", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Give every watershed chunk's segments globally unique ids, unite segments that are one object across",
            "chunk faces (edges at or above T_high, steepest edges and plateaus that cross a face), run the size-dependent",
            "merging and dust removal the chunks left to it over the global region graph (same thresholds as watershed),",
            "and write the uint64 segmentation (OME-Zarr): the same segmentation as one watershed of the whole volume."})
final class StitchCommand extends ToolCommand {
    @Parameters(arity = "0..*", description = "Watershed chunk files, or folders of them.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--list", description = {"A table (.tsv, columns name and path) of folders of watershed chunk files, one per",
        "watershed task: the pipeline passes its blocks so (no file per chunk is staged)."})
    Path list;

    @Option(names = "--output", description = "Segmentation folder (.zarr).")
    Path output;

    @Option(names = {"--id-tables"}, description = {"Instead of writing the segmentation, write per folder of chunk files (per --list row)",
        "NAME.ids.h5 into this folder: per chunk a dataset chunk_X_Y_Z (uint64), entry v the final id of local id v.",
        "basin relabel writes the segmentation from them, block by block, in parallel."})
    Path idTables;

    @Option(names = "--digest-output", description = "With --id-tables: a table of each id-table file's name and the digest of its contents.")
    Path digestOutput;

    @Option(names = "--tree", description = {"Also write the final segments' maximum spanning tree (Omni's dendrogram) to this HDF5 file:",
        "edges uint64 (N, 2) segment ids, affinity float32 (N), in decreasing affinity."})
    Path tree;

    @Option(names = "--region-graph", description = {"Also write the region graph between the final segments to this HDF5 file, for basin",
        "agglomerate: edges uint64 (N, 2) segment ids, affinity float32 (N, the largest), key int64 (its voxel edge 3 v + c,",
        "v the global voxel index), sum int64 (all voxel edges' affinities, fixed point x 2^32) and count int64:",
        "the same numbers, bit for bit, whatever the chunking."})
    Path regionGraph;

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

    @Mixin
    WatershedOptions thresholds;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    protected int execute() {
        if ((output == null) == (idTables == null)) {
            throw BasinException.badArguments("give either --output (the segmentation) or --id-tables (tables for basin relabel)");
        }
        if (output != null && !VolumeOutput.isZarr(output)) {
            throw BasinException.badArguments(output + ": stitch writes OME-Zarr; name the output *.zarr");
        }
        // which id-table file each chunk's table goes to: its --list row, else the folder it was found in
        Map<Path, String> groupOf = new HashMap<>();
        List<Path> given = new ArrayList<>(inputs);
        if (list != null) {
            TaskTable rows = TaskTable.read(list, "name", "path");
            List<String> names = rows.column("name");
            List<String> paths = rows.column("path");
            for (int i = 0; i < names.size(); i++) {
                Path folder = Path.of(paths.get(i));
                given.add(folder);
                for (Path f : expandChunkFiles(List.of(folder))) {
                    groupOf.put(f, names.get(i));
                }
            }
        }
        if (given.isEmpty()) {
            throw BasinException.badArguments("no watershed chunk files given (files, folders or --list)");
        }
        // each file opened once here (attributes and tables), once more for its labels when the output is written
        List<Path> files = expandChunkFiles(given);
        Progress scan = new Progress("basin stitch: reading faces", files.size());
        List<ChunkData> chunks = new java.util.ArrayList<>();
        for (Path f : files) {
            chunks.add(read(f));
            scan.step(chunks.size());
        }
        chunks.sort((x, y) -> ChunkFile.BY_POSITION.compare(x.meta(), y.meta()));
        List<ChunkFile.Meta> metas = new java.util.ArrayList<>();
        for (ChunkData c : chunks) {
            metas.add(c.meta());
        }
        ChunkFile.checkGrid(metas);
        ChunkFile.Meta first = metas.get(0);
        int[] shape = first.volumeShape();
        int[] core = first.chunk().core().shape();
        String settings = String.valueOf(first.attributes().get("watershed"));
        for (ChunkFile.Meta m : metas) {
            if (!settings.equals(String.valueOf(m.attributes().get("watershed")))) {
                throw BasinException.badInput(m.path() + ": watershed settings " + m.attributes().get("watershed") + " differ from "
                        + first.path() + "'s " + settings);
            }
        }
        // the merge finishes what the chunks deferred: other thresholds would give a result equal to neither
        if (first.attributes().containsKey("watershed") && !settings.equals(thresholds.describe())) {
            throw BasinException.badInput(first.path() + ": the chunks were made with watershed settings " + settings
                    + ", stitch was given " + thresholds.describe() + "; give stitch the watershed's --t-high, --t-low, --t-merge, "
                    + "--t-size, --t-dust, --size-rule and --voxel-size");
        }
        FaceStitcher stitcher = new FaceStitcher(shape, core, thresholds.params());
        long edges = 0;
        for (ChunkData c : chunks) {
            edges += c.segments().graph().size();
        }
        stitcher.reserveEdges(edges); // one allocation, not a doubling trail of copies in the old generation
        if (regionGraph != null) {
            AtomicFiles.checkWritable(regionGraph, overwrite);
            stitcher.keepRegionGraph();
        }
        for (int i = 0; i < chunks.size(); i++) {
            ChunkData c = chunks.get(i);
            ChunkFile.Meta m = c.meta();
            try {
                stitcher.add(c.segments(), c.planes() != null ? c.planes() : FaceStitcher.facePlanes(m.chunk(), shape, coreLabels(m)));
            } catch (IllegalArgumentException e) {
                throw BasinException.badInput(m.path() + ": " + e.getMessage());
            }
            chunks.set(i, null); // the stitcher has what it needs (its own copy of the region graph)
        }
        if (tree != null) {
            AtomicFiles.checkWritable(tree, overwrite);
        }
        try {
            stitcher.resolve();
        } catch (IllegalArgumentException e) {
            // faces that do not match: chunk files of different runs or grids mixed in one merge
            throw BasinException.badInput("the chunk files " + metas.get(0).path() + " .. " + metas.get(metas.size() - 1).path()
                    + " do not fit together (" + e.getMessage() + "): chunks of different runs or grids? rerun the watershed of them all");
        }
        if (regionGraph != null) {
            writeRegionGraph(stitcher, regionGraph);
        }
        if (idTables != null) {
            writeIdTables(stitcher, metas, groupOf);
            if (tree != null) {
                writeTree(stitcher);
            }
            log("%d chunks -> %d segments; id tables in %s%s", metas.size(), stitcher.count(), idTables,
                    tree != null ? ", tree of " + stitcher.tree().size() + " edges in " + tree : "");
            return 0;
        }
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
        attrs.put("segments", stitcher.count());
        if (tree != null) {
            attrs.put("tree_digest", treeDigest(interleaved(stitcher.tree()), stitcher.tree().w()));
        }
        try (VolumeOutput out = VolumeOutput.zarr(output, "segmentation", DType.UINT64, 0, shape, layout,
                first.voxelSize(), attrs, overwrite)) {
            Progress write = new Progress("basin stitch: writing", metas.size());
            long[] reuse = null; // one core's segmentation at a time: the writer is done with it when write returns
            Map<Integer, int[]> spare = new java.util.HashMap<>(); // labels arrays by length, at most 8 core shapes
            for (int i = 0; i < metas.size(); i++) {
                ChunkFile.Meta m = metas.get(i);
                int[] labels = coreLabels(m, spare);
                Block seg = stitcher.relabelCore(i, labels, reuse);
                out.write(seg);
                reuse = seg.longs();
                spare.put(labels.length, labels); // read into again by a later chunk of this core size
                write.step(i + 1);
            }
            if (tree != null) {
                writeTree(stitcher);
            }
            out.commit();
        }
        log("%d chunks -> %d segments in %s (%s x,y,z)%s", metas.size(), stitcher.count(), output, Triplet.xyz(shape),
                tree != null ? ", tree of " + stitcher.tree().size() + " edges in " + tree : "");
        return 0;
    }

    /** One file per group of chunks (a watershed task's block): each chunk's local -> final id table. */
    private void writeIdTables(FaceStitcher stitcher, List<ChunkFile.Meta> metas, Map<Path, String> groupOf) {
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < metas.size(); i++) {
            Path f = metas.get(i).path();
            String g = groupOf.getOrDefault(f, f.toAbsolutePath().getParent().getFileName().toString());
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(i);
        }
        TaskTable digests = new TaskTable("name", "digest");
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            List<Hdf5Files.Entry> entries = new ArrayList<>();
            Digest d = new Digest();
            for (int i : g.getValue()) {
                long[] table = stitcher.idTable(i);
                String name = metas.get(i).name();
                entries.add(Hdf5Files.Entry.table(name, DType.UINT64, new int[] {table.length}, table));
                d.update(name).update(ByteCodec.encode(table, DType.UINT64));
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("basin_version", Version.get());
            attrs.put("segments", stitcher.count());
            attrs.put("volume_shape", metas.get(0).volumeShape());
            attrs.put("description", "per chunk: entry v is the final segment id of the chunk's local id v (0 = background)");
            Path target = idTables.resolve(g.getKey() + ".ids.h5");
            AtomicFiles.checkWritable(target, overwrite);
            Hdf5Files.write(target, attrs, entries, false);
            digests.add(g.getKey(), d.hex());
        }
        if (digestOutput != null) {
            digests.write(digestOutput);
        }
    }

    /** The final segments' region graph with each pair's affinity sum and count (see --region-graph). */
    static void writeRegionGraph(FaceStitcher stitcher, Path target) {
        writeRegionGraph(stitcher.regionGraph(), stitcher.count(), stitcher.tree(), target);
    }

    /** As above, from the graph, the segment count and the tree it belongs to (the hierarchical merge's too). */
    static void writeRegionGraph(RegionGraph.Edges g, int segments, RegionGraph.Edges tree, Path target) {
        int n = g.size();
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("edges", (long) n);
        attrs.put("segments", (long) segments);
        attrs.put("sum_scale", RegionGraph.SCALE);
        // names the segmentation (and its tree) this graph belongs to: agglomerate passes it on to its tree
        attrs.put("tree_digest", treeDigest(interleaved(tree), tree.w()));
        attrs.put("description", "region graph between final segments: per pair the largest affinity, its voxel edge's key, and the sum "
                + "(fixed point, affinity x 2^32 rounded) and count of all voxel edges between them");
        List<Hdf5Files.Entry> entries = n == 0 ? List.of() : List.of(
                Hdf5Files.Entry.table("edges", DType.UINT64, new int[] {n, 2}, interleaved(g)),
                Hdf5Files.Entry.table("affinity", DType.FLOAT32, new int[] {n}, g.w()),
                Hdf5Files.Entry.table("key", DType.INT64, new int[] {n}, g.key()),
                Hdf5Files.Entry.table("sum", DType.INT64, new int[] {n}, g.sum()),
                Hdf5Files.Entry.table("count", DType.INT64, new int[] {n}, g.count()));
        Hdf5Files.write(target, attrs, entries, false);
    }

    /** The digest of a tree's edges (ids interleaved a, b) and affinities: names one run's tree. */
    static String treeDigest(long[] ids, float[] affinity) {
        ByteBuffer b = ByteBuffer.allocate(ids.length * 8 + affinity.length * 4);
        for (long id : ids) {
            b.putLong(id);
        }
        for (float w : affinity) {
            b.putFloat(w);
        }
        return Digest.of(b.array());
    }

    static long[] interleaved(RegionGraph.Edges t) {
        long[] ids = new long[2 * t.size()];
        for (int i = 0; i < t.size(); i++) {
            ids[2 * i] = t.a()[i];
            ids[2 * i + 1] = t.b()[i];
        }
        return ids;
    }

    private void writeTree(FaceStitcher stitcher) {
        writeTree(stitcher.tree(), stitcher.count(), tree);
    }

    /** The final segments' maximum spanning forest (see --tree) to {@code target}. */
    static void writeTree(RegionGraph.Edges t, int segments, Path target) {
        int n = t.size();
        long[] ids = interleaved(t);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("edges", (long) n);
        // what omnify-chop checks the tree against: the segmentation's segment count and tree digest
        attrs.put("segments", (long) segments);
        attrs.put("tree_digest", treeDigest(ids, t.w()));
        attrs.put("description", "maximum spanning tree of the region graph between final segments (ids as in the segmentation)");
        // jhdf cannot write empty datasets: a volume with one segment has no tree and only the attribute says so
        List<Hdf5Files.Entry> entries = n == 0 ? List.of() : List.of(Hdf5Files.Entry.table("edges", DType.UINT64, new int[] {n, 2}, ids),
                Hdf5Files.Entry.table("affinity", DType.FLOAT32, new int[] {n}, t.w()));
        Hdf5Files.write(target, attrs, entries, false);
    }

    private static int[] coreLabels(ChunkFile.Meta m) {
        return uint32(ChunkFile.readCore(m.path(), "labels", m));
    }

    private static int[] coreLabels(ChunkFile.Meta m, Map<Integer, int[]> spare) {
        return uint32(ChunkFile.readCore(m.path(), "labels", m, spare::remove));
    }

    private static int[] uint32(Block b) {
        return b.dtype() == DType.UINT32 ? b.ints() : b.convert(DType.UINT32).ints();
    }

    private static long count(ChunkFile.Meta m, String attribute) {
        return ((Number) m.attributes().getOrDefault(attribute, 0L)).longValue();
    }

    /** A chunk file's grid place, its segments and its labels on the inner faces (null: an older file without them). */
    record ChunkData(ChunkFile.Meta meta, FaceStitcher.ChunkSegments segments, int[][] planes) {
    }

    /** Everything a watershed chunk file hands the merge step besides its labels (one open of the file). */
    static ChunkData read(Path path) {
        ChunkFile.Meta[] meta = new ChunkFile.Meta[1];
        Hdf5Files.Contents contents = Hdf5Files.readContents(path, attrs -> {
            meta[0] = ChunkFile.meta(path, attrs);
            if (!attrs.containsKey("frozen_segments")) {
                throw BasinException.badInput(path + ": not a watershed chunk of this basin version (no 'frozen' segments); rerun basin watershed");
            }
            return tablesOf(meta[0]);
        });
        return data(meta[0], contents.tables());
    }

    /** The tables of a watershed chunk file the merge step reads. */
    private static List<String> tablesOf(ChunkFile.Meta m) {
        int np = (int) count(m, "plateau_voxels");
        List<String> names = new java.util.ArrayList<>(List.of("sizes", "frozen"));
        if (count(m, "region_graph_edges") > 0) {
            names.addAll(List.of("region_graph/ids", "region_graph/affinity", "region_graph/key", "region_graph/sum", "region_graph/count"));
        }
        if (count(m, "crossings") > 0) {
            names.add("faces/crossings");
        }
        if (np > 0) {
            names.add("faces/plateau_voxels");
        }
        for (int a = 0; a < 3; a++) {
            if (m.chunk().core().min(a) > 0) {
                names.add("faces/lower_affinity_" + "zyx".charAt(a));
            }
        }
        boolean[] inner = FaceStitcher.innerFaces(m.chunk(), m.volumeShape());
        for (int d = 0; d < 6 && m.attributes().containsKey("face_planes"); d++) {
            if (inner[d]) {
                names.add(WatershedCommand.facePlaneName(d));
            }
        }
        return names;
    }

    private static ChunkData data(ChunkFile.Meta m, Map<String, Hdf5Files.Table> t) {
        int count = (int) count(m, "segments");
        int np = (int) count(m, "plateau_voxels");
        boolean hasPlanes = m.attributes().containsKey("face_planes");
        boolean[] inner = FaceStitcher.innerFaces(m.chunk(), m.volumeShape());
        long[] sizes = t.get("sizes").longs();
        byte[] f = t.get("frozen").bytes();
        if (sizes.length != count + 1 || f.length != count + 1) {
            throw BasinException.badInput(m.path() + ": sizes/frozen hold " + sizes.length + "/" + f.length + " entries for " + count + " segments");
        }
        boolean[] frozen = new boolean[f.length];
        for (int i = 0; i < f.length; i++) {
            frozen[i] = f[i] != 0;
        }
        int[] crossings = t.containsKey("faces/crossings") ? t.get("faces/crossings").ints() : new int[0];
        Watershed.PlateauVoxels pv = Watershed.PlateauVoxels.NONE;
        if (np > 0) {
            int[] rows = t.get("faces/plateau_voxels").ints();
            int[][] cols = new int[5][np];
            for (int i = 0; i < np; i++) {
                for (int c = 0; c < 5; c++) {
                    cols[c][i] = rows[5 * i + c];
                }
            }
            pv = new Watershed.PlateauVoxels(cols[0], cols[1], cols[2], cols[3], cols[4]);
        }
        float[][] lower = new float[3][];
        for (int a = 0; a < 3; a++) {
            Hdf5Files.Table plane = t.get("faces/lower_affinity_" + "zyx".charAt(a));
            lower[a] = plane == null ? null : plane.floats();
        }
        int[][] planes = null;
        if (hasPlanes) {
            planes = new int[6][];
            for (int d = 0; d < 6; d++) {
                planes[d] = inner[d] ? t.get(WatershedCommand.facePlaneName(d)).ints() : null;
            }
        }
        return new ChunkData(m, new FaceStitcher.ChunkSegments(m.chunk(), count, sizes, frozen, regionGraph(m, t), crossings, pv, lower), planes);
    }

    private static RegionGraph.Edges regionGraph(ChunkFile.Meta m, Map<String, Hdf5Files.Table> t) {
        if (!t.containsKey("region_graph/ids")) {
            return RegionGraph.Edges.NONE;
        }
        for (String name : List.of("region_graph/key", "region_graph/sum", "region_graph/count")) {
            if (!t.containsKey(name)) {
                throw BasinException.badInput(m.path() + ": no " + name + " (a watershed chunk of an older basin version); rerun basin watershed");
            }
        }
        long[] ids = t.get("region_graph/ids").longs();
        float[] w = t.get("region_graph/affinity").floats();
        long[] key = t.get("region_graph/key").longs();
        int[] a = new int[w.length];
        int[] b = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            a[i] = (int) ids[2 * i];
            b[i] = (int) ids[2 * i + 1];
        }
        long[] sum = t.get("region_graph/sum").longs();
        long[] count = t.get("region_graph/count").longs();
        if (key.length != w.length || sum.length != w.length || count.length != w.length || ids.length != 2 * w.length) {
            throw BasinException.badInput(m.path() + ": region_graph tables of different lengths (ids " + ids.length / 2 + ", affinity "
                    + w.length + ", key " + key.length + ", sum " + sum.length + ", count " + count.length + ")");
        }
        return new RegionGraph.Edges(a, b, w, key, sum, count);
    }
}
