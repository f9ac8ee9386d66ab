package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.basin.io.Digest;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.omni.OmniCommandFileTest;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
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

    /** The region file holds no voxels: omni-project reads its box from the volumes and checks they are the ones cut. */
    @Test
    void theProjectIsReadFromTheVolumesAndRefusedWhenTheyChangedSince() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path truth = dir.resolve("truth.h5");
        assertEquals(0, CliTest.run("phantom", "--shape", "24,20,8", "--output", raw.toString(), "--truth", truth.toString()).code());
        Path regions = dir.resolve("regions");
        assertEquals(0, CliTest.run("omnify-chop", "--segmentation", truth.toString(), "--raw", raw.toString(), "--divs", "2,1,1", "--overlap",
                "2,0,0", "--out-dir", regions.toString()).code());
        Path file = regions.resolve("region_0_0_0.h5");
        assertEquals(2, CliTest.run("info", file.toString(), "--dataset", "channel").code(), "no copy of the raw in the region file: no such dataset");
        CliTest.Run o = CliTest.run("omni-project", "--region", file.toString(), "--out-dir", dir.resolve("omni").toString());
        assertEquals(0, o.code(), o.err());
        // the project's voxels: raw as it is, segments as local ids through the region's own map
        Block channel;
        Block seg;
        try (VolumeReader r = Volumes.open(dir.resolve("omni/region_0_0_0/channel.h5"), "main")) {
            channel = r.readAll();
        }
        try (VolumeReader r = Volumes.open(dir.resolve("omni/region_0_0_0/segmentation.h5"), "main")) {
            seg = r.readAll();
        }
        Box box = new Box(new int[] {0, 0, 0}, new int[] {8, 20, 14}); // x 0..12 + overlap 2
        Block rawBox;
        Block truthBox;
        try (VolumeReader r = Volumes.open(raw, null)) {
            rawBox = r.read(box);
        }
        try (VolumeReader r = Volumes.open(truth, null)) {
            truthBox = r.read(box).convert(DType.UINT64);
        }
        assertArrayEquals(rawBox.bytes(), channel.bytes());
        long[] idMap = Hdf5Files.readTable(file, "id_map").longs();
        for (int i = 0; i < seg.length(); i++) {
            assertEquals(truthBox.longs()[i], idMap[seg.ints()[i]]);
        }
        // the raw changed in the region's box since omnify-chop: exit 3, nothing written
        Block whole;
        try (VolumeReader r = Volumes.open(raw, null)) {
            whole = r.readAll();
        }
        Hdf5Files.write(raw, Map.of(), List.of(Hdf5Files.Entry.of("raw", patched(whole, (3 * 20 + 4) * 24 + 5))),
                false);
        CliTest.Run stale = CliTest.run("omni-project", "--region", file.toString(), "--out-dir", dir.resolve("omni2").toString());
        assertEquals(3, stale.code(), stale.err());
        assertTrue(stale.err().contains("are not those omnify-chop cut it from") && stale.err().contains("rerun omnify-chop"), stale.err());
        assertFalse(Files.exists(dir.resolve("omni2/region_0_0_0")));
    }

    /**
     * The pipeline's region: its digest is that of the store chunks it reads (--input-digest), recorded as such, and
     * omni-project makes the same project from it as from a region whose digest is of its voxels.
     */
    @Test
    void aRegionKeyedOnStoreChunkDigestsMakesTheSameProject() throws Exception {
        Path raw = dir.resolve("raw.h5");
        Path truth = dir.resolve("truth.h5");
        assertEquals(0, CliTest.run("phantom", "--shape", "24,20,8", "--output", raw.toString(), "--truth", truth.toString()).code());
        String digest = "0123456789abcdef0123456789abcdef";
        assertEquals(0, CliTest.run("omnify-chop", "--segmentation", truth.toString(), "--raw", raw.toString(), "--divs", "2,1,1", "--overlap",
                "2,0,0", "--region", "1,0,0", "--input-digest", digest, "--out-dir", dir.resolve("keyed").toString()).code());
        assertEquals(0, CliTest.run("omnify-chop", "--segmentation", truth.toString(), "--raw", raw.toString(), "--divs", "2,1,1", "--overlap",
                "2,0,0", "--region", "1,0,0", "--out-dir", dir.resolve("voxels").toString()).code());
        Map<String, Object> keyed = Hdf5Files.readAttributes(dir.resolve("keyed/region_1_0_0.h5"));
        assertEquals(digest, keyed.get("region_digest"));
        assertEquals("store_chunks", keyed.get("region_digest_of"));
        Map<String, Object> ofVoxels = Hdf5Files.readAttributes(dir.resolve("voxels/region_1_0_0.h5"));
        assertEquals("voxels", ofVoxels.get("region_digest_of"));
        assertFalse(digest.equals(ofVoxels.get("region_digest")));
        for (String which : new String[] {"keyed", "voxels"}) {
            CliTest.Run o = CliTest.run("omni-project", "--region", dir.resolve(which + "/region_1_0_0.h5").toString(), "--out-dir",
                    dir.resolve("omni-" + which).toString());
            assertEquals(0, o.code(), o.err());
        }
        for (String f : new String[] {"channel.h5", "segmentation.h5"}) {
            try (VolumeReader a = Volumes.open(dir.resolve("omni-keyed/region_1_0_0/" + f), "main");
                    VolumeReader b = Volumes.open(dir.resolve("omni-voxels/region_1_0_0/" + f), "main")) {
                Block x = a.readAll();
                Block y = b.readAll();
                assertEquals(12 * 20 * 8, x.length(), f); // x 12..24: the last region; the overlap extends the regions below it
                assertEquals(y.dtype(), x.dtype(), f);
                assertEquals(Digest.of(y), Digest.of(x), f);
            }
        }
        assertEquals(Files.readString(dir.resolve("omni-voxels/region_1_0_0/id_map.csv")), Files.readString(dir.resolve("omni-keyed/region_1_0_0/id_map.csv")));
    }

    /** A copy of the block's voxels with one byte flipped. */
    private static Block patched(Block b, int at) {
        Block c = Block.allocate(b.dtype(), b.box());
        System.arraycopy(b.bytes(), 0, c.bytes(), 0, b.bytes().length);
        c.bytes()[at] ^= 1;
        return c;
    }
}
