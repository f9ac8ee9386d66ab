package org.basin.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.basin.agglomerate.MeanAffinity;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.io.RegionGraphFile;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agglomerate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Mean-affinity agglomeration (waterz, Lee et al. 2017) of the final segments over the region graph from",
            "stitch --region-graph: merge the adjacent pair of highest mean boundary affinity until the best is below the",
            "lowest threshold and --tree-to; one pass cut at every threshold. One task per volume (the graph is global, a few bytes per",
            "edge); basin relabel --segment-table applies a threshold's table in parallel."})
final class AgglomerateCommand extends ToolCommand {
    /** Where each output goes inside --output. */
    static final String TREE = "agglomeration_tree.h5";
    static final String TABLES = "segments.h5";

    @Option(names = "--region-graph", required = true, description = "The region graph (stitch --region-graph).")
    Path regionGraph;

    @Option(names = "--thresholds", required = true, split = ",", description = {"Mean affinities, e.g. 0.2,0.4,0.6: each gives the",
        "segmentation of the merges made while the best mean was at or above it."})
    List<Float> thresholds;

    @Option(names = "--output", required = true, description = {"Folder: " + TREE + " (the merges), " + TABLES + " (a table per threshold),",
        "and per threshold T mapping_T.json (webKnossos mapping) and neuroglancer_T.json (a segmentation layer's equivalences)."})
    Path output;

    @Option(names = "--tree-to", defaultValue = "0", description = {"The merge tree goes on down to this mean affinity, below the thresholds",
        "(the range of Omni's threshold slider; the tables are cut at the thresholds all the same) (default ${DEFAULT-VALUE})."})
    float treeTo;

    @Option(names = "--overwrite", description = "Replace the outputs in an existing --output folder.")
    boolean overwrite;

    /** The dataset of a threshold's table in segments.h5, and the suffix of its JSON files. */
    static String name(float t) {
        return "threshold_" + Float.toString(t);
    }

    @Override
    protected int execute() throws Exception {
        for (float t : thresholds) {
            if (!(t >= -1 && t <= 1.0001f)) {
                throw BasinException.badArguments("--thresholds: " + t + " is not a mean affinity in [-1, 1]");
            }
        }
        List<Float> ts = new ArrayList<>(new java.util.TreeSet<>(thresholds));
        List<String> outputs = new ArrayList<>(List.of(TREE, TABLES));
        for (float t : ts) {
            outputs.add("mapping_" + Float.toString(t) + ".json");
            outputs.add("neuroglancer_" + Float.toString(t) + ".json");
        }
        for (String o : outputs) {
            AtomicFiles.checkWritable(output.resolve(o), overwrite);
        }
        RegionGraphFile.Contents in = RegionGraphFile.read(regionGraph);
        long start = System.nanoTime();
        // one pass down to the lowest of the thresholds and --tree-to: every table is a cut of the same merges
        MeanAffinity.Merges m = MeanAffinity.run(in.segments(), in.graph(), Math.min(ts.get(0), treeTo));
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.createDirectories(output);
        writeTree(m, in, ts);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("segments", (long) in.segments());
        double[] tv = new double[ts.size()];
        long[] kept = new long[ts.size()];
        List<Hdf5Files.Entry> entries = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        for (int i = 0; i < ts.size(); i++) {
            float t = ts.get(i);
            long[] table = m.table(t);
            long k = 0;
            for (long v : table) {
                k = Math.max(k, v);
            }
            tv[i] = t;
            kept[i] = k;
            entries.add(Hdf5Files.Entry.table(name(t), DType.UINT64, new int[] {table.length}, table));
            writeMappings(t, table, k);
            summary.append(String.format(Locale.ROOT, " %s: %d", Float.toString(t), k));
        }
        attrs.put("thresholds", tv);
        attrs.put("agglomerated_segments", kept);
        attrs.put("description", "per threshold T, dataset threshold_T: entry s is the agglomerated segment of final segment s (0 = background)");
        Hdf5Files.write(output.resolve(TABLES), attrs, entries, false);
        log("%d segments, %d region-graph edges -> %d merges in %.3f s; segments per threshold:%s", in.segments(), in.graph().size(), m.size(),
                seconds, summary);
        return 0;
    }

    /** The merges as a tree Omni's slider follows (omnify-chop --tree): levels never rise, so a cut at t is a threshold. */
    private void writeTree(MeanAffinity.Merges m, RegionGraphFile.Contents in, List<Float> ts) {
        int n = m.size();
        long[] ids = new long[2 * n];
        float[] level = new float[n];
        double[] mean = new double[n];
        for (int i = 0; i < n; i++) {
            ids[2 * i] = m.a()[i];
            ids[2 * i + 1] = m.b()[i];
            level[i] = (float) m.level()[i];
            mean[i] = m.mean(i);
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("edges", (long) n);
        attrs.put("segments", (long) in.segments());
        if (in.treeDigest() != null) {
            attrs.put("segmentation_tree_digest", in.treeDigest()); // the stitched segmentation this tree belongs to
        }
        attrs.put("lowest_threshold", (double) Math.min(ts.get(0), treeTo));
        attrs.put("description", "mean-affinity merges in the order made: edges (segment ids naming the two groups), affinity = the "
                + "smallest mean so far (never rising: Omni's threshold), mean, sum (fixed point x 2^32) and count of the boundary");
        List<Hdf5Files.Entry> e = n == 0 ? List.of() : List.of(Hdf5Files.Entry.table("edges", DType.UINT64, new int[] {n, 2}, ids),
                Hdf5Files.Entry.table("affinity", DType.FLOAT32, new int[] {n}, level),
                Hdf5Files.Entry.table("mean", DType.FLOAT64, new int[] {n}, mean),
                Hdf5Files.Entry.table("sum", DType.INT64, new int[] {n}, m.sum()),
                Hdf5Files.Entry.table("count", DType.INT64, new int[] {n}, m.count()));
        Hdf5Files.write(output.resolve(TREE), attrs, e, false);
    }

    /**
     * The groups of two or more segments at threshold t: as a webKnossos mapping file ({"name", "classes"}: each class
     * the segment ids shown as one) and as a Neuroglancer segmentation layer's "equivalences" (paste into a state).
     */
    private void writeMappings(float t, long[] table, long groups) {
        List<List<Long>> members = new ArrayList<>();
        for (int g = 0; g <= groups; g++) {
            members.add(new ArrayList<>());
        }
        for (int s = 1; s < table.length; s++) {
            members.get((int) table[s]).add((long) s);
        }
        List<List<Long>> classes = new ArrayList<>();
        for (List<Long> c : members) {
            if (c.size() > 1) {
                classes.add(c);
            }
        }
        Map<String, Object> wk = new LinkedHashMap<>();
        wk.put("name", "agglomerate_" + Float.toString(t));
        wk.put("classes", classes);
        Json.write(output.resolve("mapping_" + Float.toString(t) + ".json"), wk);
        Map<String, Object> ng = new LinkedHashMap<>();
        ng.put("type", "segmentation");
        ng.put("name", "agglomerate_" + Float.toString(t));
        List<List<String>> strings = new ArrayList<>(); // Neuroglancer spells uint64 ids as strings
        for (List<Long> c : classes) {
            strings.add(c.stream().map(String::valueOf).toList());
        }
        ng.put("equivalences", strings);
        Json.write(output.resolve("neuroglancer_" + Float.toString(t) + ".json"), ng);
    }
}
