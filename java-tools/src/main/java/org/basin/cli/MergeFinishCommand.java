package org.basin.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.basin.error.BasinException;
import org.basin.graph.RegionGraph;
import org.basin.io.ArrayFile;
import org.basin.io.AtomicFiles;
import org.basin.io.ByteCodec;
import org.basin.io.Digest;
import org.basin.io.Hdf5Files;
import org.basin.io.TaskTable;
import org.basin.stitch.HierarchicalMerge;
import org.basin.stitch.MergeArrays;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "merge-finish", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"After every basin merge-level task: numbers the final segments task by task and writes, per folder of",
            "watershed chunk files, NAME.ids.h5 (per chunk a dataset chunk_X_Y_Z, entry v the final id of local id v, as basin",
            "stitch --id-tables), and the spanning tree and region graph (as stitch --tree / --region-graph). Reads the task",
            "files' attributes, then each file's records (where each task's ids went; not the states) once, top-down: it holds",
            "one branch of the tree at a time besides the tree and region graph it writes."})
final class MergeFinishCommand extends ToolCommand {
    @Parameters(arity = "0..*", description = "Every task file of every level (files or folders).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--list", description = "A table (.tsv, a column path) of task files, besides any given as arguments.")
    Path list;

    @Option(names = "--id-tables", required = true, description = "Folder for the id tables (one NAME.ids.h5 per folder of watershed chunk files).")
    Path idTables;

    @Option(names = "--digest-output", description = "A table of each id-table file's name and the digest of its contents.")
    Path digestOutput;

    @Option(names = "--tree", description = "Also write the final segments' maximum spanning tree to this HDF5 file (as basin stitch --tree).")
    Path tree;

    @Option(names = "--region-graph", description = "Also write the region graph between final segments (as basin stitch --region-graph; the tasks need --keep-region-graph).")
    Path regionGraph;

    @Option(names = "--overwrite", description = "Replace existing outputs.")
    boolean overwrite;

    @Override
    protected int execute() {
        List<Path> given = new ArrayList<>(inputs);
        if (list != null) {
            for (String p : TaskTable.read(list, "path").column("path")) {
                given.add(Path.of(p));
            }
        }
        if (given.isEmpty()) {
            throw BasinException.badArguments("give the task files of every level (arguments or --list)");
        }
        List<Path> files = expandChunkFiles(given);
        // first pass, attributes only: the plan, where each task's record is, and every task's open and final counts
        HierarchicalMerge.Plan plan = null;
        int[] volume = null;
        boolean keep = false;
        Map<Integer, Path> fileOf = new TreeMap<>();
        Map<Integer, String> prefixOf = new TreeMap<>();
        Map<Integer, Integer> openOf = new TreeMap<>();
        Map<Integer, Integer> finalOf = new TreeMap<>();
        Map<Integer, String> nameOf = new TreeMap<>();
        Map<String, String> groupOfChunk = new LinkedHashMap<>();
        for (Path f : files) {
            Map<String, Object> a = Hdf5Files.readAttributes(f);
            if (!MergeLevelCommand.KIND.equals(a.get("kind"))) {
                throw BasinException.badInput(f + ": not a basin merge task file");
            }
            HierarchicalMerge.Plan own = MergeTaskFile.plan(a, f);
            if (plan == null) {
                plan = own;
                volume = MergeLevelCommand.ints(a, "volume_shape", f);
                keep = MergeLevelCommand.number(a, "region_graph", f) != 0;
            } else if (!MergeTaskFile.samePlan(plan, own)) {
                throw BasinException.badInput(f + ": a task of another chunk grid or fan-in than " + files.get(0));
            }
            for (String r : String.valueOf(a.get("records")).split(",")) {
                String[] p = r.split(":");
                if (p.length != 5) {
                    throw BasinException.badInput(f + ": record '" + r + "' is not name:level:z.y.x:open:final (a task file of an older basin version); rerun the merge");
                }
                String[] zyx = p[2].split("\\.");
                int level = Integer.parseInt(p[1]);
                int[] pos = {Integer.parseInt(zyx[0]), Integer.parseInt(zyx[1]), Integer.parseInt(zyx[2])};
                int task = plan.taskIndex(level, pos);
                if (fileOf.containsKey(task)) {
                    throw BasinException.badInput(f + ": task " + Triplet.xyz(pos) + " of level " + level + " given twice (also in " + fileOf.get(task) + ")");
                }
                fileOf.put(task, f);
                prefixOf.put(task, p[0]);
                openOf.put(task, Integer.parseInt(p[3]));
                finalOf.put(task, Integer.parseInt(p[4]));
                if (level == 0) {
                    nameOf.put(task, p[0].substring(0, p[0].length() - 1));
                }
            }
            String groups = a.get("chunk_groups") instanceof String g ? g : "";
            for (String g : groups.isEmpty() ? new String[0] : groups.split("\n")) {
                String[] kv = g.split("=", 2);
                groupOfChunk.put(kv[0], kv[1]);
            }
        }
        if (plan == null || fileOf.size() != plan.totalTasks()) {
            throw BasinException.badInput("got the records of " + fileOf.size() + " merge tasks, the tree of " + (plan == null ? 0 : plan.totalTasks())
                    + " needs all: run every level of basin merge-level first");
        }
        if (regionGraph != null && !keep) {
            throw BasinException.badArguments("--region-graph: the tasks were run without --keep-region-graph");
        }
        int tasks = plan.totalTasks();
        // the records as far as the attributes give them; each one's resolution, tree and graph come in the walk
        HierarchicalMerge.TaskRecord[] edges = new HierarchicalMerge.TaskRecord[tasks];
        int[] open = new int[tasks];
        for (int t = 0; t < tasks; t++) {
            open[t] = openOf.get(t);
            edges[t] = new HierarchicalMerge.TaskRecord(t, null, finalOf.get(t), open[t], null, null);
        }
        long[] offset;
        try {
            offset = HierarchicalMerge.offsets(edges);
        } catch (IllegalStateException e) {
            throw BasinException.badInput(e.getMessage());
        }
        int count = (int) offset[tasks];
        if (tree != null) {
            AtomicFiles.checkWritable(tree, overwrite);
        }
        if (regionGraph != null) {
            AtomicFiles.checkWritable(regionGraph, overwrite);
        }
        Map<String, Integer> chunksLeft = new TreeMap<>();
        for (int t = 0; t < plan.tasks(0); t++) {
            String g = groupOfChunk.get(nameOf.get(t));
            chunksLeft.merge(g, 1, Integer::sum);
            AtomicFiles.checkWritable(idTables.resolve(g + ".ids.h5"), overwrite);
        }
        // second pass, top-down: each file's records read when the walk reaches its task (a level-1 file holds its
        // chunks' too, which the walk takes next), each group's id tables written once its last chunk is done; what is
        // held is one branch of the tree, the tables of groups not yet written, and the tree and region-graph edges
        // (the outputs: one entry per final segment or pair of them, not per chunk label)
        Map<String, Object>[] loaded = loadedArrays();
        Path[] loadedFrom = new Path[1];
        Map<String, TreeMap<Integer, long[]>> pending = new TreeMap<>();
        Map<String, String> digestOf = new TreeMap<>();
        int[] shape = volume;
        HierarchicalMerge.idTables(plan, offset, open, t -> {
            Path f = fileOf.get(t);
            if (!f.equals(loadedFrom[0])) {
                loaded[0] = ArrayFile.read(f, name -> !name.startsWith("state/")).arrays();
                loadedFrom[0] = f;
            }
            String prefix = prefixOf.get(t);
            edges[t] = new HierarchicalMerge.TaskRecord(t, null, finalOf.get(t), open[t], MergeArrays.tree(loaded[0], prefix), MergeArrays.graph(loaded[0], prefix));
            return MergeArrays.resolution(loaded[0], prefix);
        }, (t, table) -> {
            String g = groupOfChunk.get(nameOf.get(t));
            pending.computeIfAbsent(g, k -> new TreeMap<>()).put(t, table);
            if (chunksLeft.merge(g, -1, Integer::sum) == 0) {
                digestOf.put(g, writeGroup(g, pending.remove(g), nameOf, count, shape));
            }
        });
        if (!pending.isEmpty()) {
            throw new IllegalStateException("id tables of " + pending.keySet() + " not finished");
        }
        if (digestOutput != null) {
            TaskTable digests = new TaskTable("name", "digest");
            digestOf.forEach(digests::add);
            digests.write(digestOutput);
        }
        RegionGraph.Edges t = HierarchicalMerge.finalTree(edges, offset);
        if (tree != null) {
            StitchCommand.writeTree(t, count, tree);
        }
        if (regionGraph != null) {
            StitchCommand.writeRegionGraph(HierarchicalMerge.finalGraph(edges, offset), count, t, regionGraph);
        }
        log("%d merge tasks over %d chunks -> %d segments; id tables in %s%s", tasks, plan.tasks(0), count, idTables,
                tree != null ? ", tree of " + t.size() + " edges in " + tree : "");
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] loadedArrays() {
        return (Map<String, Object>[]) new Map[1];
    }

    /** One folder's id tables (chunks in grid order), as basin stitch --id-tables writes them; returns their digest. */
    private String writeGroup(String group, TreeMap<Integer, long[]> tables, Map<Integer, String> nameOf, int count, int[] volume) {
        List<Hdf5Files.Entry> entries = new ArrayList<>();
        Digest d = new Digest();
        tables.forEach((t, table) -> {
            entries.add(Hdf5Files.Entry.table(nameOf.get(t), DType.UINT64, new int[] {table.length}, table));
            d.update(nameOf.get(t)).update(ByteCodec.encode(table, DType.UINT64));
        });
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("segments", count);
        attrs.put("volume_shape", volume);
        attrs.put("description", "per chunk: entry v is the final segment id of the chunk's local id v (0 = background)");
        Hdf5Files.write(idTables.resolve(group + ".ids.h5"), attrs, entries, false);
        return d.hex();
    }
}
