package org.basin.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.graph.RegionGraph;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkFile;
import org.basin.io.Hdf5Files;
import org.basin.volume.Block;
import org.basin.volume.DType;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "watershed", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Affinity-graph watershed of one chunk (Zlateski & Seung 2015): steepest ascent, plateaus, basins,",
            "region graph, size-dependent single linkage, dust removal. Writes the chunk's labels (uint64, 1..N),",
            "segment sizes and region graph (pairs of ids with their maximum affinity)."})
final class WatershedCommand extends ToolCommand {
    @Option(names = "--input", required = true, description = "Affinity chunk file (or any (3, z, y, x) volume).")
    Path input;

    @Option(names = "--dataset", defaultValue = "affinities", description = "Dataset to read (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--output", required = true, description = "Watershed chunk file (.h5).")
    Path output;

    @Option(names = "--t-high", defaultValue = "0.99", description = "T_high: edges at or above join voxels outright (default ${DEFAULT-VALUE}).")
    float tHigh;

    @Option(names = "--t-low", defaultValue = "0.3", description = "T_low: voxels whose best edge is at or below are background (default ${DEFAULT-VALUE}).")
    float tLow;

    @Option(names = "--t-merge", defaultValue = "0.5", description = "T_merge: constant rule merges across edges at or above this (default ${DEFAULT-VALUE}).")
    float tMerge;

    @Option(names = "--t-size", defaultValue = "1000", description = "T_size: segments smaller than this (times w^2 for the square rule) merge (default ${DEFAULT-VALUE}).")
    long tSize;

    @Option(names = "--t-dust", defaultValue = "100", description = "T_dust: final segments smaller than this become background (default ${DEFAULT-VALUE}).")
    long tDust;

    @Option(names = "--size-rule", defaultValue = "square", description = "square (T_size * w^2, zwatershed) or constant (default ${DEFAULT-VALUE}).")
    WatershedParams.SizeRule sizeRule;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    protected int execute() {
        WatershedParams params = new WatershedParams(tHigh, tLow, tMerge, tSize, tDust, sizeRule);
        AtomicFiles.checkWritable(output, overwrite);
        ChunkInput in = ChunkInput.read(input, dataset);
        Block aff = in.data();
        if (!aff.hasChannelAxis() || aff.channels() != 3) {
            throw BasinException.badInput(in.info().where() + ": affinities must be (3, z, y, x); got shape "
                    + java.util.Arrays.toString(aff.arrayShape()));
        }
        float[] values;
        if (aff.dtype() == DType.FLOAT32) {
            values = aff.floats();
        } else if (aff.dtype() == DType.UINT8) {
            values = aff.toFloats();
            for (int i = 0; i < values.length; i++) {
                values[i] /= 255f;
            }
        } else {
            throw BasinException.badInput(in.info().where() + ": affinities must be float32 (or uint8 scaled 0..255); got " + aff.dtype().label());
        }
        int bad = aff.firstNonFinite();
        if (bad >= 0) {
            int[] p = aff.position(bad);
            throw BasinException.badInput(in.info().where() + ": affinity " + values[bad] + " in channel " + p[0] + " at voxel (x,y,z) "
                    + p[3] + "," + p[2] + "," + p[1]);
        }
        long t0 = System.nanoTime();
        Watershed.Result r = Watershed.run(values, aff.shape(), params);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] labels = new long[r.labels().length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.labels()[i];
        }
        RegionGraph.Edges e = r.regionGraph();
        Map<String, Object> attrs = new LinkedHashMap<>(in.attributes());
        attrs.put("basin_version", Version.get());
        attrs.put("segments", (long) r.count());
        attrs.put("region_graph_edges", (long) e.size());
        attrs.put("watershed", String.format(java.util.Locale.ROOT, "T_high=%s T_low=%s T_merge=%s T_size=%d T_dust=%d rule=%s",
                tHigh, tLow, tMerge, tSize, tDust, sizeRule.name().toLowerCase(java.util.Locale.ROOT)));
        List<Hdf5Files.Entry> entries = new ArrayList<>();
        entries.add(Hdf5Files.Entry.of("labels", Block.wrap(DType.UINT64, 0, aff.box(), labels)));
        entries.add(Hdf5Files.Entry.table("sizes", DType.UINT64, new int[] {r.sizes().length}, r.sizes()));
        if (e.size() > 0) {
            long[] ids = new long[2 * e.size()];
            for (int i = 0; i < e.size(); i++) {
                ids[2 * i] = e.a()[i];
                ids[2 * i + 1] = e.b()[i];
            }
            entries.add(Hdf5Files.Entry.table("region_graph/ids", DType.UINT64, new int[] {e.size(), 2}, ids));
            entries.add(Hdf5Files.Entry.table("region_graph/affinity", DType.FLOAT32, new int[] {e.size()}, e.w().clone()));
        }
        ChunkFile.write(output, attrs, entries, false);
        log("%s: %d segments, %d region-graph edges, %s voxels (x,y,z) in %.2fs (%.1f Mvoxel/s)", in.meta().name(), r.count(), e.size(),
                Triplet.xyz(aff.shape()), seconds, labels.length / seconds / 1e6);
        return 0;
    }
}
