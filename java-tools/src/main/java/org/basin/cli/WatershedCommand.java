package org.basin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.chunk.ChunkGrid;
import org.basin.error.BasinException;
import org.basin.graph.RegionGraph;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkFile;
import org.basin.io.Digest;
import org.basin.io.TaskTable;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.io.Hdf5Files;
import org.basin.stitch.FaceStitcher;
import org.basin.stitch.HierarchicalMerge;
import org.basin.stitch.MergeTask;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "watershed", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Affinity-graph watershed of chunks (Zlateski & Seung 2015): steepest ascent, plateaus, basins,",
            "region graph, size-dependent single linkage, dust removal. Writes each chunk's labels (uint32, 1..N),",
            "segment sizes, region graph (pairs of ids with their maximum affinity) and what the merge step settles.",
            "Several chunks in one call share one JVM start: --input a.h5 --input b.h5 --out-dir DIR."})
final class WatershedCommand extends ToolCommand {
    @Option(names = "--input", arity = "1..*",
            description = "Affinity chunk file(s) (or any (3, z, y, x) volume); several need --out-dir.")
    List<Path> inputs;

    @Option(names = "--affinities", description = {"Read the chunks of --grid-block (grid --chunk, each with a halo of 2) straight from",
        "this affinity store (Zarr / OME-Zarr) instead of --input files; outputs go to --out-dir."})
    Path affinities;

    @Mixin
    GridOptions region;

    @Option(names = "--digest-output", description = "With --affinities: a table of each chunk's name and the digest of its output file.")
    Path digestOutput;

    @Option(names = "--dataset", description = "Dataset to read (default: affinities in an HDF5 file; a Zarr array or OME-Zarr group's first scale).")
    String dataset;

    @Option(names = "--output", description = "Watershed chunk file (.h5), for one input.")
    Path output;

    @Option(names = "--out-dir", description = "Folder for the watershed chunk files, one per input, named <input name>.watershed.h5.")
    Path outDir;

    @Mixin
    WatershedOptions thresholds;

    @Option(names = "--merge-output", description = {"With --affinities: also run the block's task of the merge tree (as basin merge-level",
        "--level 1 on its chunk files, from the chunks in memory) and write its task file here; the block must be",
        "one of level 1's (--merge-first-fan-in)."})
    Path mergeOutput;

    @Option(names = "--merge-first-fan-in", description = "With --merge-output: chunks per level-1 block of the merge tree, x,y,z (default: this block's shape).")
    void mergeFirstFanIn(String v) {
        mergeFirst = Triplet.positiveInts(v);
    }

    int[] mergeFirst;

    @Option(names = "--merge-fan-in", defaultValue = "2,2,2", description = "With --merge-output: the merge tree's fan-in above level 1, x,y,z (default ${DEFAULT-VALUE}).")
    void mergeFanIn(String v) {
        mergeFan = Triplet.positiveInts(v);
    }

    int[] mergeFan;

    @Option(names = "--keep-region-graph", description = "With --merge-output: carry the region graph's sums and counts up (as basin merge-level).")
    boolean keepRegionGraph;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    // Test only (the pipeline's --test_fail_chunk): fail like a broken disk before reading or writing anything.
    @Option(names = "--test-fail", hidden = true)
    boolean testFail;

    @Override
    protected int execute() {
        WatershedParams params = thresholds.params();
        if ((inputs == null) == (affinities == null)) {
            throw BasinException.badArguments("give either --input (affinity chunk files) or --affinities (a store, with --chunk and --grid-block)");
        }
        if (affinities != null) {
            if (outDir == null || output != null) {
                throw BasinException.badArguments("--affinities writes one file per chunk: give --out-dir, not --output");
            }
            if (testFail) {
                throw BasinException.io(affinities + " " + region.block.name() + ": injected failure (--test_fail_chunk, used by the resume tests)", null);
            }
            return runRegion(params);
        }
        if (mergeOutput != null) {
            throw BasinException.badArguments("--merge-output needs --affinities and --grid-block: the merge tree's level 1 is a block of chunks");
        }
        if ((output == null) == (outDir == null)) {
            throw BasinException.badArguments("give either --output (one input) or --out-dir");
        }
        if (output != null && inputs.size() > 1) {
            throw BasinException.badArguments(inputs.size() + " inputs need --out-dir, not --output");
        }
        if (testFail) {
            throw BasinException.io(inputs.get(0) + ": injected failure (--test_fail_chunk, used by the resume tests)", null);
        }
        List<Path> outputs = new ArrayList<>();
        for (Path in : inputs) {
            if (!java.nio.file.Files.exists(in)) { // every input before any output, as every output below
                throw BasinException.badArguments(in + ": no such file or folder");
            }
            Path out = output != null ? output : outDir.resolve(in.getFileName().toString().replaceFirst("\\.h5$", "") + ".watershed.h5");
            if (outputs.contains(out)) {
                throw BasinException.badArguments(in + ": a second input named " + in.getFileName() + " would overwrite " + out);
            }
            AtomicFiles.checkWritable(out, overwrite); // all checked before any is written
            outputs.add(out);
        }
        if (outDir != null) {
            try {
                java.nio.file.Files.createDirectories(outDir);
            } catch (java.io.IOException e) {
                throw BasinException.io(outDir + ": cannot create the output folder (" + e.getMessage() + ")", e);
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            run(inputs.get(i), outputs.get(i), params);
        }
        return 0;
    }

    // affinity arrays of earlier chunks by length: a batch's chunks have at most 8 padded shapes (inner, and cut
    // by the volume's edge on each axis); reading into them spares 15 MB of zeroing and page faults per 64^3 chunk
    private final Map<Integer, float[]> spare = new java.util.HashMap<>();

    /** The block's chunks, read together with their halos of 2 from the store (each store chunk decoded once). */
    private int runRegion(WatershedParams params) {
        TaskTable digests = new TaskTable("name", "digest");
        try (VolumeReader r = Volumes.open(affinities, dataset)) {
            VolumeInfo info = r.info();
            ChunkGrid grid = region.grid(info.shape(), new int[] {2, 2, 2}, info.where());
            double[] vs = info.voxelSize() != null ? info.voxelSize() : new double[] {1, 1, 1};
            if (!thresholds.scaled() && (vs[0] != vs[1] || vs[1] != vs[2])) {
                log("note: T_size and T_dust are plain voxel counts; %s says voxel size %s nm: give --voxel-size %s to count them in voxels of the "
                        + "finest axis, as the pipeline does", info.where(), Triplet.xyz(vs), Triplet.xyz(vs));
            }
            List<Chunk> chunks = new ArrayList<>();
            for (int[] p : region.block.positions()) {
                chunks.add(grid.chunk(p));
            }
            List<Path> outs = new ArrayList<>();
            for (Chunk c : chunks) {
                Path out = outDir.resolve(c.name() + ".watershed.h5");
                AtomicFiles.checkWritable(out, overwrite); // all checked before any is written
                outs.add(out);
            }
            HierarchicalMerge.Plan plan = null;
            int[] l1 = null;
            MergeTaskFile merge = null;
            if (mergeOutput != null) {
                AtomicFiles.checkWritable(mergeOutput, overwrite);
                plan = mergePlan(grid.gridShape());
                l1 = levelOnePosition(plan);
                merge = new MergeTaskFile();
            }
            String group = outDir.toAbsolutePath().getFileName().toString();
            Block all = r.read(region.block.padded(grid));
            for (int i = 0; i < chunks.size(); i++) {
                Chunk c = chunks.get(i);
                ChunkResult done = run(ChunkInput.of(all, info, c, grid.gridShape(), vs), outs.get(i), params);
                digests.add(c.name(), Digest.of(readBytes(outs.get(i))));
                if (merge != null) {
                    merge.chunk(c.name(), c.position(), MergeTaskFile.firstTask(plan, c.position(), done.segments(), done.planes(), info.shape(),
                            thresholds, keepRegionGraph, outs.get(i).toString()), group);
                }
            }
            if (merge != null) {
                MergeTask.Output o = merge.finish(mergeOutput, plan, 1, l1, info.shape(), thresholds, keepRegionGraph, "the chunks of " + region.block.name());
                digests.add("merge_task", MergeTaskFile.digest(mergeOutput));
                log("%s: merge task %s of level 1: %d final segments, %d open%s", region.block.name(), Triplet.xyz(l1), o.finalCount(), o.state().openCount(),
                        plan.levels() == 2 ? " (the top task)" : "");
            }
        }
        if (digestOutput != null) {
            digests.write(digestOutput);
        }
        return 0;
    }

    /** What the merge tree's first task of a chunk needs of its watershed. */
    private record ChunkResult(FaceStitcher.ChunkSegments segments, int[][] planes) {
    }

    private HierarchicalMerge.Plan mergePlan(int[] gridShape) {
        int[] first = mergeFirst;
        if (first == null) {
            first = new int[3];
            for (int a = 0; a < 3; a++) {
                first[a] = region.block.last()[a] - region.block.first()[a] + 1;
            }
        }
        return HierarchicalMerge.plan(gridShape, first, mergeFan);
    }

    /** The block's position on the merge tree's level 1, after checking it is one of its blocks. */
    private int[] levelOnePosition(HierarchicalMerge.Plan plan) {
        int[] pos = new int[3];
        for (int a = 0; a < 3; a++) {
            pos[a] = region.block.first()[a] / plan.step(1)[a];
        }
        List<int[]> want = plan.children(1, pos);
        List<int[]> have = region.block.positions();
        boolean same = want.size() == have.size();
        for (int i = 0; same && i < want.size(); i++) {
            same = Arrays.equals(want.get(i), have.get(i));
        }
        if (!same) {
            throw BasinException.badArguments("--grid-block " + region.block.name() + " is not a block of the merge tree's level 1 (chunks per block x,y,z "
                    + Triplet.xyz(plan.step(1)) + ", --merge-first-fan-in): the block at " + Triplet.xyz(pos) + " holds " + want.size() + " chunks");
        }
        return pos;
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw BasinException.io(p + ": cannot read back (" + e.getMessage() + ")", e);
        }
    }

    private void run(Path input, Path output, WatershedParams params) {
        run(ChunkInput.read(input, dataset, "affinities", spare::remove), output, params);
    }

    private ChunkResult run(ChunkInput in, Path output, WatershedParams params) {
        String where = in.info().where();
        ChunkFile.Meta meta = in.meta();
        Map<String, Object> inputAttributes = in.attributes();
        int[] shape = in.data().shape();
        float[] values = affinities(in);
        warnOutsideUnitRange(values, shape, where);
        boolean asRead = in.data().dtype() == DType.FLOAT32; // values is the array read, which a later chunk can reuse
        in = null; // the affinities as read can go once converted: peak memory is what limits chunk size
        org.basin.chunk.Chunk chunk = meta.chunk();
        Box core = localCore(chunk, meta.volumeShape(), where);
        long t0 = System.nanoTime();
        Watershed.Result r;
        try {
            r = Watershed.run(values, shape, core, params); // checks for NaN / infinity on the way
        } catch (BasinException e) {
            throw new BasinException(e.exitCode(), where + ": " + e.getMessage());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean large = values.length >= (16 << 20); // 64 MiB of affinities
        if (!large && asRead && affinities == null && spare.size() < 8) {
            spare.put(values.length, values); // a later chunk of this padded size reads into it (overwritten whole)
        }
        values = null;
        if (large) {
            // The affinities (12 bytes per voxel) are garbage now, but in the old generation, which the young
            // collections the writing triggers never free: without a full collection here the heap grows by the
            // writer's buffers instead (256^3: peak RSS 670 -> 554 MB, for ~20 ms; not worth it for small chunks).
            System.gc();
        }
        // chunk-local ids fit 32 bits; stitch makes them global (uint64): half the memory and file size of uint64
        int[] labels = r.labels();
        RegionGraph.Edges e = r.regionGraph();
        Watershed.PlateauVoxels pv = r.deferred();
        Map<String, Object> attrs = new LinkedHashMap<>(inputAttributes);
        attrs.put("basin_version", Version.get());
        attrs.put("segments", (long) r.count());
        attrs.put("frozen_segments", (long) r.frozenCount());
        attrs.put("region_graph_edges", (long) e.size());
        attrs.put("crossings", (long) r.crossings().length / 2);
        attrs.put("plateau_voxels", (long) pv.size());
        attrs.put("watershed", thresholds.describe());
        List<Hdf5Files.Entry> entries = new ArrayList<>();
        entries.add(Hdf5Files.Entry.of("labels", Block.wrap(DType.UINT32, 0, chunk.core(), labels)));
        entries.add(Hdf5Files.Entry.table("sizes", DType.UINT64, new int[] {r.sizes().length}, r.sizes()));
        byte[] frozen = new byte[r.frozen().length];
        for (int i = 0; i < frozen.length; i++) {
            frozen[i] = (byte) (r.frozen()[i] ? 1 : 0);
        }
        entries.add(Hdf5Files.Entry.table("frozen", DType.UINT8, new int[] {frozen.length}, frozen));
        if (e.size() > 0) {
            long[] ids = new long[2 * e.size()];
            for (int i = 0; i < e.size(); i++) {
                ids[2 * i] = e.a()[i];
                ids[2 * i + 1] = e.b()[i];
            }
            entries.add(Hdf5Files.Entry.table("region_graph/ids", DType.UINT64, new int[] {e.size(), 2}, ids));
            entries.add(Hdf5Files.Entry.table("region_graph/affinity", DType.FLOAT32, new int[] {e.size()}, e.w().clone()));
            // the voxel edge defining each (3 v + c, v over the core): stitch takes ties in this order, made global
            entries.add(Hdf5Files.Entry.table("region_graph/key", DType.INT64, new int[] {e.size()}, e.key().clone()));
            // every voxel edge between the two segments: affinity sum (fixed point, x 2^32) and count, which the merge
            // step adds exactly (integers) for mean-affinity agglomeration
            entries.add(Hdf5Files.Entry.table("region_graph/sum", DType.INT64, new int[] {e.size()}, e.sum().clone()));
            entries.add(Hdf5Files.Entry.table("region_graph/count", DType.INT64, new int[] {e.size()}, e.count().clone()));
        }
        // what the merge step settles (jhdf writes no empty datasets: the attributes above give the counts)
        if (r.crossings().length > 0) {
            entries.add(Hdf5Files.Entry.table("faces/crossings", DType.INT32, new int[] {r.crossings().length / 2, 2}, r.crossings()));
        }
        if (pv.size() > 0) {
            int[] t = new int[5 * pv.size()];
            for (int i = 0; i < pv.size(); i++) {
                t[5 * i] = pv.index()[i];
                t[5 * i + 1] = pv.plateauEdges()[i];
                t[5 * i + 2] = pv.exit()[i];
                t[5 * i + 3] = pv.label()[i];
                t[5 * i + 4] = pv.exitLabel()[i];
            }
            entries.add(Hdf5Files.Entry.table("faces/plateau_voxels", DType.INT32, new int[] {pv.size(), 5}, t));
        }
        // the labels on the inner faces: all stitch's first pass needs of them, so it reads the labels only once
        int[][] planes = FaceStitcher.facePlanes(chunk, meta.volumeShape(), labels);
        long written = 0;
        for (int d = 0; d < 6; d++) {
            if (planes[d] != null) {
                entries.add(Hdf5Files.Entry.table(facePlaneName(d), DType.UINT32, new int[] {planes[d].length}, planes[d]));
                written++;
            }
        }
        attrs.put("face_planes", written);
        for (int a = 0; a < 3; a++) {
            float[] plane = r.lowerFaceAffinity()[a];
            if (plane != null) {
                entries.add(Hdf5Files.Entry.table("faces/lower_affinity_" + "zyx".charAt(a), DType.FLOAT32, new int[] {plane.length}, plane));
            }
        }
        ChunkFile.write(output, attrs, entries, false);
        log("%s: %d segments (%d left to the merge step), %d region-graph edges, %s core voxels (x,y,z) in %.2fs (%.1f Mvoxel/s)",
                meta.name(), r.count(), r.frozenCount(), e.size(), Triplet.xyz(chunk.core().shape()), seconds, labels.length / seconds / 1e6);
        return new ChunkResult(FaceStitcher.ChunkSegments.of(chunk, r), planes);
    }

    /** The dataset holding the core labels on face d (-z, -y, -x, +z, +y, +x) of a watershed chunk file. */
    static String facePlaneName(int d) {
        return "faces/labels_" + (d < 3 ? "lower_" : "upper_") + "zyx".charAt(d % 3);
    }

    /**
     * Affinities are probabilities: values outside [0, 1] (logits, 0..255 floats) make every threshold mean something
     * else. Warned, with the count and the first one, not refused: a model may overshoot by rounding.
     */
    private void warnOutsideUnitRange(float[] values, int[] shape, String where) {
        long outside = 0;
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v < 0 || v > 1) {
                outside++;
                first = first < 0 ? i : first;
            }
        }
        if (outside > 0) {
            long plane = (long) shape[0] * shape[1] * shape[2];
            long rest = first % plane;
            log("warning: %s: %d affinities outside [0, 1], the first %s (channel %d, voxel x,y,z %d,%d,%d of the chunk as read);"
                    + " the thresholds assume probabilities", where, outside, values[first], first / plane, rest % shape[2],
                    rest / shape[2] % shape[1], rest / ((long) shape[1] * shape[2]));
        }
    }

    /** The affinities as float32 (uint8 scaled from 0..255), after checking they are (3, z, y, x). */
    private static float[] affinities(ChunkInput in) {
        Block aff = in.data();
        if (!aff.hasChannelAxis() || aff.channels() != 3) {
            throw BasinException.badInput(in.info().where() + ": affinities must be (3, z, y, x); got shape "
                    + Arrays.toString(aff.arrayShape()));
        }
        if (aff.dtype() == DType.FLOAT32) {
            return aff.floats();
        }
        if (aff.dtype() == DType.UINT8) {
            float[] values = aff.toFloats();
            for (int i = 0; i < values.length; i++) {
                values[i] /= 255f;
            }
            return values;
        }
        throw BasinException.badInput(in.info().where() + ": affinities must be float32 (or uint8 scaled 0..255); got " + aff.dtype().label());
    }

    /**
     * The core in the padded array's coordinates. Beyond every inner face the array must reach two voxels (or the
     * volume's edge): the steepest edges of the voxels next to the core decide which of the core's edges are
     * plateau edges.
     */
    static Box localCore(org.basin.chunk.Chunk chunk, int[] volume, String where) {
        Box core = chunk.core();
        Box padded = chunk.padded();
        for (int a = 0; a < 3; a++) {
            boolean shortBelow = core.min(a) > 0 && padded.min(a) > 0 && core.min(a) - padded.min(a) < 2;
            boolean shortAbove = core.max(a) < volume[a] && padded.max(a) < volume[a] && padded.max(a) - core.max(a) < 2;
            if (shortBelow || shortAbove) {
                throw BasinException.badInput(where + ": " + chunk.name() + " reaches " + (core.min(a) - padded.min(a)) + " below and "
                        + (padded.max(a) - core.max(a)) + " above its core on " + "zyx".charAt(a) + "; the watershed needs a halo of 2 on every"
                        + " inner face (basin chop --halo 2,2,2)");
            }
        }
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = core.min(a) - padded.min(a);
            hi[a] = core.max(a) - padded.min(a);
        }
        return new Box(lo, hi);
    }
}
