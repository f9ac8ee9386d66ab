package org.basin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.basin.error.BasinException;
import org.basin.infer.ModelSpec;
import org.basin.infer.OnnxModel;
import org.basin.io.Json;

/**
 * An ONNX model and its description: the sidecar {@code <model>.json} beside it, or else the model's own {@code basin}
 * metadata property holding the same JSON.
 */
record ModelInput(OnnxModel model, ModelSpec spec, String source, double loadSeconds) {
    static ModelInput open(Path path, int threads, String device, int batch) {
        if (!Files.isRegularFile(path)) {
            throw BasinException.badArguments(path + ": no such model file");
        }
        long t0 = System.nanoTime();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw BasinException.io(path + ": cannot read (" + e.getMessage() + ")", e);
        }
        Path sidecar = sidecar(path);
        OnnxModel model = new OnnxModel(bytes, path.toString(), threads, device);
        try {
            ModelSpec spec;
            String source;
            if (Files.isRegularFile(sidecar)) {
                source = sidecar.toString();
                spec = ModelSpec.parse(Json.read(sidecar), source);
            } else {
                String meta = model.metadata("basin");
                if (meta == null) {
                    throw BasinException.badInput(path + ": no model description: write " + sidecar.getFileName()
                            + " beside it (input_patch, output_patch, output, input_scale, input_offset, sigmoid; see the README)"
                            + " or store the same JSON in the model's 'basin' metadata property");
                }
                source = path + " (metadata 'basin')";
                spec = ModelSpec.parse(Json.parse(meta, source), source);
            }
            model.bind(spec, source, batch);
            return new ModelInput(model, spec, source, (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** unet.onnx -> unet.json */
    static Path sidecar(Path model) {
        String name = model.getFileName().toString();
        String base = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(base + ".json");
    }
}
