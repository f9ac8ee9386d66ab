package org.basin.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.basin.error.BasinException;
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
            "stitch --id-tables), and the spanning tree and region graph (as stitch --tree / --region-graph). Reads only the",
            "task files' records (where each task's ids went), not their states."})
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
        HierarchicalMerge.Plan plan = null;
        int[] volume = null;
        boolean keep = false;
        Map<Integer, Map<String, Object>> arraysOf = new TreeMap<>();
        Map<Integer, String> prefixOf = new TreeMap<>();
        Map<Integer, Integer> openOf = new TreeMap<>();
        Map<Integer, String> nameOf = new TreeMap<>();
        Map<Integer, int[]> levelPos = new TreeMap<>();
        Map<String, String> groupOfChunk = new LinkedHashMap<>();
        for (Path f : files) {
            ArrayFile.Contents c = ArrayFile.read(f, name -> !name.startsWith("state/"));
            Map<String, Object> a = c.attributes();
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
                String[] xyz = p[2].split("\\.");
                int level = Integer.parseInt(p[1]);
                int[] pos = {Integer.parseInt(xyz[0]), Integer.parseInt(xyz[1]), Integer.parseInt(xyz[2])};
                int task = plan.taskIndex(level, pos);
                if (arraysOf.containsKey(task)) {
                    throw BasinException.badInput(f + ": task " + Triplet.xyz(pos) + " of level " + level + " given twice");
                }
                arraysOf.put(task, c.arrays());
                prefixOf.put(task, p[0]);
                openOf.put(task, Integer.parseInt(p[3]));
                levelPos.put(task, new int[] {level, pos[0], pos[1], pos[2]});
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
        if (plan == null || arraysOf.size() != plan.totalTasks()) {
            throw BasinException.badInput("got the records of " + arraysOf.size() + " merge tasks, the tree of " + (plan == null ? 0 : plan.totalTasks())
                    + " needs all: run every level of basin merge-level first");
        }
        if (regionGraph != null && !keep) {
            throw BasinException.badArguments("--region-graph: the tasks were run without --keep-region-graph");
        }
        HierarchicalMerge.TaskRecord[] records = new HierarchicalMerge.TaskRecord[plan.totalTasks()];
        for (int t = 0; t < records.length; t++) {
            int[] lp = levelPos.get(t);
            int level = lp[0];
            int[] pos = {lp[1], lp[2], lp[3]};
            int parent = -1;
            int offset = 0;
            if (level < plan.levels() - 1) {
                int[] pp = plan.parent(level, pos);
                parent = plan.taskIndex(level + 1, pp);
                for (int[] sib : plan.children(level + 1, pp)) {
                    if (Arrays.equals(sib, pos)) {
                        break;
                    }
                    offset += openOf.get(plan.taskIndex(level, sib));
                }
            }
            Map<String, Object> m = arraysOf.get(t);
            String prefix = prefixOf.get(t);
            records[t] = new HierarchicalMerge.TaskRecord(t, MergeArrays.resolution(m, prefix), MergeArrays.finalCount(m, prefix), parent, offset,
                    MergeArrays.tree(m, prefix), MergeArrays.graph(m, prefix));
        }
        if (tree != null) {
            AtomicFiles.checkWritable(tree, overwrite);
        }
        if (regionGraph != null) {
            AtomicFiles.checkWritable(regionGraph, overwrite);
        }
        HierarchicalMerge.Result r = HierarchicalMerge.finish(records, plan.tasks(0), regionGraph != null, List.of());
        // id tables, one file per folder of chunk files, as basin stitch --id-tables writes them
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int t = 0; t < plan.tasks(0); t++) {
            groups.computeIfAbsent(groupOfChunk.get(nameOf.get(t)), k -> new ArrayList<>()).add(t);
        }
        TaskTable digests = new TaskTable("name", "digest");
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            List<Hdf5Files.Entry> entries = new ArrayList<>();
            Digest d = new Digest();
            for (int t : g.getValue()) {
                long[] table = r.idTables()[t];
                entries.add(Hdf5Files.Entry.table(nameOf.get(t), DType.UINT64, new int[] {table.length}, table));
                d.update(nameOf.get(t)).update(ByteCodec.encode(table, DType.UINT64));
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("basin_version", Version.get());
            attrs.put("segments", r.count());
            attrs.put("volume_shape", volume);
            attrs.put("description", "per chunk: entry v is the final segment id of the chunk's local id v (0 = background)");
            Path target = idTables.resolve(g.getKey() + ".ids.h5");
            AtomicFiles.checkWritable(target, overwrite);
            Hdf5Files.write(target, attrs, entries, false);
            digests.add(g.getKey(), d.hex());
        }
        if (digestOutput != null) {
            digests.write(digestOutput);
        }
        if (tree != null) {
            StitchCommand.writeTree(r.tree(), r.count(), tree);
        }
        if (regionGraph != null) {
            StitchCommand.writeRegionGraph(r.regionGraph(), r.count(), r.tree(), regionGraph);
        }
        log("%d merge tasks over %d chunks -> %d segments; id tables in %s%s", records.length, plan.tasks(0), r.count(), idTables,
                tree != null ? ", tree of " + r.tree().size() + " edges in " + tree : "");
        return 0;
    }
}
