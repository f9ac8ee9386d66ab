package org.basin.stitch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.basin.graph.RegionGraph;
import org.basin.watershed.WatershedParams;

/**
 * The merge step as a tree of tasks (see {@link MergeTask} for what each settles and hands up). Level 0 is the chunk
 * grid, one first task per chunk; level L groups the blocks of level L-1 by the fan-in, {@code f} per axis (level 1
 * by its own, so that its blocks can be the pipeline's watershed tasks, which settle them in the same process): the
 * block at position P holds the blocks [P f, (P + 1) f) of the level below (clipped to its grid, so a fan-in need not
 * divide it), until one block holds the volume: the top task, which finishes. An axis of fan-in 1 is not grouped;
 * when no axis is grouped any more the next level is the top. Final segment ids are numbered task by task (task
 * order: level, then position z, y, x), so they are a renaming of the single-task merge's.
 */
public final class HierarchicalMerge {
    private HierarchicalMerge() {
    }

    /** The levels: {@code grids.get(0)} the chunk grid, the last {1, 1, 1}; each (z, y, x). Level 1 groups by {@code first}. */
    public record Plan(int[] first, int[] fanIn, List<int[]> grids) {
        public int levels() {
            return grids.size();
        }

        /** How many blocks of level L-1 a block of level L holds along each axis (at most). */
        public int[] step(int level) {
            int[] g = grids.get(level);
            int[] below = grids.get(level - 1);
            int[] f = new int[3];
            for (int a = 0; a < 3; a++) {
                f[a] = g[a] == 1 ? Math.max(1, below[a]) : (level == 1 ? first : fanIn)[a];
            }
            return f;
        }

        public int tasks(int level) {
            int[] g = grids.get(level);
            return g[0] * g[1] * g[2];
        }

        /** The index of the task at a level and position: levels one after another, positions z, then y, then x. */
        public int taskIndex(int level, int[] pos) {
            int base = 0;
            for (int l = 0; l < level; l++) {
                base += tasks(l);
            }
            int[] g = grids.get(level);
            return base + (pos[0] * g[1] + pos[1]) * g[2] + pos[2];
        }

        public int totalTasks() {
            int n = 0;
            for (int l = 0; l < levels(); l++) {
                n += tasks(l);
            }
            return n;
        }

        /** The positions at level L-1 of the children of the block at {@code pos} on level L, in z, y, x order. */
        public List<int[]> children(int level, int[] pos) {
            int[] f = step(level);
            int[] below = grids.get(level - 1);
            int[] lo = new int[3];
            int[] hi = new int[3];
            for (int a = 0; a < 3; a++) {
                lo[a] = pos[a] * f[a];
                hi[a] = Math.min(below[a], lo[a] + f[a]);
            }
            List<int[]> out = new ArrayList<>();
            for (int z = lo[0]; z < hi[0]; z++) {
                for (int y = lo[1]; y < hi[1]; y++) {
                    for (int x = lo[2]; x < hi[2]; x++) {
                        out.add(new int[] {z, y, x});
                    }
                }
            }
            return out;
        }

        /** The position on level L+1 of the block that holds the one at {@code pos} on level L. */
        public int[] parent(int level, int[] pos) {
            int[] f = step(level + 1);
            return new int[] {pos[0] / f[0], pos[1] / f[1], pos[2] / f[2]};
        }

        /** Every position of a level, z, then y, then x. */
        public List<int[]> positions(int level) {
            int[] g = grids.get(level);
            List<int[]> out = new ArrayList<>();
            for (int z = 0; z < g[0]; z++) {
                for (int y = 0; y < g[1]; y++) {
                    for (int x = 0; x < g[2]; x++) {
                        out.add(new int[] {z, y, x});
                    }
                }
            }
            return out;
        }
    }

    /** The levels over a chunk grid (z, y, x) for a fan-in (z, y, x, each at least 1). */
    public static Plan plan(int[] chunkGrid, int[] fanIn) {
        return plan(chunkGrid, fanIn, fanIn);
    }

    /** As {@link #plan(int[], int[])}, level 1 grouping chunks by {@code first} (z, y, x), the levels above by {@code fanIn}. */
    public static Plan plan(int[] chunkGrid, int[] first, int[] fanIn) {
        for (int a = 0; a < 3; a++) {
            if (fanIn[a] < 1 || first[a] < 1 || chunkGrid[a] < 1) {
                throw new IllegalArgumentException("fan-in and grid must be at least 1 per axis: " + Arrays.toString(first) + " " + Arrays.toString(fanIn)
                        + " " + Arrays.toString(chunkGrid));
            }
        }
        List<int[]> grids = new ArrayList<>();
        grids.add(chunkGrid.clone());
        int[] g = chunkGrid.clone();
        do {
            int[] next = new int[3];
            int[] f = grids.size() == 1 ? first : fanIn;
            for (int a = 0; a < 3; a++) {
                next[a] = (g[a] + f[a] - 1) / f[a];
            }
            if (grids.size() > 1 && Arrays.equals(next, g)) {
                next = new int[] {1, 1, 1}; // nothing grouped any more: the top takes the rest (level 1 may be the chunks)
            }
            grids.add(next);
            g = next;
        } while (g[0] * g[1] * g[2] > 1);
        return new Plan(first.clone(), fanIn.clone(), grids);
    }

    /** What each level's largest task read and handed up (bytes of states), and how many segments it left open. */
    public record LevelStats(int level, int tasks, long maxInputBytes, long maxStateBytes, int maxOpen, long totalOpen, long finals) {
    }

    /**
     * The merge's result: per chunk (grid order) its id table (entry v the final id of local id v, 0 background or
     * dust), the count of final segments, the maximum spanning forest (ids 1..count, a < b, canonical order, keys
     * kept), the final region graph (same order; empty unless kept) and each level's figures.
     */
    public record Result(long[][] idTables, int count, RegionGraph.Edges tree, RegionGraph.Edges regionGraph, List<LevelStats> levels) {
    }

    /** Where every task's ids went, and what it put out: all {@link #finish} needs. */
    public record TaskRecord(int task, int[] resolution, int finalCount, int openCount, Links tree, Links graph) {
    }

    /**
     * Runs every task in memory, level by level (each level's states dropped once the next has read them). Chunks in
     * grid order (z, y, x), each with its face planes ({@link FaceStitcher#facePlanes}).
     */
    public static Result run(List<FaceStitcher.ChunkSegments> chunks, List<int[][]> planes, int[] volume, int[] chunkShape, WatershedParams p,
            int[] fanIn, boolean keepGraph) {
        return run(chunks, planes, volume, chunkShape, p, fanIn, fanIn, keepGraph);
    }

    /** As {@link #run(List, List, int[], int[], WatershedParams, int[], boolean)}, level 1 grouping chunks by {@code first}. */
    public static Result run(List<FaceStitcher.ChunkSegments> chunks, List<int[][]> planes, int[] volume, int[] chunkShape, WatershedParams p,
            int[] first, int[] fanIn, boolean keepGraph) {
        int[] grid = new int[3];
        for (int a = 0; a < 3; a++) {
            grid[a] = Math.max(1, (volume[a] + chunkShape[a] - 1) / chunkShape[a]);
        }
        Plan plan = plan(grid, first, fanIn);
        if (chunks.size() != plan.tasks(0)) {
            throw new IllegalArgumentException(chunks.size() + " chunks for a grid of " + plan.tasks(0));
        }
        TaskRecord[] records = new TaskRecord[plan.totalTasks()];
        List<LevelStats> stats = new ArrayList<>();
        MergeState[] states = new MergeState[plan.tasks(0)];
        long maxState = 0;
        int maxOpen = 0;
        long totalOpen = 0;
        long finals = 0;
        for (int i = 0; i < chunks.size(); i++) {
            MergeTask.Output o = MergeTask.chunk(i, chunks.get(i), planes.get(i), volume, p, keepGraph);
            states[i] = o.state();
            records[i] = new TaskRecord(i, o.resolution(), o.finalCount(), o.state().openCount(), o.tree(), o.graph());
            maxState = Math.max(maxState, o.state().bytes());
            maxOpen = Math.max(maxOpen, o.state().openCount());
            totalOpen += o.state().openCount();
            finals += o.finalCount();
        }
        stats.add(new LevelStats(0, chunks.size(), 0, maxState, maxOpen, totalOpen, finals));
        for (int level = 1; level < plan.levels(); level++) {
            List<int[]> positions = plan.positions(level);
            MergeState[] next = new MergeState[positions.size()];
            long maxInput = 0;
            maxState = 0;
            maxOpen = 0;
            totalOpen = 0;
            finals = 0;
            int[] below = plan.grids().get(level - 1);
            for (int b = 0; b < positions.size(); b++) {
                int task = plan.taskIndex(level, positions.get(b));
                List<MergeState> kids = new ArrayList<>();
                long input = 0;
                for (int[] c : plan.children(level, positions.get(b))) {
                    int ci = (c[0] * below[1] + c[1]) * below[2] + c[2];
                    MergeState s = states[ci];
                    kids.add(s);
                    input += s.bytes();
                    states[ci] = null;
                }
                MergeTask.Output o = MergeTask.block(task, kids, volume, p, keepGraph);
                next[b] = o.state();
                records[task] = new TaskRecord(task, o.resolution(), o.finalCount(), o.state().openCount(), o.tree(), o.graph());
                maxInput = Math.max(maxInput, input);
                maxState = Math.max(maxState, o.state().bytes());
                maxOpen = Math.max(maxOpen, o.state().openCount());
                totalOpen += o.state().openCount();
                finals += o.finalCount();
            }
            stats.add(new LevelStats(level, positions.size(), maxInput, maxState, maxOpen, totalOpen, finals));
            states = next;
        }
        if (states.length != 1 || states[0].openCount() != 0 || states[0].graph().size() != 0 || states[0].candidates().size() != 0
                || states[0].decided().size() != 0) {
            throw new IllegalStateException("the top task left something open");
        }
        return finish(plan, records, keepGraph, stats);
    }

    /** Offsets, id tables (by {@link #idTables}), the forest and the region graph from every task's record (by task index). */
    private static Result finish(Plan plan, TaskRecord[] records, boolean keepGraph, List<LevelStats> stats) {
        long[] offset = offsets(records);
        int[] open = new int[records.length];
        for (int t = 0; t < records.length; t++) {
            open[t] = records[t].openCount();
        }
        long[][] tables = new long[plan.tasks(0)][];
        idTables(plan, offset, open, t -> records[t].resolution(), (c, table) -> tables[c] = table);
        RegionGraph.Edges tree = finalEdges(records, offset, false);
        RegionGraph.Edges graph = keepGraph ? finalEdges(records, offset, true) : RegionGraph.Edges.NONE;
        return new Result(tables, (int) offset[records.length], tree, graph, stats);
    }

    /** Where the ids a task was given went (its record's resolution), read when a walk of the tree reaches the task. */
    public interface Resolutions {
        int[] of(int task);
    }

    /** Told each chunk's id table (entry v the final id of local id v, 0 background or dust) as a walk finishes it. */
    public interface IdTableSink {
        void table(int chunkTask, long[] table);
    }

    /**
     * Every chunk's id table, top-down: a task's ids are followed to their final ids through what its parent's went to,
     * one branch at a time, so what is held at once is one chain of tasks (each its children's open ids), not every
     * task's record. {@code offset}: per task the final segments of the tasks before it; {@code openCount}: per task.
     */
    public static void idTables(Plan plan, long[] offset, int[] openCount, Resolutions resolutions, IdTableSink sink) {
        int top = plan.levels() - 1;
        walk(plan, top, new int[] {0, 0, 0}, new long[1], offset, openCount, resolutions, sink);
    }

    private static void walk(Plan plan, int level, int[] pos, long[] up, long[] offset, int[] openCount, Resolutions resolutions, IdTableSink sink) {
        int t = plan.taskIndex(level, pos);
        int[] r = resolutions.of(t);
        long[] given = new long[r.length];
        for (int k = 1; k < r.length; k++) {
            given[k] = r[k] > 0 ? up[r[k]] : r[k] < 0 ? offset[t] - r[k] : 0;
        }
        if (level == 0) {
            sink.table(t, given);
            return;
        }
        int o = 0;
        for (int[] c : plan.children(level, pos)) {
            int ct = plan.taskIndex(level - 1, c);
            int n = openCount[ct];
            if (o + n > given.length - 1) {
                throw new IllegalStateException("task " + t + " was given " + (given.length - 1) + " ids, its children hand up more");
            }
            long[] childUp = new long[n + 1];
            System.arraycopy(given, o + 1, childUp, 1, n);
            o += n;
            walk(plan, level - 1, c, childUp, offset, openCount, resolutions, sink);
        }
    }

    /** Per task, the final segments of the tasks before it (task order: level, then position); the last entry the count. */
    public static long[] offsets(TaskRecord[] records) {
        long[] offset = new long[records.length + 1];
        for (int t = 0; t < records.length; t++) {
            offset[t + 1] = offset[t] + records[t].finalCount();
        }
        if (offset[records.length] >= Integer.MAX_VALUE) {
            throw new IllegalStateException("more than 2^31 final segments");
        }
        return offset;
    }

    /** The forest and the region graph between final segments from every task's record (resolutions not needed). */
    public static RegionGraph.Edges finalTree(TaskRecord[] records, long[] offset) {
        return finalEdges(records, offset, false);
    }

    public static RegionGraph.Edges finalGraph(TaskRecord[] records, long[] offset) {
        return finalEdges(records, offset, true);
    }

    private static RegionGraph.Edges finalEdges(TaskRecord[] records, long[] offset, boolean graph) {
        int n = 0;
        for (TaskRecord r : records) {
            n += (graph ? r.graph() : r.tree()).size();
        }
        int[] a = new int[n];
        int[] b = new int[n];
        float[] w = new float[n];
        long[] key = new long[n];
        long[] sum = graph ? new long[n] : null;
        long[] count = graph ? new long[n] : null;
        int k = 0;
        for (TaskRecord r : records) {
            Links l = graph ? r.graph() : r.tree();
            for (int e = 0; e < l.size(); e++, k++) {
                int x = (int) (offset[MergeTask.refTask(l.a()[e])] + MergeTask.refIndex(l.a()[e]));
                int y = (int) (offset[MergeTask.refTask(l.b()[e])] + MergeTask.refIndex(l.b()[e]));
                a[k] = Math.min(x, y);
                b[k] = Math.max(x, y);
                w[k] = l.w()[e];
                key[k] = l.key()[e];
                if (graph) {
                    sum[k] = l.sum()[e];
                    count[k] = l.count()[e];
                }
            }
        }
        int[] order = Links.order(w, key, n);
        RegionGraph.Edges out = new RegionGraph.Edges(new int[n], new int[n], new float[n], new long[n], graph ? new long[n] : null,
                graph ? new long[n] : null);
        for (int i = 0; i < n; i++) {
            int j = order[i];
            out.a()[i] = a[j];
            out.b()[i] = b[j];
            out.w()[i] = w[j];
            out.key()[i] = key[j];
            if (graph) {
                out.sum()[i] = sum[j];
                out.count()[i] = count[j];
            }
        }
        return out;
    }
}
