package org.basin.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.junit.jupiter.api.Test;

class ModelSpecTest {
    private static Map<String, Object> good() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input_patch", List.of(20, 64, 64));
        m.put("output_patch", List.of(16, 48, 48));
        m.put("output", "affinity");
        m.put("input_scale", 0.5);
        m.put("input_offset", -1);
        m.put("sigmoid", true);
        return m;
    }

    private static String error(Map<String, Object> m) {
        BasinException e = assertThrows(BasinException.class, () -> ModelSpec.parse(m, "net.json"));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith("net.json: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsEveryField() {
        ModelSpec s = ModelSpec.parse(good(), "net.json");
        assertArrayEquals(new int[] {20, 64, 64}, s.inputPatch());
        assertArrayEquals(new int[] {2, 8, 8}, s.margin());
        assertArrayEquals(new int[] {3, 9, 9}, s.halo());
        assertEquals(ModelSpec.Output.affinity, s.output());
        assertEquals(3, s.channels());
        assertEquals(-1.0, s.inputOffset());
        assertTrue(s.sigmoid());
    }

    @Test
    void everyWrongOrMissingFieldIsNamed() {
        Map<String, Object> m = good();
        m.put("input_size", 3);
        assertTrue(error(m).contains("unknown field(s) [input_size]"));
        m = good();
        m.remove("sigmoid");
        m.remove("output");
        assertTrue(error(m).contains("missing field(s) [output, sigmoid]"));
        m = good();
        m.put("input_patch", List.of(20, 64));
        assertTrue(error(m).contains("input_patch '[20, 64]' must be a list of three sizes [z, y, x]"));
        m = good();
        m.put("output_patch", List.of(16, 0, 48));
        assertTrue(error(m).contains("must hold three positive integers"));
        m = good();
        m.put("output_patch", List.of(16, 80, 48));
        assertTrue(error(m).contains("output_patch [16, 80, 48] is larger than input_patch [20, 64, 64]"));
        m = good();
        m.put("output_patch", List.of(15, 48, 48));
        assertTrue(error(m).contains("must be even on every axis"));
        m = good();
        m.put("output", "affinities");
        assertTrue(error(m).contains("output 'affinities' must be 'affinity' (3 channels) or 'boundary' (1 channel)"));
        m = good();
        m.put("input_scale", "1/255");
        assertTrue(error(m).contains("input_scale '1/255' must be a finite number"));
        m = good();
        m.put("input_scale", 0);
        assertTrue(error(m).contains("input_scale 0"));
        m = good();
        m.put("sigmoid", "yes");
        assertTrue(error(m).contains("sigmoid 'yes' must be true or false"));
    }
}
