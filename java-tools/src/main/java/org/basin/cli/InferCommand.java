package org.basin.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.infer.Affinities;
import org.basin.infer.IntensityAffinity;
import org.basin.infer.OnnxAffinity;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkFile;
import org.basin.io.Hdf5Files;
import org.basin.volume.Block;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "infer", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Turn a raw chunk into affinities: float32 (3, z, y, x); channel c joins v and v - e_c, e_0=z, e_1=y, e_2=x.",
            "Backends: intensity (smoothed intensity, dark membranes -> low affinity; the demo default),",
            "boundary (input is a boundary probability b: affinity = min(1-b(v), 1-b(v-e_c))),",
            "onnx (--model file.onnx, ONNX Runtime on the whole padded chunk)."})
final class InferCommand extends ToolCommand {
    enum Backend { intensity, boundary, onnx }

    @Option(names = "--input", required = true, description = "Raw chunk file from chop (or any volume, treated as one chunk).")
    Path input;

    @Option(names = "--dataset", description = "Dataset to read (default: raw in an HDF5 file; a Zarr array or OME-Zarr group's first scale).")
    String dataset;

    @Option(names = "--output", required = true, description = "Affinity chunk file (.h5).")
    Path output;

    @Option(names = "--backend", defaultValue = "intensity", description = "intensity, boundary or onnx (default ${DEFAULT-VALUE}).")
    Backend backend;

    @Option(names = "--window",
            description = "intensity: grey levels low,high mapped to 0..1, as 'low,high' (default: the dtype's range; 0,1 for floats).")
    String window;

    @Option(names = "--sigma", defaultValue = "1", description = "intensity: Gaussian sigma x,y,z in voxels (default ${DEFAULT-VALUE}).")
    void sigma(String v) {
        this.sigma = Triplet.doubles(v);
    }

    double[] sigma;

    @Option(names = "--model", description = "onnx: the model file.")
    Path model;

    @Option(names = "--threads", defaultValue = "0", description = "onnx: intra-op threads (0 = ONNX Runtime's choice).")
    int threads;

    @Option(names = "--sigmoid", description = "onnx: apply a sigmoid to the model's output.")
    boolean sigmoid;

    @Option(names = "--compress", description = "Deflate-compress the output.")
    boolean compress;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    protected int execute() {
        if (backend == Backend.onnx && model == null) {
            throw BasinException.badArguments("--backend onnx needs --model file.onnx");
        }
        if (model != null && !java.nio.file.Files.isRegularFile(model)) {
            throw BasinException.badArguments(model + ": no such model file");
        }
        AtomicFiles.checkWritable(output, overwrite);
        ChunkInput in = ChunkInput.read(input, dataset, "raw");
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
        long t0 = System.nanoTime();
        switch (backend) {
            case intensity -> {
                double[] w = window(raw.dtype());
                aff = new IntensityAffinity(w[0], w[1], sigma).apply(raw.toFloats(), shape);
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
            case onnx -> {
                float[] x = raw.toFloats();
                if (raw.dtype() == DType.UINT8) {
                    for (int i = 0; i < x.length; i++) {
                        x[i] /= 255f;
                    }
                }
                try (OnnxAffinity m = new OnnxAffinity(model, threads, sigmoid)) {
                    aff = m.apply(x, shape);
                }
            }
            default -> throw new IllegalStateException();
        }
        Block out = Block.wrap(DType.FLOAT32, 3, raw.box(), aff);
        Map<String, Object> dsAttrs = new LinkedHashMap<>();
        dsAttrs.put("affinity_convention", "c: v <-> v - e_c, e_0=z e_1=y e_2=x; high = same object");
        dsAttrs.put("backend", backend.name());
        Map<String, Object> attrs = new LinkedHashMap<>(in.attributes());
        attrs.put("basin_version", Version.get());
        ChunkFile.write(output, attrs, List.of(Hdf5Files.Entry.of("affinities", out, dsAttrs)), compress);
        log("%s: %s affinities for %s voxels (x,y,z) in %.2fs", in.meta().name(), backend, Triplet.xyz(shape), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private double[] window(DType dtype) {
        if (window != null) {
            String[] p = window.split(",");
            if (p.length != 2) {
                throw BasinException.badArguments("--window must be low,high; got '" + window + "'");
            }
            double lo = Double.parseDouble(p[0].trim());
            double hi = Double.parseDouble(p[1].trim());
            if (!(hi > lo)) {
                throw BasinException.badArguments("--window high must exceed low; got '" + window + "'");
            }
            return new double[] {lo, hi};
        }
        return switch (dtype) {
            case UINT8 -> new double[] {0, 255};
            case UINT16 -> new double[] {0, 65535};
            default -> new double[] {0, 1};
        };
    }
}
