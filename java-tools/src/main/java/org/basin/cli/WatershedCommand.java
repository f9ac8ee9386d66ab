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
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "watershed", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Affinity-graph watershed of one chunk (Zlateski & Seung 2015): steepest ascent, plateaus, basins,",
            "region graph, size-dependent single linkage, dust removal. Writes the chunk's labels (uint64, 1..N),",
            "segment sizes and region graph (pairs of ids with their maximum affinity)."})
final class WatershedCommand extends ToolCommand {
    @Option(names = "--input", required = true, description = "Affinity chunk file (or any (3, z, y, x) volume).")
    Path input;

    @Option(names = "--dataset", description = "Dataset to read (default: affinities in an HDF5 file; a Zarr array or OME-Zarr group's first scale).")
    String dataset;

    @Option(names = "--output", required = true, description = "Watershed chunk file (.h5).")
    Path output;

    @Mixin
    WatershedOptions thresholds;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    // Test only (the pipeline's --test_fail_chunk): fail like a broken disk before reading or writing anything.
    @Option(names = "--test-fail", hidden = true)
    boolean testFail;

    @Override
    protected int execute() {
        WatershedParams params = thresholds.params();
        if (testFail) {
            throw BasinException.io(input + ": injected failure (--test_fail_chunk, used by the resume tests)", null);
        }
        AtomicFiles.checkWritable(output, overwrite);
        ChunkInput in = ChunkInput.read(input, dataset, "affinities");
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
        org.basin.chunk.Chunk chunk = in.meta().chunk();
        Box core = localCore(chunk, in.meta().volumeShape(), in.info().where());
        long t0 = System.nanoTime();
        Watershed.Result r;
        try {
            r = Watershed.run(values, aff.shape(), core, params); // checks for NaN / infinity on the way
        } catch (BasinException e) {
            throw new BasinException(e.exitCode(), in.info().where() + ": " + e.getMessage());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        values = null;
        // chunk-local ids fit 32 bits; stitch makes them global (uint64): half the memory and file size of uint64
        int[] labels = r.labels();
        RegionGraph.Edges e = r.regionGraph();
        Watershed.PlateauVoxels pv = r.deferred();
        Map<String, Object> attrs = new LinkedHashMap<>(in.attributes());
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
        for (int a = 0; a < 3; a++) {
            float[] plane = r.lowerFaceAffinity()[a];
            if (plane != null) {
                entries.add(Hdf5Files.Entry.table("faces/lower_affinity_" + "zyx".charAt(a), DType.FLOAT32, new int[] {plane.length}, plane));
            }
        }
        ChunkFile.write(output, attrs, entries, false);
        log("%s: %d segments (%d left to the merge step), %d region-graph edges, %s core voxels (x,y,z) in %.2fs (%.1f Mvoxel/s)",
                in.meta().name(), r.count(), r.frozenCount(), e.size(), Triplet.xyz(chunk.core().shape()), seconds, labels.length / seconds / 1e6);
        return 0;
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
