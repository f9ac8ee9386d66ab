package org.basin.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.basin.chunk.Chunk;
import org.basin.chunk.ChunkGrid;
import org.basin.chunk.GridBlock;
import org.basin.error.BasinException;
import org.basin.io.Json;
import org.basin.io.TaskTable;
import org.basin.stitch.HierarchicalMerge;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.io.ZarrArray;
import org.basin.io.ZarrV3Array;
import org.basin.omni.RegionGrid;
import org.basin.volume.Box;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Read a volume's header and list the pipeline's tasks: boxes only, no voxels read or copied.",
            "Writes into --out-dir: plan.json (volume, grids, store chunks) and one table per stage, a row per task:",
            "fingerprint.tsv and infer.tsv (inference chunks), watershed.tsv (blocks of watershed chunks, each also the",
            "merge tree's level-1 task of its block), merge.tsv (the merge tree's tasks above level 1), omni.tsv (regions)."})
final class PlanCommand extends ToolCommand {
    @Option(names = "--input", required = true, description = "The raw volume (HDF5, Zarr, TIFF).")
    Path input;

    @Option(names = "--dataset", description = "Dataset inside an HDF5 file or Zarr group.")
    String dataset;

    @Option(names = "--scale", description = "Level of a multiscale input (OME-Zarr, N5 s0.., precomputed scales) to read, 0 = full resolution; instead of --dataset.")
    Integer scale;

    @Option(names = "--chunk", required = true, description = "Inference chunk core x,y,z.")
    void chunk(String v) {
        this.chunk = Triplet.ints(v);
    }

    int[] chunk;

    @Option(names = "--halo", defaultValue = "0", description = "Inference context x,y,z on both sides of each core (default ${DEFAULT-VALUE}).")
    void halo(String v) {
        this.halo = Triplet.ints(v);
    }

    int[] halo;

    @Option(names = "--ws-chunk", required = true, description = "Watershed chunk core x,y,z (each reads a halo of 2 from the affinity store).")
    void wsChunk(String v) {
        this.wsChunk = Triplet.ints(v);
    }

    int[] wsChunk;

    @Option(names = "--ws-batch", description = "Watershed chunks per task (default: as many as hold --ws-batch-voxels).")
    Integer wsBatch;

    @Option(names = "--ws-batch-voxels", defaultValue = "16777216", description = "Core voxels per watershed task when --ws-batch is not given (default ${DEFAULT-VALUE}).")
    long wsBatchVoxels;

    @Option(names = "--infer-batch-voxels", defaultValue = "16777216", description = {"Core voxels per inference task: a block of",
        "inference chunks read and written one chunk at a time, so one JVM start and one scheduler job per block (default ${DEFAULT-VALUE})."})
    long inferBatchVoxels;

    @Option(names = "--fingerprint-voxels", defaultValue = "67108864",
            description = "Core voxels per fingerprint task, which reads its chunks' input to key inference on it (default ${DEFAULT-VALUE}).")
    long fingerprintVoxels;

    @Option(names = "--divs", defaultValue = "1", description = "Omni proofreading regions per axis x,y,z (default ${DEFAULT-VALUE}).")
    void divs(String v) {
        this.divs = Triplet.ints(v);
    }

    int[] divs;

    @Option(names = "--omni-overlap", defaultValue = "0", description = "Voxels x,y,z each region shares with its upper neighbours (default ${DEFAULT-VALUE}).")
    void omniOverlap(String v) {
        this.omniOverlap = Triplet.ints(v);
    }

    int[] omniOverlap;

    @Option(names = "--merge-fan-in", defaultValue = "2,2,2", description = {"The merge tree's fan-in above level 1 (whose blocks are the",
        "watershed tasks), x,y,z (default ${DEFAULT-VALUE})."})
    void mergeFanIn(String v) {
        mergeFanIn = Triplet.positiveInts(v);
    }

    int[] mergeFanIn;

    @Option(names = "--out-dir", required = true, description = "Folder for plan.json and the task tables.")
    Path outDir;

    @Override
    protected int execute() {
        if (wsBatch != null && wsBatch < 1) {
            throw BasinException.badArguments("--ws-batch " + wsBatch + " must be at least 1");
        }
        if (wsBatchVoxels < 1 || fingerprintVoxels < 1 || inferBatchVoxels < 1) {
            throw BasinException.badArguments("--ws-batch-voxels, --infer-batch-voxels and --fingerprint-voxels must be at least 1");
        }
        for (int a = 0; a < 3; a++) {
            if (wsChunk[a] < 3) {
                throw BasinException.badArguments("--ws-chunk " + Triplet.xyz(wsChunk) + " must be at least 3 on every axis (the watershed reads a halo of 2)");
            }
        }
        VolumeInfo info;
        try (VolumeReader r = Volumes.open(input, Volumes.dataset(input, dataset, scale))) {
            info = r.info();
            // an input without a chunk file reads as nothing but its fill value: the run would "succeed" with nothing
            if (r instanceof ZarrArray z && !z.hasAnyChunk()) {
                throw BasinException.badInput(info.where() + ": no chunk file (chunk keys like 0" + z.separator() + "0" + z.separator()
                        + "0): every voxel would read as the fill value; check the path and dimension_separator");
            }
            if (r instanceof ZarrV3Array z && !z.hasAnyChunk()) {
                throw BasinException.badInput(info.where() + ": no chunk file (chunk keys like " + z.firstKey()
                        + "): every voxel would read as the fill value; check the path and chunk_key_encoding");
            }
        }
        int[] shape = info.shape();
        ChunkGrid infer = ChunkGrid.withHalo(shape, chunk, halo);
        ChunkGrid ws = ChunkGrid.withHalo(shape, wsChunk, new int[] {2, 2, 2});
        int perWs = wsBatch != null ? wsBatch : (int) Math.max(1, Math.min(Integer.MAX_VALUE, wsBatchVoxels / voxels(wsChunk)));
        int perPrint = (int) Math.max(1, Math.min(Integer.MAX_VALUE, fingerprintVoxels / voxels(chunk)));

        int perInfer = (int) Math.max(1, Math.min(Integer.MAX_VALUE, inferBatchVoxels / voxels(chunk)));
        // each inference task names its chunks: the pipeline keys it on their input digests
        TaskTable inferTasks = new TaskTable("name", "block", "chunks");
        for (GridBlock b : GridBlock.tile(infer.gridShape(), chunk, perInfer)) {
            inferTasks.add(b.name(), b.xyz(), String.join(",", b.positions().stream().map(p -> infer.chunk(p).name()).toList()));
        }
        TaskTable printTasks = blocks(GridBlock.tile(infer.gridShape(), chunk, perPrint));
        List<GridBlock> wsBlocks = GridBlock.tile(ws.gridShape(), wsChunk, perWs);
        // what each later task reads, named by the tasks that wrote it: the pipeline keys a task on their digests
        // the merge tree: level 1's blocks are the watershed tasks (each settles its own in the same process)
        int[] first = new int[3];
        for (int a = 0; a < 3; a++) {
            first[a] = wsBlocks.get(0).last()[a] - wsBlocks.get(0).first()[a] + 1;
        }
        HierarchicalMerge.Plan tree = HierarchicalMerge.plan(ws.gridShape(), first, mergeFanIn);
        TaskTable wsTasks = new TaskTable("name", "block", "infer_chunks", "merge_position", "merge_parent", "merge_siblings");
        Map<String, String> blockOfChunk = new HashMap<>();
        for (GridBlock b : wsBlocks) {
            int[] pos = new int[3];
            for (int a = 0; a < 3; a++) {
                pos[a] = b.first()[a] / first[a];
            }
            String[] up = parentOf(tree, 1, pos);
            wsTasks.add(b.name(), b.xyz(), String.join(",", chunksUnder(infer, b.padded(ws))), Triplet.xyz(pos), up[0], up[1]);
            for (int[] p : b.positions()) {
                blockOfChunk.put(ws.chunk(p).name(), b.name());
            }
        }
        TaskTable omniTasks = new TaskTable("name", "position", "ws_blocks", "infer_chunks");
        for (Chunk region : RegionGrid.regions(shape, divs, omniOverlap)) {
            int[] p = region.position();
            Set<String> blocks = new TreeSet<>();
            for (String c : chunksUnder(ws, region.padded())) {
                blocks.add(blockOfChunk.get(c));
            }
            omniTasks.add("region_" + p[2] + "_" + p[1] + "_" + p[0], p[2] + "," + p[1] + "," + p[0], String.join(",", blocks),
                    String.join(",", chunksUnder(infer, region.padded())));
        }
        TaskTable mergeTasks = new TaskTable("name", "level", "position", "parent", "siblings", "children");
        for (int level = 2; level < tree.levels(); level++) {
            for (int[] pos : tree.positions(level)) {
                String[] up = parentOf(tree, level, pos);
                mergeTasks.add(mergeTaskName(level, pos), Integer.toString(level), Triplet.xyz(pos), up[0], up[1],
                        Integer.toString(tree.children(level, pos).size()));
            }
        }
        printTasks.write(outDir.resolve("fingerprint.tsv"));
        mergeTasks.write(outDir.resolve("merge.tsv"));
        inferTasks.write(outDir.resolve("infer.tsv"));
        wsTasks.write(outDir.resolve("watershed.tsv"));
        omniTasks.write(outDir.resolve("omni.tsv"));

        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("basin_version", Version.get());
        plan.put("input", info.where());
        plan.put("dtype", info.dtype().label());
        plan.put("volume_shape_xyz", Triplet.xyz(shape));
        plan.put("voxels", info.voxels());
        plan.put("infer_chunk_xyz", Triplet.xyz(chunk));
        plan.put("infer_halo_xyz", Triplet.xyz(halo));
        plan.put("infer_grid_xyz", Triplet.xyz(infer.gridShape()));
        plan.put("infer_chunks_per_task", perInfer);
        plan.put("infer_tasks", inferTasks.size());
        plan.put("affinity_store_chunk_xyz", Triplet.xyz(ChunkGrid.storeChunk(chunk)));
        // with --store-format zarr3 a shard is one task's core, so each shard has one writer
        plan.put("affinity_store_shard_xyz", Triplet.xyz(chunk));
        plan.put("fingerprint_tasks", printTasks.size());
        plan.put("ws_chunk_xyz", Triplet.xyz(wsChunk));
        plan.put("ws_grid_xyz", Triplet.xyz(ws.gridShape()));
        plan.put("ws_chunks_per_task", perWs);
        plan.put("ws_tasks", wsTasks.size());
        plan.put("segmentation_store_chunk_xyz", Triplet.xyz(ChunkGrid.storeChunk(wsChunk)));
        plan.put("segmentation_store_shard_xyz", Triplet.xyz(wsChunk));
        plan.put("merge_first_fan_in_xyz", Triplet.xyz(first));
        plan.put("merge_fan_in_xyz", Triplet.xyz(mergeFanIn));
        plan.put("merge_top_level", tree.levels() - 1);
        plan.put("merge_tasks", mergeTasks.size());
        plan.put("omni_regions", omniTasks.size());
        Json.write(outDir.resolve("plan.json"), plan);
        log("%s %s (x,y,z): %d inference tasks of up to %d chunks of %s, %d watershed tasks of up to %d chunks of %s, %d Omni regions", info.where(),
                Triplet.xyz(shape), inferTasks.size(), perInfer, Triplet.xyz(chunk), wsTasks.size(), perWs, Triplet.xyz(wsChunk), omniTasks.size());
        return 0;
    }

    /** The name of a merge task above level 1, as its task file is named. */
    private static String mergeTaskName(int level, int[] pos) {
        return "merge_L" + level + "_" + pos[2] + "_" + pos[1] + "_" + pos[0];
    }

    /** The parent task's name and its number of children, or "-" and 0 for the top task. */
    private static String[] parentOf(HierarchicalMerge.Plan tree, int level, int[] pos) {
        if (level == tree.levels() - 1) {
            return new String[] {"-", "0"};
        }
        int[] up = tree.parent(level, pos);
        return new String[] {mergeTaskName(level + 1, up), Integer.toString(tree.children(level + 1, up).size())};
    }

    private static List<String> chunksUnder(ChunkGrid grid, Box box) {
        return grid.chunksMeeting(box).stream().map(Chunk::name).toList();
    }

    private static long voxels(int[] c) {
        return (long) c[0] * c[1] * c[2];
    }

    private static TaskTable blocks(List<GridBlock> blocks) {
        TaskTable t = new TaskTable("name", "block");
        for (GridBlock b : blocks) {
            t.add(b.name(), b.xyz());
        }
        return t;
    }
}
