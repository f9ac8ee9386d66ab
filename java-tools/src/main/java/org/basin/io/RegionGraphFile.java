package org.basin.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.graph.RegionGraph;

/** The region graph between final segments that {@code stitch --region-graph} writes, read back and checked. */
public final class RegionGraphFile {
    private RegionGraphFile() {
    }

    /** The graph, its segment count and the digest of the segmentation's tree it belongs to (null if not recorded). */
    public record Contents(RegionGraph.Edges graph, int segments, String treeDigest) {
    }

    public static Contents read(Path path) {
        Map<String, Object> attrs = Hdf5Files.readAttributes(path);
        if (!(attrs.get("segments") instanceof Number segs) || !(attrs.get("edges") instanceof Number edges)) {
            throw BasinException.badInput(path + ": no 'segments' / 'edges' attributes: not a region graph from basin stitch --region-graph");
        }
        if (segs.longValue() < 0 || segs.longValue() >= Integer.MAX_VALUE) {
            throw BasinException.badInput(path + ": attribute segments = " + segs + " out of range");
        }
        if (attrs.get("sum_scale") instanceof Number scale && scale.doubleValue() != RegionGraph.SCALE) {
            throw BasinException.badInput(path + ": attribute sum_scale = " + scale + ", this basin sums in units of 2^-32 (" + RegionGraph.SCALE + ")");
        }
        String digest = attrs.get("tree_digest") instanceof String d ? d : null;
        int n = (int) edges.longValue();
        if (n == 0) {
            return new Contents(RegionGraph.Edges.NONE, segs.intValue(), digest);
        }
        Map<String, Hdf5Files.Table> t = Hdf5Files.readTables(path, List.of("edges", "affinity", "key", "sum", "count"));
        long[] ids = t.get("edges").longs();
        float[] w = t.get("affinity").floats();
        long[] key = t.get("key").longs();
        long[] sum = t.get("sum").longs();
        long[] count = t.get("count").longs();
        if (ids.length != 2L * n || w.length != n || key.length != n || sum.length != n || count.length != n) {
            throw BasinException.badInput(path + ": attribute edges = " + n + " but datasets hold edges " + ids.length / 2 + ", affinity "
                    + w.length + ", key " + key.length + ", sum " + sum.length + ", count " + count.length);
        }
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            long p = ids[2 * i];
            long q = ids[2 * i + 1];
            if (p <= 0 || q <= 0 || p > segs.longValue() || q > segs.longValue() || p == q) {
                throw BasinException.badInput(path + ":edges: row " + i + " (" + Long.toUnsignedString(p) + ", " + Long.toUnsignedString(q)
                        + ") is not a pair of segments 1.." + segs);
            }
            if (count[i] <= 0) {
                throw BasinException.badInput(path + ":count: row " + i + " is " + count[i] + " (a pair has at least one voxel edge)");
            }
            a[i] = (int) Math.min(p, q);
            b[i] = (int) Math.max(p, q);
        }
        return new Contents(new RegionGraph.Edges(a, b, w, key, sum, count), segs.intValue(), digest);
    }
}
