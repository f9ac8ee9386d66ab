package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.basin.io.Json;
import org.basin.omni.OmniCommandFileTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An Omni project of non-integer voxel size: whole-nm command file, the rounding in project.json, run.sh finding Omni. */
class OmniProjectCliTest {
    @TempDir
    Path dir;

    @Test
    void nonIntegerVoxelSizesAreRoundedForOmniAndRunShFindsOmniDesktopOrOmni() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path truth = dir.resolve("truth.h5");
        CliTest.Run p = CliTest.run("phantom", "--shape", "24,24,8", "--voxel-size", "4.3,4.3,39.6", "--output", raw.toString(), "--truth", truth.toString());
        assertEquals(0, p.code(), p.err());
        Path regions = dir.resolve("regions");
        CliTest.Run c = CliTest.run("omnify-chop", "--segmentation", truth.toString(), "--raw", raw.toString(), "--divs", "2,1,1", "--overlap", "2,0,0",
                "--out-dir", regions.toString());
        assertEquals(0, c.code(), c.err());
        Path omni = dir.resolve("omni");
        CliTest.Run o = CliTest.run("omni-project", "--region", regions.resolve("region_1_0_0.h5").toString(), "--out-dir", omni.toString());
        assertEquals(0, o.code(), o.err());
        Path project = omni.resolve("region_1_0_0");
        String cmd = Files.readString(project.resolve("omnify.cmd"));
        OmniCommandFileTest.assertOmniParses(cmd);
        assertTrue(cmd.contains("setSegResolution:1,4,4,40\nsetSegAbsOffset:1,48,0,0\n"), cmd); // region 1 starts at x 12: 12 * 4 nm, not 51.600
        Map<String, Object> info = Json.read(project.resolve("project.json"));
        assertTrue(String.valueOf(info.get("omni_rounding")).startsWith("voxel size 4.3,4.3,39.6 nm (x,y,z) rounded to 4,4,40 for Omni"), info.toString());

        // run.sh: omni.desktop (what Omni's build makes) on PATH, or $OMNI
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path fake = bin.resolve("omni.desktop");
        Files.writeString(fake, "#!/bin/sh\necho \"$0 $*\" > \"$(dirname \"$0\")/called\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", project.resolve("run.sh").toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().remove("OMNI");
        Process run = pb.start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, run.waitFor(), out);
        assertTrue(Files.readString(bin.resolve("called")).contains("omni.desktop --headless --cmdfile=omnify.cmd"));
        Files.delete(bin.resolve("called"));
        Path other = bin.resolve("my-omni");
        Files.move(fake, other);
        pb.environment().put("OMNI", other.toString());
        Process viaVar = pb.start();
        assertEquals(0, viaVar.waitFor(), new String(viaVar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(Files.readString(bin.resolve("called")).contains("my-omni --headless --cmdfile=omnify.cmd"));
        pb.environment().remove("OMNI");
        Process none = pb.start();
        String msg = new String(none.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(127, none.waitFor(), msg);
        assertTrue(msg.contains("neither omni nor omni.desktop is on PATH (or set OMNI=/path/to/omni)"), msg);
    }
}
