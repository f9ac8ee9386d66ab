package org.basin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.ArrayFile;
import org.basin.io.Digest;
import org.basin.stitch.FaceStitcher;
import org.basin.stitch.HierarchicalMerge;
import org.basin.stitch.MergeArrays;
import org.basin.stitch.MergeState;
import org.basin.stitch.MergeTask;

/**
 * One task file of the merge tree as it is put together: the records of the tasks it ran (a level-1 file also holds
 * its chunks' first tasks, and which folder of chunk files each came from) and the state it hands up. Written by
 * {@code basin merge-level} and by {@code basin watershed --merge-output}, which settles its block's level-1 task in
 * the process that made the chunks.
 */
final class MergeTaskFile {
    static final String KIND = "basin merge task";

    private final Map<String, Object> arrays = new LinkedHashMap<>();
    private final List<String> records = new ArrayList<>();
    private final StringBuilder groups = new StringBuilder();
    private final List<MergeState> children = new ArrayList<>();

    /** A chunk's first task, its record kept here and its state for the level-1 task. */
    void chunk(String name, int[] position, MergeTask.Output o, String group) {
        String prefix = name + "/";
        arrays.putAll(MergeArrays.ofRecord(prefix, o.resolution(), o.finalCount(), o.tree(), o.graph()));
        records.add(record(prefix, 0, position, o.state().openCount(), o.finalCount()));
        groups.append(groups.length() == 0 ? "" : "\n").append(name).append('=').append(group);
        children.add(o.state());
    }

    /** A child state read from a task file of the level below. */
    void child(MergeState s) {
        children.add(s);
    }

    List<MergeState> children() {
        return children;
    }

    /**
     * Runs the block's task over the children given and writes the file; returns the task's output.
     * {@code where} names the inputs in the error when they do not fit together.
     */
    MergeTask.Output finish(Path output, HierarchicalMerge.Plan plan, int level, int[] position, int[] volume, WatershedOptions thresholds,
            boolean keepRegionGraph, String where) {
        int task = plan.taskIndex(level, position);
        MergeTask.Output o;
        try {
            o = MergeTask.block(task, children, volume, thresholds.params(), keepRegionGraph);
        } catch (IllegalArgumentException e) {
            throw BasinException.badInput(where + " do not fit together (" + e.getMessage() + "): chunks of different runs? rerun the watershed of them all");
        }
        boolean top = level == plan.levels() - 1;
        arrays.putAll(MergeArrays.ofRecord("task/", o.resolution(), o.finalCount(), o.tree(), o.graph()));
        records.add(record("task/", level, position, o.state().openCount(), o.finalCount()));
        if (!top) {
            arrays.putAll(MergeArrays.ofState(o.state()));
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kind", KIND);
        attrs.put("basin_version", Version.get());
        attrs.put("level", (long) level);
        attrs.put("levels", (long) plan.levels());
        attrs.put("position", position.clone());
        attrs.put("task", (long) task);
        attrs.put("first_fan_in", plan.first().clone());
        attrs.put("fan_in", plan.fanIn().clone());
        attrs.put("chunk_grid", plan.grids().get(0).clone());
        attrs.put("volume_shape", volume.clone());
        attrs.put("watershed", thresholds.describe());
        attrs.put("region_graph", keepRegionGraph ? 1L : 0L);
        attrs.put("open_segments", (long) o.state().openCount());
        attrs.put("final_segments", (long) o.finalCount());
        attrs.put("records", String.join(",", records));
        if (groups.length() > 0) { // level 1: which folder of chunk files each chunk came from (its id table's file)
            attrs.put("chunk_groups", groups.toString());
        }
        ArrayFile.write(output, attrs, arrays);
        return o;
    }

    /** The plan a task file was written under (its level-1 fan-in defaults to the fan-in: files of before it was kept). */
    static HierarchicalMerge.Plan plan(Map<String, Object> a, Path f) {
        int[] fan = MergeLevelCommand.ints(a, "fan_in", f);
        int[] first = a.containsKey("first_fan_in") ? MergeLevelCommand.ints(a, "first_fan_in", f) : fan;
        return HierarchicalMerge.plan(MergeLevelCommand.ints(a, "chunk_grid", f), first, fan);
    }

    static boolean samePlan(HierarchicalMerge.Plan p, HierarchicalMerge.Plan q) {
        return Arrays.equals(p.first(), q.first()) && Arrays.equals(p.fanIn(), q.fanIn()) && Arrays.equals(p.grids().get(0), q.grids().get(0));
    }

    /** The digest of a written task file, as the pipeline keys the tasks after it. */
    static String digest(Path f) {
        try {
            return Digest.of(Files.readAllBytes(f));
        } catch (IOException e) {
            throw BasinException.io(f + ": cannot read back (" + e.getMessage() + ")", e);
        }
    }

    /** The first tasks of a block's chunks, as a watershed task made them (face planes as {@link FaceStitcher#facePlanes}). */
    static MergeTask.Output firstTask(HierarchicalMerge.Plan plan, int[] position, FaceStitcher.ChunkSegments s, int[][] planes, int[] volume,
            WatershedOptions thresholds, boolean keepRegionGraph, String where) {
        try {
            return MergeTask.chunk(plan.taskIndex(0, position), s, planes, volume, thresholds.params(), keepRegionGraph);
        } catch (IllegalArgumentException e) {
            throw BasinException.badInput(where + ": " + e.getMessage());
        }
    }

    /**
     * A record's name, level, position (z.y.x), open and final counts, as the task file lists them in its attributes:
     * merge-finish numbers every task's final segments from these alone before it reads any record.
     */
    private static String record(String prefix, int level, int[] pos, int open, int finals) {
        return prefix + ":" + level + ":" + pos[0] + "." + pos[1] + "." + pos[2] + ":" + open + ":" + finals;
    }
}
