package org.basin.omni;

import java.util.ArrayList;
import java.util.List;
import org.basin.chunk.Chunk;
import org.basin.error.BasinException;
import org.basin.volume.Box;

/**
 * Proofreading regions: the volume split into {@code divs} near-equal parts per axis (as the original omnify
 * scripts' "divs"), each extended by {@code overlap} voxels into its upper neighbours. All arrays are (z, y, x).
 */
public final class RegionGrid {
    private RegionGrid() {
    }

    public static List<Chunk> regions(int[] shape, int[] divs, int[] overlap) {
        for (int a = 0; a < 3; a++) {
            if (divs[a] < 1 || divs[a] > shape[a]) {
                throw BasinException.badArguments("divs " + divs[2] + "," + divs[1] + "," + divs[0] + " (x,y,z) must be between 1 and the volume size "
                        + shape[2] + "," + shape[1] + "," + shape[0]);
            }
            if (overlap[a] < 0 || overlap[a] >= shape[a] / divs[a]) {
                throw BasinException.badArguments("overlap " + overlap[2] + "," + overlap[1] + "," + overlap[0]
                        + " (x,y,z) must be smaller than a region (" + shape[2] / divs[2] + "," + shape[1] / divs[1] + "," + shape[0] / divs[0] + ")");
            }
        }
        List<Chunk> out = new ArrayList<>();
        Box all = Box.ofShape(shape);
        for (int z = 0; z < divs[0]; z++) {
            for (int y = 0; y < divs[1]; y++) {
                for (int x = 0; x < divs[2]; x++) {
                    int[] p = {z, y, x};
                    int[] lo = new int[3];
                    int[] hi = new int[3];
                    for (int a = 0; a < 3; a++) {
                        lo[a] = (int) ((long) p[a] * shape[a] / divs[a]);
                        hi[a] = (int) ((long) (p[a] + 1) * shape[a] / divs[a]);
                    }
                    Box core = new Box(lo, hi);
                    out.add(new Chunk(p, core, core.grow(new int[3], overlap, all)));
                }
            }
        }
        return out;
    }
}
