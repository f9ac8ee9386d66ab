package org.basin.stitch;

import java.util.LinkedHashMap;
import java.util.Map;
import org.basin.volume.Box;
import org.basin.watershed.Linkage;

/**
 * A merge task's state and record as named primitive arrays (int[], long[], float[]), for a file format to store:
 * what {@code basin merge-level} writes and reads. Names under a prefix; a null array (a face on the volume's edge, a
 * column not kept) is left out.
 */
public final class MergeArrays {
    private MergeArrays() {
    }

    public static Map<String, Object> ofState(MergeState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state/task", new int[] {s.task()});
        m.put("state/box", new int[] {s.box().min(0), s.box().min(1), s.box().min(2), s.box().max(0), s.box().max(1), s.box().max(2)});
        m.put("state/sizes", s.sizes());
        m.put("state/growth/w", s.growth().w());
        m.put("state/growth/key", s.growth().key());
        m.put("state/growth/label", s.growth().id());
        m.put("state/growth/voxels", s.growth().voxels());
        for (int d = 0; d < 6; d++) {
            put(m, "state/plane_" + d, s.planes()[d]);
        }
        for (int a = 0; a < 3; a++) {
            put(m, "state/lower_affinity_" + a, s.lowerAffinity()[a]);
        }
        m.put("state/crossings/voxel", s.crossings().voxel());
        m.put("state/crossings/dir", s.crossings().dir());
        m.put("state/crossings/label", s.crossings().label());
        m.put("state/plateaus/voxel", s.plateaus().voxel());
        m.put("state/plateaus/edges", s.plateaus().edges());
        m.put("state/plateaus/exit", s.plateaus().exit());
        m.put("state/plateaus/label", s.plateaus().label());
        m.put("state/plateaus/exit_label", s.plateaus().exitLabel());
        links(m, "state/graph/", s.graph());
        links(m, "state/candidates/", s.candidates());
        links(m, "state/decided/", s.decided());
        return m;
    }

    public static MergeState state(Map<String, Object> m) {
        int[] box = (int[]) m.get("state/box");
        long[] sizes = (long[]) m.get("state/sizes");
        int[][] planes = new int[6][];
        for (int d = 0; d < 6; d++) {
            planes[d] = (int[]) m.get("state/plane_" + d);
        }
        float[][] lower = new float[3][];
        for (int a = 0; a < 3; a++) {
            lower[a] = (float[]) m.get("state/lower_affinity_" + a);
        }
        return new MergeState(((int[]) m.get("state/task"))[0], new Box(new int[] {box[0], box[1], box[2]}, new int[] {box[3], box[4], box[5]}),
                sizes.length - 1, sizes,
                new Linkage.Growth((float[]) m.get("state/growth/w"), (long[]) m.get("state/growth/key"), (int[]) m.get("state/growth/label"),
                        (long[]) m.get("state/growth/voxels")),
                planes, lower,
                new MergeState.Crossings((long[]) m.get("state/crossings/voxel"), (int[]) m.get("state/crossings/dir"), (int[]) m.get("state/crossings/label")),
                new MergeState.Plateaus((long[]) m.get("state/plateaus/voxel"), (int[]) m.get("state/plateaus/edges"), (int[]) m.get("state/plateaus/exit"),
                        (int[]) m.get("state/plateaus/label"), (int[]) m.get("state/plateaus/exit_label")),
                links(m, "state/graph/"), links(m, "state/candidates/"), links(m, "state/decided/"));
    }

    /** A task's record: where its ids went and what it put out. */
    public static Map<String, Object> ofRecord(String prefix, int[] resolution, int finalCount, Links tree, Links graph) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "resolution", resolution);
        m.put(prefix + "final_count", new int[] {finalCount});
        links(m, prefix + "tree/", tree);
        links(m, prefix + "graph/", graph);
        return m;
    }

    public static int[] resolution(Map<String, Object> m, String prefix) {
        return (int[]) m.get(prefix + "resolution");
    }

    public static int finalCount(Map<String, Object> m, String prefix) {
        return ((int[]) m.get(prefix + "final_count"))[0];
    }

    public static Links tree(Map<String, Object> m, String prefix) {
        return links(m, prefix + "tree/");
    }

    public static Links graph(Map<String, Object> m, String prefix) {
        return links(m, prefix + "graph/");
    }

    private static void put(Map<String, Object> m, String name, Object array) {
        if (array != null) {
            m.put(name, array);
        }
    }

    private static void links(Map<String, Object> m, String p, Links l) {
        m.put(p + "a", l.a());
        m.put(p + "b", l.b());
        m.put(p + "w", l.w());
        m.put(p + "key", l.key());
        put(m, p + "sum", l.sum());
        put(m, p + "count", l.count());
        put(m, p + "va", l.va());
        put(m, p + "vb", l.vb());
    }

    private static Links links(Map<String, Object> m, String p) {
        return new Links((long[]) m.get(p + "a"), (long[]) m.get(p + "b"), (float[]) m.get(p + "w"), (long[]) m.get(p + "key"),
                (long[]) m.get(p + "sum"), (long[]) m.get(p + "count"), (long[]) m.get(p + "va"), (long[]) m.get(p + "vb"));
    }
}
