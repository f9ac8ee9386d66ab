package org.basin.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.io.Json;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.io.ZarrArray;
import org.basin.io.ZarrV3Array;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Print a volume's format, shape, dtype, chunking, compression and attributes,",
            "or with --model an ONNX model's description and the chunk halo it needs."})
final class InfoCommand extends ToolCommand {
    @Parameters(index = "0", arity = "0..1", description = "HDF5 file, Zarr array or group, TIFF file or folder of TIFF slices.")
    Path path;

    @Option(names = "--model", description = "An ONNX model (with its sidecar or 'basin' metadata) to describe instead of a volume.")
    Path model;

    @Option(names = "--dataset", description = "Dataset inside an HDF5 file or Zarr group.")
    String dataset;

    @Option(names = "--scale", description = "Level of a multiscale input (OME-Zarr, N5 s0.., precomputed scales) to read, 0 = full resolution; instead of --dataset.")
    Integer scale;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    protected int execute() {
        if (model != null) {
            return describeModel();
        }
        if (path == null) {
            throw org.basin.error.BasinException.badArguments("give a volume to describe, or --model file.onnx");
        }
        String chosen = Volumes.dataset(path, dataset, scale);
        try (VolumeReader r = Volumes.open(path, chosen)) {
            VolumeInfo i = r.info();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", i.format());
            m.put("path", i.path());
            m.put("dataset", i.dataset());
            List<String> levels = Volumes.levelPaths(path);
            if (!levels.isEmpty()) {
                m.put("levels", levels); // what --scale 0, 1, ... open
            }
            if (scale != null) {
                m.put("scale_dataset", chosen); // the --dataset that opens the same level
            }
            m.put("dtype", i.dtype().label());
            m.put("shape_xyz", Triplet.xyz(i.shape()));
            m.put("channels", i.channels());
            m.put("array_shape", i.arrayShape());
            m.put("chunks", i.chunks());
            m.put("compression", i.compression());
            double[] vs = i.voxelSize();
            m.put("voxel_size_xyz", vs == null ? null : Triplet.xyz(vs));
            m.put("voxel_size_from", vs == null ? null : switch (i.voxelSizeAttribute()) {
                case VolumeInfo.OME_SCALE -> "OME-Zarr scale";
                case VolumeInfo.IMAGEJ_SPACING -> "ImageJ spacing";
                default -> "attribute " + i.voxelSizeAttribute();
            });
            // a Zarr array with no chunk file reads as nothing but its fill value: most often a wrong separator or path
            if (r instanceof ZarrArray z && !z.hasAnyChunk()) {
                m.put("warning", "no chunk written");
                log("warning: %s: no chunk file (chunk keys like 0%s0%s0): every voxel reads as the fill value", i.where(), z.separator(),
                        z.separator());
            }
            if (r instanceof ZarrV3Array z && !z.hasAnyChunk()) {
                m.put("warning", "no chunk written");
                log("warning: %s: no chunk file (chunk keys like %s): every voxel reads as the fill value", i.where(), z.firstKey());
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            i.attributes().forEach((k, v) -> attrs.put(k, printable(v)));
            m.put("attributes", attrs);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(m));
            } else {
                out.printf("format:      %s%n", i.format());
                out.printf("path:        %s%n", i.where());
                if (!levels.isEmpty()) {
                    out.printf("levels:      %s (--scale 0..%d)%n", String.join(", ", levels), levels.size() - 1);
                }
                out.printf("dtype:       %s%n", i.dtype().label());
                out.printf("shape:       %s (x,y,z)%s%n", Triplet.xyz(i.shape()), i.channels() > 0 ? ", " + i.channels() + " channels" : "");
                out.printf("array shape: %s (%s)%n", Arrays.toString(i.arrayShape()), i.channels() > 0 ? "c,z,y,x" : "z,y,x");
                out.printf("chunks:      %s%n", i.chunks() == null ? "contiguous" : Arrays.toString(i.chunks()));
                out.printf("compression: %s%n", i.compression());
                out.printf("voxel size:  %s%n", vs == null ? "not given (1,1,1 unless --voxel-size)" : Triplet.xyz(vs) + " nm (x,y,z), from the "
                        + m.get("voxel_size_from"));
                for (Map.Entry<String, Object> e : attrs.entrySet()) {
                    out.printf("attr %s = %s%n", e.getKey(), e.getValue() instanceof Object[] a ? Arrays.toString(a) : e.getValue());
                }
            }
            out.flush();
        }
        return 0;
    }

    private int describeModel() {
        ModelInput m = ModelInput.open(model, 1, "cpu", 1);
        try {
            var s = m.spec();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.toString());
            out.put("description", m.source());
            out.put("input_patch_xyz", Triplet.xyz(s.inputPatch()));
            out.put("output_patch_xyz", Triplet.xyz(s.outputPatch()));
            out.put("output", s.output().name());
            out.put("input_scale", s.inputScale());
            out.put("input_offset", s.inputOffset());
            out.put("sigmoid", s.sigmoid());
            out.put("halo_xyz", Triplet.xyz(s.halo()));
            var w = spec.commandLine().getOut();
            if (json) {
                w.println(Json.write(out));
            } else {
                out.forEach((k, v) -> w.printf("%-17s %s%n", k + ":", v));
            }
            w.flush();
            return 0;
        } finally {
            m.model().close();
        }
    }

    private static Object printable(Object v) {
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof double[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof float[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof Object[] a) {
            return Arrays.deepToString(a);
        }
        return v;
    }
}
