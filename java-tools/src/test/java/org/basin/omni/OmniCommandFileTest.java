package org.basin.omni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.basin.volume.Box;
import org.junit.jupiter.api.Test;

/** The command file against Omni's headless grammar: offsets and resolutions parsed as unsigned integers. */
public class OmniCommandFileTest {
    // omni.play headless: "command:args"; setXxxResolution / setXxxAbsOffset take an id and three unsigned integers
    private static final List<Pattern> GRAMMAR = List.of(
            Pattern.compile("create:[^\\s,]+\\.omni"),
            Pattern.compile("loadHDF5(chann|seg):[^\\s,]+\\.h5"),
            Pattern.compile("set(Chan|Seg)Resolution:1,(\\d+),(\\d+),(\\d+)"),
            Pattern.compile("set(Chan|Seg)AbsOffset:1,(\\d+),(\\d+),(\\d+)"),
            Pattern.compile("mesh"),
            Pattern.compile("quit"));

    public static void assertOmniParses(String cmd) {
        for (String line : cmd.split("\n")) {
            boolean ok = false;
            for (Pattern p : GRAMMAR) {
                Matcher m = p.matcher(line);
                if (m.matches()) {
                    ok = true;
                    for (int g = 2; g <= m.groupCount(); g++) {
                        Long.parseUnsignedLong(m.group(g)); // what Omni's parser does; throws on "1,229.120"
                    }
                }
            }
            assertTrue(ok, "Omni's headless parser rejects: " + line);
        }
    }

    @Test
    void nonIntegerVoxelSizesGiveWholeNanometresAndSayTheyWereRounded() {
        double[] vs = {39.6, 4.3, 4.3}; // z, y, x
        Box box = new Box(new int[] {7, 53, 285}, new int[] {20, 90, 300});
        String cmd = OmniCommandFile.text("p.omni", "channel.h5", "segmentation.h5", box, vs);
        assertOmniParses(cmd);
        assertTrue(cmd.contains("setChanResolution:1,4,4,40\nsetChanAbsOffset:1,1140,212,280\n"), cmd);
        OmniCommandFile.Geometry g = OmniCommandFile.Geometry.of(box, vs);
        assertTrue(g.rounded());
        assertArrayEquals(new long[] {4, 4, 40}, g.resolutionXyz());
        assertEquals("voxel size 4.3,4.3,39.6 nm (x,y,z) rounded to 4,4,40 for Omni, which takes whole nm; offsets are the box's first"
                + " voxel times that", g.note(vs));
        // a sub-nm voxel is 1 nm, not 0
        assertArrayEquals(new long[] {1, 1, 1}, OmniCommandFile.Geometry.of(box, new double[] {0.3, 0.3, 0.3}).resolutionXyz());
        assertFalse(OmniCommandFile.Geometry.of(box, new double[] {40, 4, 4}).rounded());
    }
}
