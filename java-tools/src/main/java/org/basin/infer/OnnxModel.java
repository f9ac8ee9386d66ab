package org.basin.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * An ONNX Runtime session for one model, checked against its {@link ModelSpec} before any voxel is processed: one 5D
 * float input [batch, 1, z, y, x], one 5D output [batch, C, z, y, x] whose spatial size is the spec's output patch
 * (valid convolutions) or its input patch (same padding, then cropped to the output patch's centre).
 */
public final class OnnxModel implements SlidingWindow.PatchPredictor, AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String where;
    private final String inputName;
    private ModelSpec spec;
    private boolean cropOutput;
    private long modelNanos;
    private long patches;
    private FloatBuffer direct;
    private float[] output;

    /**
     * @param model   the .onnx file's bytes
     * @param where   the model's path, for messages
     * @param threads intra-op threads; 0 lets ONNX Runtime choose
     * @param device  cpu, cuda or cuda:N
     */
    public OnnxModel(byte[] model, String where, int threads, String device) {
        this.where = where;
        try {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            if (threads > 0) {
                o.setIntraOpNumThreads(threads);
            }
            o.setInterOpNumThreads(1);
            if (device.startsWith("cuda")) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw BasinException.badArguments("--device " + device + ": this basin jar carries ONNX Runtime's CPU build (providers "
                            + OrtEnvironment.getAvailableProviders() + "); build the GPU jar with 'mvn -f java-tools -P gpu package' and "
                            + "run it with BASIN_JAR=java-tools/target/basin-gpu.jar");
                }
                try {
                    o.addCUDA(device.equals("cuda") ? 0 : cudaDevice(device));
                } catch (OrtException e) {
                    // the 1.23 CUDA provider links against CUDA 12 and cuDNN 9, which must be on the library path
                    throw BasinException.badArguments("--device " + device + ": ONNX Runtime's CUDA provider did not load (" + e.getMessage()
                            + "); it needs an NVIDIA driver, CUDA 12 (libcudart, libcublasLt, libcufft) and cuDNN 9 on LD_LIBRARY_PATH");
                }
            } else if (!device.equals("cpu")) {
                throw BasinException.badArguments("--device '" + device + "' must be cpu, cuda or cuda:N");
            }
            session = env.createSession(model, o);
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1 || session.getOutputInfo().isEmpty()) {
                throw BasinException.badInput(where + ": the model must have one input and one output; it has inputs " + inputs.keySet()
                        + " and outputs " + session.getOutputInfo().keySet());
            }
            inputName = inputs.keySet().iterator().next();
        } catch (OrtException e) {
            throw BasinException.badInput(where + ": cannot load the ONNX model (" + e.getMessage() + ")");
        }
    }

    private static int cudaDevice(String device) {
        try {
            return Integer.parseInt(device.substring("cuda:".length()));
        } catch (RuntimeException e) {
            throw BasinException.badArguments("--device '" + device + "' must be cpu, cuda or cuda:N");
        }
    }

    /** A custom metadata property of the model, or null. */
    public String metadata(String key) {
        try {
            return session.getMetadata().getCustomMetadata().get(key);
        } catch (OrtException e) {
            throw BasinException.badInput(where + ": cannot read the model's metadata (" + e.getMessage() + ")");
        }
    }

    /**
     * Checks the model's declared shapes against the spec, then runs it once on a zero batch and checks the real output
     * shape, so a disagreement fails before any voxel is processed. {@code sidecar} names the spec's source.
     */
    public void bind(ModelSpec s, String sidecar, int batch) {
        try {
            TensorInfo in = tensor(session.getInputInfo().get(inputName), "input '" + inputName + "'");
            long[] is = in.getShape();
            if (in.type != OnnxJavaType.FLOAT) {
                throw BasinException.badInput(where + ": the input '" + inputName + "' is " + in.type + "; basin feeds float32");
            }
            if (is[1] > 0 && is[1] != 1) {
                throw BasinException.badInput(where + ": the input takes " + is[1] + " channels; basin feeds one (raw EM)");
            }
            for (int a = 0; a < 3; a++) {
                if (is[2 + a] > 0 && is[2 + a] != s.inputPatch()[a]) {
                    throw BasinException.badInput(where + ": the input shape " + Arrays.toString(is) + " disagrees with input_patch "
                            + Arrays.toString(s.inputPatch()) + " (z, y, x) in " + sidecar);
                }
            }
            if (is[0] > 0 && is[0] != batch) {
                throw BasinException.badArguments(where + ": the model's batch size is fixed to " + is[0] + "; use --batch " + is[0]);
            }
            String outName = session.getOutputNames().iterator().next();
            long[] os = tensor(session.getOutputInfo().get(outName), "output '" + outName + "'").getShape();
            if (os[1] > 0 && os[1] != s.channels()) {
                throw BasinException.badInput(where + ": the output has " + os[1] + " channels but " + sidecar + " says output '" + s.output()
                        + "' (" + s.channels() + ")");
            }
            this.spec = s;
            int inN = s.inputPatch()[0] * s.inputPatch()[1] * s.inputPatch()[2];
            // A fully static output shape is checked as declared; a dynamic one by running a zero patch through the model.
            // Every real call checks its output shape again (predict), so a model that lies still fails before any output.
            boolean declared = os[1] > 0 && os[2] > 0 && os[3] > 0 && os[4] > 0;
            long[] probe = declared ? new long[] {batch, os[1], os[2], os[3], os[4]} : run(new float[batch * inN], batch, t -> t.getInfo().getShape());
            boolean valid = Arrays.equals(Arrays.copyOfRange(probe, 2, 5), toLong(s.outputPatch()));
            boolean same = Arrays.equals(Arrays.copyOfRange(probe, 2, 5), toLong(s.inputPatch()));
            if (probe[0] != batch || probe[1] != s.channels() || !(valid || same)) {
                throw BasinException.badInput(where + ": on a patch [" + batch + ", 1, " + join(s.inputPatch()) + "] the model returns "
                        + Arrays.toString(probe) + "; " + sidecar + " implies [" + batch + ", " + s.channels() + ", " + join(s.outputPatch())
                        + "] (or the input patch, cropped)");
            }
            cropOutput = !valid;
            modelNanos = 0;
            patches = 0;
        } catch (OrtException e) {
            throw BasinException.badInput(where + ": the model fails on a [" + batch + ", 1, " + join(s.inputPatch()) + "] patch ("
                    + e.getMessage() + ")");
        }
    }

    private TensorInfo tensor(NodeInfo n, String what) {
        if (!(n.getInfo() instanceof TensorInfo t) || t.getShape().length != 5) {
            throw BasinException.badInput(where + ": the model's " + what + " must be a 5D tensor [batch, channels, z, y, x]; it is " + n.getInfo());
        }
        return t;
    }

    @Override
    public float[] predict(float[] patches, int count) {
        if (spec == null) {
            throw new IllegalStateException("bind the model to its spec first");
        }
        int[] ip = spec.inputPatch();
        int[] op = spec.outputPatch();
        int outN = op[0] * op[1] * op[2];
        int size = count * spec.channels() * outN;
        if (output == null || output.length != size) {
            output = new float[size];
        }
        float[] result = output;
        try {
            long t0 = System.nanoTime();
            FloatBuffer raw = runRaw(patches, count);
            modelNanos += System.nanoTime() - t0;
            int[] m = spec.margin();
            int[] src = cropOutput ? ip : op;
            int c = spec.channels();
            for (int p = 0; p < count * c; p++) {
                for (int z = 0; z < op[0]; z++) {
                    for (int y = 0; y < op[1]; y++) {
                        int from = ((p * src[0] + (cropOutput ? z + m[0] : z)) * src[1] + (cropOutput ? y + m[1] : y)) * src[2] + (cropOutput ? m[2] : 0);
                        raw.position(from);
                        raw.get(result, (p * op[0] * op[1] + z * op[1] + y) * op[2], op[2]);
                    }
                }
            }
        } catch (OrtException e) {
            throw BasinException.badInput(where + ": inference failed (" + e.getMessage() + ")");
        }
        if (spec.sigmoid()) {
            for (int i = 0; i < result.length; i++) {
                result[i] = (float) (1 / (1 + Math.exp(-result[i])));
            }
        }
        this.patches += count;
        return result;
    }

    private FloatBuffer runRaw(float[] patches, int count) throws OrtException {
        int[] sp = cropOutput ? spec.inputPatch() : spec.outputPatch();
        long[] want = {count, spec.channels(), sp[0], sp[1], sp[2]};
        return run(patches, count, out -> {
            long[] got = out.getInfo().getShape();
            if (!Arrays.equals(got, want)) {
                throw BasinException.badInput(where + ": the model returned " + Arrays.toString(got) + " for " + count + " patches; expected "
                        + Arrays.toString(want));
            }
            return out.getFloatBuffer();
        });
    }

    /** Runs {@code count} patches through the session and reads the first output with {@code read} before it is freed. */
    private <T> T run(float[] patches, int count, java.util.function.Function<OnnxTensor, T> read) throws OrtException {
        int[] ip = spec.inputPatch();
        long[] shape = {count, 1, ip[0], ip[1], ip[2]};
        int n = count * ip[0] * ip[1] * ip[2];
        if (direct == null || direct.capacity() < n) {
            direct = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        direct.clear();
        direct.put(patches, 0, n).flip();
        try (OnnxTensor t = OnnxTensor.createTensor(env, direct, shape); OrtSession.Result r = session.run(Map.of(inputName, t))) {
            return read.apply((OnnxTensor) r.get(0));
        }
    }

    /** Seconds spent inside ONNX Runtime (including the output copy) since {@link #bind}. */
    public double modelSeconds() {
        return modelNanos / 1e9;
    }

    public long patchesRun() {
        return patches;
    }

    private static long[] toLong(int[] a) {
        return new long[] {a[0], a[1], a[2]};
    }

    private static String join(int[] a) {
        return a[0] + ", " + a[1] + ", " + a[2];
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // nothing to do when closing fails
        }
    }
}
