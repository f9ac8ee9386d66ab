package org.basin.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-process wall time, CPU time and peak memory from a Nextflow trace table: tasks, sum and max. Values are the
 * trace's human-readable forms ({@code 1m 2s}, {@code 787ms}, {@code 104.1%}, {@code 158.9 MB}); {@code -} is none.
 * A task's CPU time is its realtime times its %cpu.
 */
public final class StageTimes {
    private StageTimes() {
    }

    /** One process's tasks: {@code tasks} all rows, of them {@code cached} and {@code failed}; times in ms, memory in bytes. */
    public record Stage(String process, int tasks, int cached, int failed, long wallSumMs, long wallMaxMs, long cpuSumMs, long cpuMaxMs,
            long peakRssMaxBytes) {
    }

    /** The stages in the order their first task appears, from the trace's header and rows. */
    public static List<Stage> of(List<String> header, List<String[]> rows) {
        int process = column(header, "process");
        int status = column(header, "status");
        int realtime = column(header, "realtime");
        int cpu = column(header, "%cpu");
        int rss = column(header, "peak_rss");
        Map<String, long[]> acc = new LinkedHashMap<>();
        for (String[] r : rows) {
            String name = r[process];
            name = name.substring(name.lastIndexOf(':') + 1);
            long[] a = acc.computeIfAbsent(name, k -> new long[] {0, 0, 0, 0, -1, 0, -1, -1});
            long wall = millis(r[realtime]);
            double pct = percent(r[cpu]);
            long cpuMs = wall < 0 || pct < 0 ? -1 : Math.round(wall * pct / 100);
            a[0]++;
            a[1] += r[status].equals("CACHED") ? 1 : 0;
            a[2] += r[status].equals("FAILED") || r[status].equals("ABORTED") ? 1 : 0;
            a[3] += Math.max(0, wall);
            a[4] = Math.max(a[4], wall);
            a[5] += Math.max(0, cpuMs);
            a[6] = Math.max(a[6], cpuMs);
            a[7] = Math.max(a[7], bytes(r[rss]));
        }
        List<Stage> out = new ArrayList<>();
        acc.forEach((name, a) -> out.add(new Stage(name, (int) a[0], (int) a[1], (int) a[2], a[3], a[4], a[5], a[6], a[7])));
        return out;
    }

    /** All stages together: task counts and sums added, maxima the largest. */
    public static Stage total(List<Stage> stages) {
        int tasks = 0;
        int cached = 0;
        int failed = 0;
        long wall = 0;
        long wallMax = -1;
        long cpu = 0;
        long cpuMax = -1;
        long rss = -1;
        for (Stage s : stages) {
            tasks += s.tasks();
            cached += s.cached();
            failed += s.failed();
            wall += s.wallSumMs();
            wallMax = Math.max(wallMax, s.wallMaxMs());
            cpu += s.cpuSumMs();
            cpuMax = Math.max(cpuMax, s.cpuMaxMs());
            rss = Math.max(rss, s.peakRssMaxBytes());
        }
        return new Stage("all", tasks, cached, failed, wall, wallMax, cpu, cpuMax, rss);
    }

    private static int column(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("the trace has no column '" + name + "' (has " + header + ")");
        }
        return i;
    }

    /** A trace duration ({@code 1h 2m 3s}, {@code 1.1s}, {@code 787ms}, {@code 2d 1h}) in ms; -1 for {@code -}. */
    public static long millis(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("-")) {
            return -1;
        }
        double ms = 0;
        for (String part : t.split("\\s+")) {
            String unit = part.replaceFirst("^[0-9.]+", "");
            double v = Double.parseDouble(part.substring(0, part.length() - unit.length()));
            ms += v * switch (unit) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                case "d" -> 86_400_000;
                default -> throw new IllegalArgumentException("duration '" + text + "': unknown unit '" + unit + "'");
            };
        }
        return Math.round(ms);
    }

    /** A trace percentage ({@code 104.1%}); -1 for {@code -}. */
    public static double percent(String text) {
        String t = text.trim();
        return t.isEmpty() || t.equals("-") ? -1 : Double.parseDouble(t.replace("%", ""));
    }

    /** A trace size ({@code 158.9 MB}, {@code 781 B}: powers of 1024) in bytes; -1 for {@code -}. */
    public static long bytes(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("-")) {
            return -1;
        }
        String[] p = t.split("\\s+");
        if (p.length != 2) {
            throw new IllegalArgumentException("size '" + text + "' is not a number and a unit");
        }
        int power = List.of("B", "KB", "MB", "GB", "TB", "PB").indexOf(p[1].toUpperCase(Locale.ROOT));
        if (power < 0) {
            throw new IllegalArgumentException("size '" + text + "': unknown unit '" + p[1] + "'");
        }
        return Math.round(Double.parseDouble(p[0]) * Math.pow(1024, power));
    }
}
