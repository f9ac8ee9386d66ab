package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.io.Json;
import org.basin.io.OmeZarr;
import org.basin.io.StoreLayout;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewCommandTest {
    @TempDir
    Path dir;

    @Test
    void stateOnlyWritesTheStateWithThePlaceholderBase() throws Exception {
        Path out = dir.resolve("results");
        OmeZarr.create(out.resolve("segmentation.zarr"), "segmentation", DType.UINT64, 0, new int[] {8, 16, 24},
                StoreLayout.single(StoreLayout.Format.zarr2, new int[] {8, 16, 24}, null, "zlib"), new double[] {30, 6, 6}, Map.of()).close();
        CliTest.Run r = CliTest.run("view", out.toString(), "--state-only");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> state = Json.read(out.resolve("neuroglancer.json"));
        assertEquals(List.of(12, 8, 4), state.get("position"));
        assertTrue(Json.write(state).contains("zarr2://@OUTDIR@/segmentation.zarr"), Json.write(state));
        assertTrue(r.err().contains("no affinities layer: no affinities.zarr or affinities.n5 in " + out), r.err());
        assertTrue(r.err().contains("no raw layer"), r.err());

        Path elsewhere = dir.resolve("task/neuroglancer.json"); // the pipeline task writes in its work folder
        Files.createDirectories(elsewhere.getParent());
        assertEquals(0, CliTest.run("view", out.toString(), "--state-only", "--output", elsewhere.toString()).code());
        assertEquals(Files.readString(out.resolve("neuroglancer.json")), Files.readString(elsewhere));
    }

    @Test
    void badArguments() {
        CliTest.Run r = CliTest.run("view", dir.resolve("nope").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(dir.resolve("nope") + ": no such folder (give a run's --outdir)"), r.err());
        r = CliTest.run("view", dir.toString(), "--port", "70000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--port 70000 is not a port number 0..65535"), r.err());
        r = CliTest.run("view", dir.toString(), "--state-only");
        assertEquals(3, r.code());
        assertTrue(r.err().contains(dir + ": no segmentation store (segmentation.zarr or segmentation.n5) to view"), r.err());
        assertFalse(Files.exists(dir.resolve("neuroglancer.json")), "nothing half-written");
    }
}
