package org.basin.cli;

import static org.basin.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.io.Json;
import org.basin.io.N5Array;
import org.basin.io.N5Codec;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --scale N picks a level of any multiscale input: OME-Zarr (v3 here), N5 s0, s1, ..., precomputed scales. */
class ScaleOptionCliTest {
    @TempDir
    Path dir;

    static Map<String, Object> info(String... args) {
        CliTest.Run r = run(args);
        assertEquals(0, r.code(), r.err());
        return Json.parse(r.out(), "basin info --json");
    }

    @Test
    void eachFormatsLevelsAreListedAndOpenedByNumber() {
        Path precomputed = Path.of("src/test/resources/precomputed/raw_uint8");
        Map<String, Object> p0 = info("info", "--json", precomputed.toString());
        assertEquals(List.of("4_5_40", "8_10_80", "mip/2"), p0.get("levels"));
        Map<String, Object> p2 = info("info", "--json", "--scale", "2", precomputed.toString());
        assertEquals("mip/2", p2.get("dataset"));
        assertEquals("mip/2", p2.get("scale_dataset"));
        Map<String, Object> p1 = info("info", "--json", "--scale", "1", precomputed.toString());
        assertEquals("8_10_80", p1.get("dataset"));

        Path ome = Path.of("src/test/resources/zarr3/ome05.zarr");
        Map<String, Object> o1 = info("info", "--json", "--scale", "1", ome.toString());
        assertEquals("5,6,4", o1.get("shape_xyz"));
        assertEquals("16,16,80", o1.get("voxel_size_xyz"));

        Path n5 = dir.resolve("ms.n5");
        N5Array.createGroup(n5, Map.of());
        for (int s = 0; s < 3; s++) {
            int n = 16 >> s;
            try (N5Array a = N5Array.create(n5.resolve("s" + s), DType.UINT8, 0, new int[] {n, n, n}, new int[] {8, 8, 8}, N5Codec.RAW,
                    Map.of())) {
                Block b = Block.allocate(DType.UINT8, Box.ofShape(new int[] {n, n, n}));
                java.util.Arrays.fill(b.bytes(), (byte) (10 + s));
                a.write(b);
            }
        }
        Map<String, Object> n2 = info("info", "--json", "--scale", "2", n5.toString());
        assertTrue(String.valueOf(n2.get("path")).endsWith("s2"), String.valueOf(n2.get("path"))); // N5 names the dataset folder itself
        assertEquals("4,4,4", n2.get("shape_xyz"));
        assertEquals(List.of("s0", "s1", "s2"), n2.get("levels"));
        assertEquals("s2", n2.get("scale_dataset"));
    }

    @Test
    void aLevelTheVolumeLacksBothOptionsAtOnceAndASingleScaleVolumeAreExit2() {
        Path precomputed = Path.of("src/test/resources/precomputed/raw_uint8");
        CliTest.Run far = run("info", "--scale", "3", precomputed.toString());
        assertEquals(2, far.code());
        assertTrue(far.err().contains("--scale 3 is not one of its 3 levels 0..2 [4_5_40, 8_10_80, mip/2]"), far.err());
        CliTest.Run both = run("info", "--scale", "1", "--dataset", "8_10_80", precomputed.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("give --dataset '8_10_80' or --scale 1, not both"), both.err());
        CliTest.Run flat = run("info", "--scale", "0", "src/test/resources/zarr3/plain_uint8");
        assertEquals(2, flat.code());
        assertTrue(flat.err().contains("--scale 0 needs a multiscale volume"), flat.err());
    }
}
