package org.basin.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * Runs an ONNX model (ONNX Runtime, CPU) over a whole padded chunk: input [1, 1, z, y, x] float32, output
 * [1, 3, z, y, x] affinities or [1, 1, z, y, x] boundary probability (turned into affinities by the min rule).
 * Patch tiling and blending are the subject of a later stage of the project.
 */
public final class OnnxAffinity implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path model;
    private final boolean sigmoid;

    public OnnxAffinity(Path model, int threads, boolean sigmoid) {
        this.model = model;
        this.sigmoid = sigmoid;
        try {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            if (threads > 0) {
                o.setIntraOpNumThreads(threads);
            }
            session = env.createSession(model.toString(), o);
            Map<String, NodeInfo> in = session.getInputInfo();
            if (in.size() != 1 || !(in.values().iterator().next().getInfo() instanceof TensorInfo ti) || ti.getShape().length != 5) {
                throw BasinException.badInput(model + ": the model must take one 5D input [1, 1, z, y, x]; it takes " + in.values());
            }
        } catch (OrtException e) {
            throw BasinException.badInput(model + ": cannot load ONNX model (" + e.getMessage() + ")");
        }
    }

    /** Raw scaled to [0, 1] in, affinities (3, z, y, x) out. */
    public float[] apply(float[] input, int[] shape) {
        long[] inShape = {1, 1, shape[0], shape[1], shape[2]};
        String inName = session.getInputNames().iterator().next();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), inShape);
                OrtSession.Result r = session.run(Map.of(inName, t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] os = out.getInfo().getShape();
            if (os.length != 5 || (os[1] != 3 && os[1] != 1) || os[2] != shape[0] || os[3] != shape[1] || os[4] != shape[2]) {
                throw BasinException.badInput(model + ": output shape " + Arrays.toString(os) + " for input " + Arrays.toString(inShape)
                        + "; expected [1, 3 or 1, " + shape[0] + ", " + shape[1] + ", " + shape[2] + "]");
            }
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            if (sigmoid) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (1 / (1 + Math.exp(-values[i])));
                }
            }
            return os[1] == 3 ? values : Affinities.fromBoundary(values, shape);
        } catch (OrtException e) {
            throw BasinException.badInput(model + ": inference failed (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing
        }
    }
}
