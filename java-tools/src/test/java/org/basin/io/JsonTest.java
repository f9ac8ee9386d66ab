package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @TempDir
    Path dir;

    @Test
    void writesMetadataPrettyPrintedInOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zarr_format", 2);
        m.put("shape", new int[] {3, 64});
        m.put("scale", new double[] {4.0, 0.5});
        m.put("size", 5_000_000_000L);
        m.put("level", 0.25f);
        m.put("filters", null);
        m.put("ok", true);
        m.put("axes", List.of(Map.of("name", "z")));
        m.put("empty", new long[0]);
        assertEquals("{\n  \"zarr_format\" : 2,\n  \"shape\" : [ 3, 64 ],\n  \"scale\" : [ 4.0, 0.5 ],\n  \"size\" : 5000000000,\n"
                + "  \"level\" : 0.25,\n  \"filters\" : null,\n  \"ok\" : true,\n  \"axes\" : [ {\n    \"name\" : \"z\"\n  } ],\n"
                + "  \"empty\" : [ ]\n}", Json.write(m));
    }

    @Test
    void readsNumbersAsTheNarrowestType() {
        Map<String, Object> m = Json.parse("{\"i\": 2, \"l\": 5000000000, \"b\": 123456789012345678901234, \"d\": 1e3, "
                + "\"s\": \"x\\u00e9\", \"n\": null, \"t\": false, \"a\": [1, [2.5], {\"k\": -1}]}", "test");
        assertEquals(Integer.valueOf(2), m.get("i"));
        assertEquals(Long.valueOf(5_000_000_000L), m.get("l"));
        assertEquals(new BigInteger("123456789012345678901234"), m.get("b"));
        assertEquals(Double.valueOf(1000.0), m.get("d"));
        assertEquals("x\u00e9", m.get("s"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
        assertEquals(Boolean.FALSE, m.get("t"));
        assertEquals(List.of(1, List.of(2.5), Map.of("k", -1)), m.get("a"));
        assertEquals(List.copyOf(m.keySet()), List.of("i", "l", "b", "d", "s", "n", "t", "a"));
    }

    @Test
    void roundTripsThroughAFile() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("voxel_size", new double[] {40, 4, 4});
        m.put("name", "seg \"v1\"");
        m.put("nested", Map.of("chunks", List.of(64, 64, 64)));
        Path f = dir.resolve("a.json");
        Json.write(f, m);
        assertTrue(Files.readString(f).endsWith("}\n"));
        Map<String, Object> back = Json.read(f);
        assertEquals(List.of(40.0, 4.0, 4.0), back.get("voxel_size"));
        assertEquals("seg \"v1\"", back.get("name"));
        assertEquals(Map.of("chunks", List.of(64, 64, 64)), back.get("nested"));
    }

    @Test
    void badJsonNamesTheFile() throws Exception {
        Path f = dir.resolve(".zarray");
        Files.writeString(f, "{\"zarr_format\": 2,");
        BasinException e = assertThrows(BasinException.class, () -> Json.read(f));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith(f + ": not valid JSON ("), e.getMessage());
        Files.writeString(f, "[1, 2]");
        e = assertThrows(BasinException.class, () -> Json.read(f));
        assertEquals(f + ": not valid JSON (expected an object, found [)", e.getMessage());
        e = assertThrows(BasinException.class, () -> Json.parse("", "model.onnx metadata"));
        assertEquals("model.onnx metadata: not valid JSON (expected an object, found nothing)", e.getMessage());
    }

    @Test
    void refusesValuesItCannotSpell() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("p", new Object())));
        assertEquals("cannot write java.lang.Object as JSON", e.getMessage());
    }
}
