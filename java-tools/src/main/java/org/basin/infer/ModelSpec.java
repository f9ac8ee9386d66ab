package org.basin.infer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.basin.error.BasinException;

/**
 * What basin needs to know about an ONNX model beyond its graph: the patch it takes and the part of its output that is
 * kept, what the output means, and how raw grey levels become its float input. Patch sizes are in the tensor's own
 * order (z, y, x). Read from a sidecar {@code <model>.json} or the model's {@code basin} metadata property.
 *
 * @param inputPatch  the input patch (z, y, x)
 * @param outputPatch the kept centre of the output (z, y, x): the whole output of a valid-convolution network, or a
 *                    central crop of a same-padded one whose patch borders lack context
 * @param output      affinity (3 channels, DESIGN.md order) or boundary (1 channel, turned into affinities by the min rule)
 * @param inputScale  float input = raw * inputScale + inputOffset
 * @param inputOffset see inputScale
 * @param sigmoid     the output is logits: apply a sigmoid before blending
 */
public record ModelSpec(int[] inputPatch, int[] outputPatch, Output output, double inputScale, double inputOffset, boolean sigmoid) {
    public enum Output {
        affinity(3), boundary(1);

        public final int channels;

        Output(int channels) {
            this.channels = channels;
        }
    }

    private static final Set<String> REQUIRED = Set.of("input_patch", "output_patch", "output", "input_scale", "input_offset", "sigmoid");
    private static final Set<String> OPTIONAL = Set.of("description", "format");

    public ModelSpec {
        inputPatch = inputPatch.clone();
        outputPatch = outputPatch.clone();
    }

    /** Validates a parsed sidecar; {@code where} names it in messages. */
    public static ModelSpec parse(Map<String, Object> json, String where) {
        Set<String> unknown = new TreeSet<>(json.keySet());
        unknown.removeAll(REQUIRED);
        unknown.removeAll(OPTIONAL);
        if (!unknown.isEmpty()) {
            throw bad(where, "unknown field(s) " + unknown + "; the fields are " + new TreeSet<>(REQUIRED) + " and optionally " + new TreeSet<>(OPTIONAL));
        }
        Set<String> missing = new TreeSet<>(REQUIRED);
        missing.removeAll(json.keySet());
        if (!missing.isEmpty()) {
            throw bad(where, "missing field(s) " + missing);
        }
        int[] in = patch(json.get("input_patch"), "input_patch", where);
        int[] out = patch(json.get("output_patch"), "output_patch", where);
        for (int a = 0; a < 3; a++) {
            if (out[a] > in[a]) {
                throw bad(where, "output_patch " + Arrays.toString(out) + " is larger than input_patch " + Arrays.toString(in) + " (z, y, x)");
            }
            if ((in[a] - out[a]) % 2 != 0) {
                throw bad(where, "input_patch " + Arrays.toString(in) + " minus output_patch " + Arrays.toString(out)
                        + " must be even on every axis (the output is the input's centre)");
            }
        }
        Object kind = json.get("output");
        Output o;
        try {
            o = Output.valueOf(String.valueOf(kind));
        } catch (IllegalArgumentException e) {
            throw bad(where, "output '" + kind + "' must be 'affinity' (3 channels) or 'boundary' (1 channel)");
        }
        double scale = number(json.get("input_scale"), "input_scale", where);
        double offset = number(json.get("input_offset"), "input_offset", where);
        if (scale == 0) {
            throw bad(where, "input_scale 0 would feed the model a constant");
        }
        if (!(json.get("sigmoid") instanceof Boolean s)) {
            throw bad(where, "sigmoid '" + json.get("sigmoid") + "' must be true or false");
        }
        return new ModelSpec(in, out, o, scale, offset, s);
    }

    /** Voxels the output loses to each side of the input patch (z, y, x). */
    public int[] margin() {
        return new int[] {(inputPatch[0] - outputPatch[0]) / 2, (inputPatch[1] - outputPatch[1]) / 2, (inputPatch[2] - outputPatch[2]) / 2};
    }

    /**
     * The chunk halo (z, y, x) that makes chunked inference equal whole-volume inference in the chunk cores: the margin
     * (every kept output voxel sees its whole field of view) plus one, because an affinity joins a voxel to its
     * predecessor.
     */
    public int[] halo() {
        int[] m = margin();
        return new int[] {m[0] + 1, m[1] + 1, m[2] + 1};
    }

    public int channels() {
        return output.channels;
    }

    private static int[] patch(Object v, String field, String where) {
        if (!(v instanceof List<?> l) || l.size() != 3) {
            throw bad(where, field + " '" + v + "' must be a list of three sizes [z, y, x]");
        }
        int[] p = new int[3];
        for (int a = 0; a < 3; a++) {
            if (!(l.get(a) instanceof Integer i) || i < 1) {
                throw bad(where, field + " " + l + " must hold three positive integers [z, y, x]");
            }
            p[a] = i;
        }
        return p;
    }

    private static double number(Object v, String field, String where) {
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw bad(where, field + " '" + v + "' must be a finite number");
        }
        return n.doubleValue();
    }

    private static BasinException bad(String where, String what) {
        return BasinException.badInput(where + ": " + what);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && Arrays.equals(inputPatch, m.inputPatch) && Arrays.equals(outputPatch, m.outputPatch)
                && output == m.output && inputScale == m.inputScale && inputOffset == m.inputOffset && sigmoid == m.sigmoid;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inputPatch) * 31 + Arrays.hashCode(outputPatch);
    }

    @Override
    public String toString() {
        return "ModelSpec[input_patch=" + Arrays.toString(inputPatch) + ", output_patch=" + Arrays.toString(outputPatch) + ", output=" + output
                + ", input_scale=" + inputScale + ", input_offset=" + inputOffset + ", sigmoid=" + sigmoid + "]";
    }
}
