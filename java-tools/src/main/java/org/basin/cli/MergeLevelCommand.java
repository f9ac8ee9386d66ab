package org.basin.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.ArrayFile;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkFile;
import org.basin.io.TaskTable;
import org.basin.stitch.HierarchicalMerge;
import org.basin.stitch.MergeArrays;
import org.basin.stitch.MergeTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "merge-level", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"One task of the merge step as a tree of tasks: the block at --position on --level settles what no longer",
            "depends on anything outside it (basins and plateaus across its inner faces, the size-dependent linkage, the",
            "spanning tree) from its children and writes what is left to its task file. Level 1 reads the block's",
            "watershed chunk files, level L > 1 the task files of level L-1. The top task holds the volume; then",
            "basin merge-finish writes the id tables, the tree and the region graph. Same result as basin stitch."})
final class MergeLevelCommand extends ToolCommand {
    @Parameters(arity = "0..*", description = "Level 1: the block's watershed chunk files (or folders); level > 1: its children's task files.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--list", description = "Level 1: a table (.tsv, columns name and path) of folders of watershed chunk files.")
    Path list;

    @Option(names = "--level", required = true, description = "The level, 1 .. (1: blocks of chunks).")
    int level;

    @Option(names = "--position", required = true, description = "The block's position x,y,z on its level's grid.")
    void position(String v) {
        position = Triplet.ints(v);
    }

    int[] position;

    @Option(names = "--fan-in", defaultValue = "2,2,2", description = {"Blocks of the level below per block, x,y,z (default ${DEFAULT-VALUE});",
        "need not divide the grid; 1 leaves an axis to the top task."})
    void fanIn(String v) {
        fanIn = Triplet.positiveInts(v);
    }

    int[] fanIn;

    @Option(names = "--first-fan-in", description = {"Level 1 only: chunks per level-1 block, x,y,z (default: --fan-in); every task",
        "of a tree needs the same."})
    void firstFanIn(String v) {
        firstFanIn = Triplet.positiveInts(v);
    }

    int[] firstFanIn;

    @Option(names = "--digest-output", description = "A table of the task file's name and the digest of its contents (the pipeline keys on it).")
    Path digestOutput;

    @Option(names = "--output", required = true, description = "The task file (.h5) to write.")
    Path output;

    @Option(names = "--keep-region-graph", description = "Carry the region graph's sums and counts up (basin merge-finish --region-graph needs it).")
    boolean keepRegionGraph;

    @Mixin
    WatershedOptions thresholds;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    static final String KIND = MergeTaskFile.KIND;

    @Override
    protected int execute() {
        if (level < 1) {
            throw BasinException.badArguments("--level must be at least 1, got " + level);
        }
        AtomicFiles.checkWritable(output, overwrite);
        int[] firstFan = firstFanIn != null ? firstFanIn : fanIn;
        MergeTaskFile file = new MergeTaskFile();
        int[] grid;
        int[] volume;
        long inputBytes = 0;
        HierarchicalMerge.Plan plan;
        if (level == 1) {
            Map<Path, String> groupOf = new HashMap<>();
            List<Path> given = new ArrayList<>(inputs);
            if (list != null) {
                TaskTable rows = TaskTable.read(list, "name", "path");
                for (int i = 0; i < rows.column("name").size(); i++) {
                    Path folder = Path.of(rows.column("path").get(i));
                    given.add(folder);
                    for (Path f : expandChunkFiles(List.of(folder))) {
                        groupOf.put(f, rows.column("name").get(i));
                    }
                }
            }
            List<Path> files = expandChunkFiles(given);
            if (files.isEmpty()) {
                throw BasinException.badArguments("level 1 needs the block's watershed chunk files (files, folders or --list)");
            }
            List<StitchCommand.ChunkData> chunks = new ArrayList<>();
            for (Path f : files) {
                StitchCommand.ChunkData c = StitchCommand.read(f);
                checkSettings(c.meta());
                chunks.add(c);
                inputBytes += f.toFile().length();
            }
            chunks.sort((x, y) -> ChunkFile.BY_POSITION.compare(x.meta(), y.meta()));
            ChunkFile.Meta first = chunks.get(0).meta();
            grid = first.gridShape();
            volume = first.volumeShape();
            plan = HierarchicalMerge.plan(grid, firstFan, fanIn);
            checkBlock(plan);
            List<int[]> expected = plan.children(1, position);
            List<int[]> got = new ArrayList<>();
            for (StitchCommand.ChunkData c : chunks) {
                if (!Arrays.equals(c.meta().gridShape(), grid) || !Arrays.equals(c.meta().volumeShape(), volume)) {
                    throw BasinException.badInput(c.meta().path() + ": chunk of another grid or volume than " + first.path());
                }
                got.add(c.meta().chunk().position());
            }
            checkChildren(expected, got, "chunks");
            for (StitchCommand.ChunkData c : chunks) {
                if (c.planes() == null) {
                    throw BasinException.badInput(c.meta().path() + ": no face planes (a watershed chunk of an older basin version); rerun basin watershed");
                }
                MergeTask.Output o = MergeTaskFile.firstTask(plan, c.meta().chunk().position(), c.segments(), c.planes(), volume, thresholds,
                        keepRegionGraph, c.meta().path().toString());
                Path f = c.meta().path();
                file.chunk(c.meta().name(), c.meta().chunk().position(), o, groupOf.getOrDefault(f, f.toAbsolutePath().getParent().getFileName().toString()));
            }
        } else {
            if (inputs.isEmpty()) {
                throw BasinException.badArguments("level " + level + " needs its children's task files (of level " + (level - 1) + ")");
            }
            grid = null;
            volume = null;
            List<int[]> got = new ArrayList<>();
            for (Path f : expandChunkFiles(inputs)) {
                ArrayFile.Contents c = ArrayFile.read(f, name -> name.startsWith("state/"));
                Map<String, Object> a = c.attributes();
                if (!KIND.equals(a.get("kind"))) {
                    throw BasinException.badInput(f + ": not a basin merge task file");
                }
                checkSetting(f, a);
                if (grid == null) {
                    grid = ints(a, "chunk_grid", f);
                    volume = ints(a, "volume_shape", f);
                } else if (!Arrays.equals(grid, ints(a, "chunk_grid", f)) || !Arrays.equals(volume, ints(a, "volume_shape", f))) {
                    throw BasinException.badInput(f + ": a task of another chunk grid or volume than " + inputs.get(0));
                }
                if (!Arrays.equals(ints(a, "fan_in", f), fanIn)) {
                    throw BasinException.badInput(f + ": written with fan-in " + Triplet.xyz(ints(a, "fan_in", f)) + ", this task has " + Triplet.xyz(fanIn));
                }
                int[] written = MergeTaskFile.plan(a, f).first();
                if (!Arrays.equals(written, firstFan)) {
                    throw BasinException.badInput(f + ": written with level-1 fan-in " + Triplet.xyz(written) + ", this task has "
                            + Triplet.xyz(firstFan) + " (--first-fan-in)");
                }
                if (number(a, "level", f) != level - 1) {
                    throw BasinException.badInput(f + ": a task of level " + number(a, "level", f) + ", not " + (level - 1));
                }
                if ((number(a, "region_graph", f) != 0) != keepRegionGraph) {
                    throw BasinException.badInput(f + ": written " + (keepRegionGraph ? "without" : "with") + " --keep-region-graph; give every level the same");
                }
                got.add(ints(a, "position", f));
                file.child(MergeArrays.state(c.arrays()));
                inputBytes += f.toFile().length();
            }
            plan = HierarchicalMerge.plan(grid, firstFan, fanIn);
            checkBlock(plan);
            checkChildren(plan.children(level, position), got, "task files");
        }
        MergeTask.Output o = file.finish(output, plan, level, position, volume, thresholds, keepRegionGraph,
                "the inputs of merge task " + Triplet.xyz(position) + " on level " + level);
        boolean top = level == plan.levels() - 1;
        if (digestOutput != null) {
            TaskTable d = new TaskTable("name", "digest");
            d.add(output.getFileName().toString(), MergeTaskFile.digest(output));
            d.write(digestOutput);
        }
        log("level %d task %s: %d children (%d bytes read) -> %d final segments, %d open (%d handed-up bytes: %d edges, %d candidates, %d decided)%s",
                level, Triplet.xyz(position), file.children().size(), inputBytes, o.finalCount(), o.state().openCount(), o.state().bytes(),
                o.state().graph().size(), o.state().candidates().size(), o.state().decided().size(), top ? "; the top task" : "");
        return 0;
    }

    private void checkBlock(HierarchicalMerge.Plan plan) {
        if (level >= plan.levels()) {
            throw BasinException.badArguments("--level " + level + ": the grid of " + Triplet.xyz(plan.grids().get(0)) + " chunks with fan-in "
                    + Triplet.xyz(fanIn) + " has levels 1.." + (plan.levels() - 1));
        }
        int[] g = plan.grids().get(level);
        for (int a = 0; a < 3; a++) {
            if (position[a] < 0 || position[a] >= g[a]) {
                throw BasinException.badArguments("--position " + Triplet.xyz(position) + " outside level " + level + "'s grid of " + Triplet.xyz(g));
            }
        }
    }

    private void checkChildren(List<int[]> expected, List<int[]> got, String what) {
        List<String> want = new ArrayList<>();
        for (int[] p : expected) {
            want.add(Triplet.xyz(p));
        }
        List<String> have = new ArrayList<>();
        for (int[] p : got) {
            have.add(Triplet.xyz(p));
        }
        List<String> sortedHave = new ArrayList<>(have);
        java.util.Collections.sort(sortedHave);
        List<String> sortedWant = new ArrayList<>(want);
        java.util.Collections.sort(sortedWant);
        if (!sortedHave.equals(sortedWant)) {
            throw BasinException.badInput("merge task " + Triplet.xyz(position) + " on level " + level + " needs the " + what + " at " + want
                    + " (x,y,z), got " + have);
        }
    }

    private void checkSettings(ChunkFile.Meta m) {
        Object s = m.attributes().get("watershed");
        if (s != null && !String.valueOf(s).equals(thresholds.describe())) {
            throw BasinException.badInput(m.path() + ": the chunks were made with watershed settings " + s + ", merge-level was given "
                    + thresholds.describe() + "; give it the watershed's --t-high, --t-low, --t-merge, --t-size, --t-dust, --size-rule and --voxel-size");
        }
    }

    private void checkSetting(Path f, Map<String, Object> a) {
        if (!thresholds.describe().equals(String.valueOf(a.get("watershed")))) {
            throw BasinException.badInput(f + ": a task of watershed settings " + a.get("watershed") + ", this one has " + thresholds.describe());
        }
    }

    static int[] ints(Map<String, Object> a, String key, Path f) {
        Object v = a.get(key);
        if (v instanceof int[] i && i.length == 3) {
            return i;
        }
        if (v instanceof long[] l && l.length == 3) {
            return new int[] {(int) l[0], (int) l[1], (int) l[2]};
        }
        throw BasinException.badInput(f + ": attribute '" + key + "' missing or not 3 integers");
    }

    static long number(Map<String, Object> a, String key, Path f) {
        if (a.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw BasinException.badInput(f + ": attribute '" + key + "' missing or not a number");
    }
}
