package org.basin.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.chunk.ChunkGrid;
import org.basin.error.BasinException;
import org.basin.infer.Affinities;
import org.basin.infer.IntensityAffinity;
import org.basin.infer.ModelSpec;
import org.basin.infer.SlidingWindow;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkFile;
import org.basin.io.ChunkedStore;
import org.basin.io.Digest;
import org.basin.io.Hdf5Files;
import org.basin.io.OmeZarr;
import org.basin.io.TaskTable;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.io.StoreLayout;
import org.basin.volume.Block;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

@Command(name = "infer", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Turn a raw chunk into affinities: float32 (3, z, y, x); channel c joins v and v - e_c, e_0=z, e_1=y, e_2=x.",
            "Backends: intensity (smoothed intensity, dark membranes -> low affinity; the demo default),",
            "boundary (input is a boundary probability b: affinity = min(1-b(v), 1-b(v-e_c))),",
            "onnx (--model file.onnx with its sidecar file.json: ONNX Runtime over patches blended with a bump weight)."})
final class InferCommand extends ToolCommand {
    enum Backend { intensity, boundary, onnx }

    @Option(names = "--input", required = true, description = {"Raw chunk file from chop (or any volume, treated as one chunk); with --store,",
        "the raw volume the chunks of --grid-block are read from."})
    Path input;

    @Option(names = "--dataset", description = "Dataset to read (default: raw in an HDF5 file; a Zarr array or OME-Zarr group's first scale).")
    String dataset;

    @Option(names = "--scale", description = "Level of a multiscale input (OME-Zarr, N5 s0.., precomputed scales) to read, 0 = full resolution; instead of --dataset.")
    Integer scale;

    @Option(names = "--output", description = "Affinity chunk file (.h5).")
    Path output;

    @Option(names = "--store", description = {"Write the chunk cores into this OME-Zarr affinity store (created by the first task to",
        "write it) instead of a file; needs --chunk, --grid-block and --halo."})
    Path store;

    @Mixin
    GridOptions region;

    @Option(names = "--halo", defaultValue = "0", description = "With --store: context x,y,z read on both sides of each core (default ${DEFAULT-VALUE}).")
    void halo(String v) {
        this.halo = Triplet.ints(v);
    }

    int[] halo;

    @Option(names = "--zarr-chunk", description = "With --store: store chunk x,y,z (default: the largest divisor of the chunk core up to 64).")
    void zarrChunk(String v) {
        this.zarrChunk = Triplet.positiveInts(v);
    }

    int[] zarrChunk;

    @Mixin
    StoreOptions storeOptions;

    // zstd level 1: as small as zlib on float32 affinities (72.5 vs 73.0 MB for two 256x256x64 chunks) at half the
    // CPU of the whole task (4.5 vs 8.6 s), and every reader basin targets decodes it (zarr-python, Neuroglancer)
    @Option(names = "--compression", defaultValue = "zstd:1", description = {"With --store: none, zlib (zarr2), gzip, zstd[:level] or blosc[:cname][:level] (zarr3)",
        "(default ${DEFAULT-VALUE})."})
    String compression;

    @Option(names = "--voxel-size", description = "With --store: voxel size x,y,z in nm when the input does not say (default 1,1,1).")
    void voxelSize(String v) {
        this.voxelSize = Triplet.positiveDoubles(v);
    }

    double[] voxelSize;

    @Option(names = "--digest-output", description = "With --store: a table of each chunk's name and the digest of the store chunks it wrote.")
    Path digestOutput;

    @Option(names = "--backend", defaultValue = "intensity", description = "intensity, boundary or onnx (default ${DEFAULT-VALUE}).")
    Backend backend;

    @Option(names = "--window",
            description = "intensity: grey levels low,high mapped to 0..1, as 'low,high' (default: the dtype's range; 0,1 for floats).")
    String window;

    @Option(names = "--sigma", defaultValue = "1", description = "intensity: Gaussian sigma x,y,z in voxels (default ${DEFAULT-VALUE}).")
    void sigma(String v) {
        double[] s = Triplet.doubles(v);
        for (double x : s) {
            // the kernel reaches 3 sigma: beyond MAX_SIGMA a chunk's halo and the blur's run time grow without use
            if (!(x >= 0 && x <= MAX_SIGMA)) {
                throw new TypeConversionException("'" + v + "': " + x + " is not a sigma from 0 to " + (int) MAX_SIGMA + " voxels");
            }
        }
        this.sigma = s;
    }

    static final double MAX_SIGMA = 32;

    double[] sigma;

    @Option(names = "--model", description = "onnx: the model file.")
    Path model;

    @Option(names = "--threads", defaultValue = "0", description = "onnx: intra-op threads (0 = ONNX Runtime's choice).")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "onnx: cpu, cuda or cuda:N (needs the GPU jar; default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--batch", defaultValue = "1", description = "onnx: patches per model call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--overlap", description = "onnx: output voxels shared by neighbouring patches, x,y,z (default: a quarter of the output patch).")
    void overlap(String v) {
        this.overlap = Triplet.ints(v);
    }

    int[] overlap;

    @Option(names = "--tta", description = "onnx: test-time augmentation, the average over the 8 flips of the chunk (8x the work).")
    boolean tta;

    @Option(names = "--output-dtype", defaultValue = "float32",
            description = "float32, or uint8 = round(affinity * 255), a quarter of the size (default ${DEFAULT-VALUE}).")
    String outputDtype;

    @Option(names = "--compress", description = "Deflate-compress the output.")
    boolean compress;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    // Test only: with --store, fail like a killed task once this many chunks are in the store, before the digests.
    @Option(names = "--test-fail-after", hidden = true, defaultValue = "-1")
    int testFailAfter;

    @Override
    protected int execute() {
        if (backend == Backend.onnx && model == null) {
            throw BasinException.badArguments("--backend onnx needs --model file.onnx");
        }
        if (model != null && !java.nio.file.Files.isRegularFile(model)) {
            throw BasinException.badArguments(model + ": no such model file");
        }
        if ((output == null) == (store == null)) {
            throw BasinException.badArguments("give either --output (a chunk file) or --store (an affinity store)");
        }
        if (store != null && !region.given()) {
            throw BasinException.badArguments("--store needs --chunk and --grid-block (the chunks to infer)");
        }
        if (!outputDtype.equals("float32") && !outputDtype.equals("uint8")) {
            throw BasinException.badArguments("--output-dtype '" + outputDtype + "' must be float32 or uint8");
        }
        // The model is opened and checked against its description before the chunk is read.
        ModelInput onnx = backend == Backend.onnx ? ModelInput.open(model, threads, device, batch) : null;
        try {
            return store != null ? runRegion(onnx) : run(onnx);
        } finally {
            if (onnx != null) {
                onnx.model().close();
            }
        }
    }

    private int run(ModelInput onnx) {
        AtomicFiles.checkWritable(output, overwrite);
        long tRead = System.nanoTime();
        ChunkInput in = ChunkInput.read(input, dataset, "raw");
        tRead = System.nanoTime() - tRead;
        long t0 = System.nanoTime();
        Block out = affinities(in, onnx);
        Map<String, Object> attrs = new LinkedHashMap<>(in.attributes());
        attrs.put("basin_version", Version.get());
        long tWrite = System.nanoTime();
        double compute = (tWrite - t0) / 1e9;
        ChunkFile.write(output, attrs, List.of(Hdf5Files.Entry.of("affinities", out, datasetAttributes())), compress);
        tWrite = System.nanoTime() - tWrite;
        log("%s: %s affinities for %s voxels (x,y,z): read %.2fs, compute %.2fs, write %.2fs", in.meta().name(), backend,
                Triplet.xyz(in.data().shape()), tRead / 1e9, compute, tWrite / 1e9);
        return 0;
    }

    /** The chunks of --grid-block, each read with its halo straight from the raw volume, their cores written into the store. */
    private int runRegion(ModelInput onnx) {
        TaskTable digests = new TaskTable("name", "digest");
        try (VolumeReader r = Volumes.open(input, Volumes.dataset(input, dataset, scale))) {
            VolumeInfo info = r.info();
            ChunkGrid grid = region.grid(info.shape(), halo, info.where());
            double[] vs = voxelSize != null ? voxelSize : info.voxelSize() != null ? info.voxelSize() : new double[] {1, 1, 1};
            int[] zc = zarrChunk != null ? zarrChunk : ChunkGrid.storeChunk(region.chunk);
            StoreLayout layout = storeOptions.forTasks(zc, region.chunk, compression);
            Map<String, Object> attrs = new LinkedHashMap<>(datasetAttributes());
            attrs.put("basin_version", Version.get());
            ChunkedStore out = OmeZarr.openOrCreate(store, "affinities", outputDtype.equals("uint8") ? DType.UINT8 : DType.FLOAT32, 3, info.shape(),
                    layout, vs, attrs);
            for (int[] p : region.block.positions()) {
                if (digests.size() == testFailAfter) {
                    throw BasinException.io(store + ": injected failure after " + testFailAfter + " chunks (--test-fail-after)", null);
                }
                Chunk c = grid.chunk(p);
                long tRead = System.nanoTime();
                ChunkInput in = ChunkInput.of(r.read(c.padded()), info, c, grid.gridShape(), vs);
                tRead = System.nanoTime() - tRead;
                long t0 = System.nanoTime();
                Block aff = affinities(in, onnx);
                long tWrite = System.nanoTime();
                out.recordWrites();
                out.write(aff.crop(c.core()));
                digests.add(c.name(), Digest.of(out.writtenChunks().toString()));
                log("%s: %s affinities for %s core voxels (x,y,z): read %.2fs, compute %.2fs, write %.2fs into %s", c.name(), backend,
                        Triplet.xyz(c.core().shape()), tRead / 1e9, (tWrite - t0) / 1e9, (System.nanoTime() - tWrite) / 1e9, store);
            }
        }
        if (digestOutput != null) {
            digests.write(digestOutput);
        }
        return 0;
    }

    private Map<String, Object> datasetAttributes() {
        Map<String, Object> dsAttrs = new LinkedHashMap<>();
        dsAttrs.put("affinity_convention", "c: v <-> v - e_c, e_0=z e_1=y e_2=x; high = same object");
        dsAttrs.put("backend", backend.name());
        if (outputDtype.equals("uint8")) {
            dsAttrs.put("quantization", "uint8 = round(affinity * 255)");
        }
        if (backend == Backend.onnx) {
            dsAttrs.put("model", model.getFileName().toString());
        }
        return dsAttrs;
    }

    /** The affinities over the chunk's padded box, in the output dtype, after checking the raw. */
    private Block affinities(ChunkInput in, ModelInput onnx) {
        Block raw = in.data();
        if (raw.hasChannelAxis()) {
            throw BasinException.badInput(in.info().where() + ": infer takes a 3D (z, y, x) volume; this one has " + raw.channels() + " channels");
        }
        int bad = raw.firstNonFinite();
        if (bad >= 0) {
            int[] p = raw.position(bad);
            throw BasinException.badInput(in.info().where() + ": value " + raw.getDouble(bad) + " at voxel (x,y,z) " + p[3] + "," + p[2] + "," + p[1]);
        }
        int[] shape = raw.shape();
        float[] aff;
        switch (backend) {
            case intensity -> {
                double[] w = window(raw.dtype());
                float[] grey = raw.toFloats();
                warnIfFloatGreyLevelsPastOne(grey, raw.dtype(), in.info().where());
                aff = new IntensityAffinity(w[0], w[1], sigma).apply(grey, shape);
            }
            case boundary -> {
                float[] b = raw.toFloats();
                if (raw.dtype() == DType.UINT8) {
                    for (int i = 0; i < b.length; i++) {
                        b[i] /= 255f;
                    }
                }
                for (int i = 0; i < b.length; i++) {
                    if (b[i] < -1e-6f || b[i] > 1 + 1e-6f) {
                        int[] p = raw.position(i);
                        throw BasinException.badInput(in.info().where() + ": boundary probability " + b[i] + " outside [0, 1] at voxel (x,y,z) "
                                + p[3] + "," + p[2] + "," + p[1]);
                    }
                }
                aff = Affinities.fromBoundary(b, shape);
            }
            case onnx -> aff = infer(onnx, raw, in);
            default -> throw new IllegalStateException();
        }
        return outputDtype.equals("uint8") ? quantise(aff, raw) : Block.wrap(DType.FLOAT32, 3, raw.box(), aff);
    }

    private float[] infer(ModelInput onnx, Block raw, ChunkInput in) {
        ModelSpec spec = onnx.spec();
        warnShortHalo(spec, in);
        float[] x = raw.toFloats();
        float scale = (float) spec.inputScale();
        float offset = (float) spec.inputOffset();
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * scale + offset;
        }
        int[] shape = raw.shape();
        int[] ov = overlap != null ? overlap : SlidingWindow.defaultOverlap(spec);
        SlidingWindow window = new SlidingWindow(spec, ov, batch);
        long t0 = System.nanoTime();
        float[] y = tta ? window.applyWithFlips(x, shape, onnx.model(), spec.output() == ModelSpec.Output.affinity)
                : window.apply(x, shape, onnx.model());
        float[] aff = spec.output() == ModelSpec.Output.affinity ? y : Affinities.fromBoundary(y, shape);
        double total = (System.nanoTime() - t0) / 1e9;
        double inModel = onnx.model().modelSeconds();
        log("%s: %d patches of %s (x,y,z) on %s, overlap %s, batch %d%s: %.2fs, %.2fs in the model (%.0f%%), %.2f Mvoxel/s; "
                + "model load and shape check %.2fs", in.meta().name(), onnx.model().patchesRun(), Triplet.xyz(spec.inputPatch()), device,
                Triplet.xyz(ov), batch, tta ? ", 8 flips" : "", total, inModel, 100 * inModel / total, raw.length() / total / 1e6, onnx.loadSeconds());
        return aff;
    }

    /** A halo thinner than the model's margin + 1 on an inner side leaves the core different from whole-volume inference. */
    private void warnShortHalo(ModelSpec spec, ChunkInput in) {
        var chunk = in.meta().chunk();
        int[] need = spec.halo();
        int[] vol = in.meta().volumeShape();
        for (int a = 0; a < 3; a++) {
            int lo = chunk.core().min()[a] - chunk.padded().min()[a];
            int hi = chunk.padded().max()[a] - chunk.core().max()[a];
            boolean innerLo = chunk.core().min()[a] > 0;
            boolean innerHi = chunk.core().max()[a] < vol[a];
            if ((innerLo && lo < need[a]) || (innerHi && hi < need[a])) {
                log("warning: %s: halo %s (x,y,z) is thinner than the model needs, %s: chunk borders will show", in.meta().name(),
                        "zyx".charAt(a) + "=" + Math.min(innerLo ? lo : Integer.MAX_VALUE, innerHi ? hi : Integer.MAX_VALUE),
                        Triplet.xyz(need));
                return;
            }
        }
    }

    /** uint8 = round(affinity * 255), clamped to [0, 1] first; in double: the float product rounds some values up a level. */
    static Block quantise(float[] aff, Block raw) {
        byte[] q = new byte[aff.length];
        for (int i = 0; i < aff.length; i++) {
            q[i] = (byte) Math.round(Math.max(0.0, Math.min(1.0, (double) aff[i])) * 255.0);
        }
        return Block.wrap(DType.UINT8, 3, raw.box(), q);
    }

    /** Float raw in 0..255 (not 0..1) under the default window saturates every affinity: say so once. */
    private void warnIfFloatGreyLevelsPastOne(float[] grey, DType dtype, String where) {
        if (window != null || !dtype.isFloating() || warnedWindow) {
            return;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : grey) {
            max = Math.max(max, v);
        }
        if (max > 1) {
            warnedWindow = true;
            log("warning: %s: float grey levels up to %s, but the default window for floats is 0,1 (every affinity past 1 saturates);"
                    + " pass --window low,high", where, max);
        }
    }

    private boolean warnedWindow;

    private double[] window(DType dtype) {
        if (window != null) {
            String[] p = window.split(",");
            if (p.length != 2) {
                throw BasinException.badArguments("--window must be low,high; got '" + window + "'");
            }
            double lo;
            double hi;
            try {
                lo = Double.parseDouble(p[0].trim());
                hi = Double.parseDouble(p[1].trim());
            } catch (NumberFormatException e) {
                throw BasinException.badArguments("--window '" + window + "': low and high must be numbers");
            }
            if (!(hi > lo)) {
                throw BasinException.badArguments("--window high must exceed low; got '" + window + "'");
            }
            return new double[] {lo, hi};
        }
        // the dtype's range (README); floats are taken as 0..1
        return switch (dtype) {
            case UINT8 -> new double[] {0, 255};
            case UINT16 -> new double[] {0, 65535};
            case UINT32 -> new double[] {0, 4294967295.0};
            case INT32 -> new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case UINT64 -> new double[] {0, 18446744073709551615.0};
            case INT64 -> new double[] {Long.MIN_VALUE, Long.MAX_VALUE};
            default -> new double[] {0, 1};
        };
    }
}
