package org.basin.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a report shows, but the stage table (which only the finished run's trace gives): the volume, the segment
 * sizes, the largest segments, the slices, the scores (null without truth) and the run's parameters. Kept as
 * {@code report.json} beside the pictures so the head node can redo the page with the trace.
 */
public record ReportData(String sample, int[] shapeZyx, double[] voxelSizeZyx, long segments, long labelledVoxels, Histogram histogram,
        List<Segment> largest, List<SliceImage> slices, Map<String, Object> scores, Map<String, Object> params) {

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sample", sample);
        m.put("shape_zyx", shapeZyx);
        m.put("voxel_size_zyx", voxelSizeZyx);
        m.put("segments", segments);
        m.put("labelled_voxels", labelledVoxels);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("lower", histogram.lower());
        h.put("counts", histogram.counts());
        m.put("size_histogram", h);
        List<Object> top = new ArrayList<>();
        for (Segment s : largest) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", s.id());
            t.put("voxels", s.voxels());
            t.put("min_zyx", s.min());
            t.put("max_zyx", s.max());
            top.add(t);
        }
        m.put("largest", top);
        List<Object> sl = new ArrayList<>();
        for (SliceImage s : slices) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("z", s.z());
            t.put("level", s.level());
            t.put("level_z", s.levelZ());
            t.put("crop_yx", List.of(s.y0(), s.x0()));
            t.put("nm_per_pixel", s.nmPerPixel());
            t.put("file", s.file());
            t.put("width", s.width());
            t.put("height", s.height());
            t.put("scale_bar", s.scaleBar());
            sl.add(t);
        }
        m.put("slices", sl);
        m.put("scores", scores);
        m.put("params", params);
        return m;
    }

    /**
     * The data of {@link #toJson}, each slice's PNG from {@code png} (its file name to its bytes). A field that is
     * missing or of the wrong kind is an IllegalArgumentException naming it.
     */
    @SuppressWarnings("unchecked")
    public static ReportData fromJson(Map<String, Object> m, Function<String, byte[]> png) {
        Map<String, Object> h = (Map<String, Object>) field(m, "size_histogram", Map.class);
        List<Segment> largest = new ArrayList<>();
        for (Object o : (List<Object>) field(m, "largest", List.class)) {
            Map<String, Object> t = (Map<String, Object>) o;
            largest.add(new Segment(number(t, "id").longValue(), number(t, "voxels").longValue(), ints(t.get("min_zyx")), ints(t.get("max_zyx"))));
        }
        List<SliceImage> slices = new ArrayList<>();
        for (Object o : (List<Object>) field(m, "slices", List.class)) {
            Map<String, Object> t = (Map<String, Object>) o;
            String file = (String) field(t, "file", String.class);
            int[] crop = ints(field(t, "crop_yx", List.class));
            slices.add(new SliceImage(number(t, "z").intValue(), (String) field(t, "level", String.class), number(t, "level_z").intValue(),
                    crop[0], crop[1], number(t, "nm_per_pixel").doubleValue(), file, number(t, "width").intValue(),
                    number(t, "height").intValue(), (String) field(t, "scale_bar", String.class), png.apply(file)));
        }
        return new ReportData((String) field(m, "sample", String.class), ints(field(m, "shape_zyx", List.class)),
                doubles(field(m, "voxel_size_zyx", List.class)), number(m, "segments").longValue(), number(m, "labelled_voxels").longValue(),
                new Histogram(longs(field(h, "lower", List.class)), longs(field(h, "counts", List.class))), largest, slices,
                (Map<String, Object>) m.get("scores"), (Map<String, Object>) m.get("params"));
    }

    private static Object field(Map<String, Object> m, String key, Class<?> type) {
        Object v = m.get(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("field '" + key + "' is " + (v == null ? "missing" : "not a " + type.getSimpleName() + ": " + v));
        }
        return v;
    }

    private static Number number(Map<String, Object> m, String key) {
        return (Number) field(m, key, Number.class);
    }

    private static int[] ints(Object list) {
        return list == null ? null : ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    private static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(o -> ((Number) o).longValue()).toArray();
    }

    private static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }
}
