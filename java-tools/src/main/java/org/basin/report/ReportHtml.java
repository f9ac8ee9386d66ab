package org.basin.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: pictures as data: URIs, the histogram as inline SVG, styles inline; no
 * script, font or link to anything outside it, so it opens offline and can be mailed.
 */
public final class ReportHtml {
    private ReportHtml() {
    }

    /** {@code stages} null: the run has not finished (the table comes when it has); {@code run}: what the head node knows, or null. */
    public static String render(ReportData d, List<StageTimes.Stage> stages, Map<String, Object> run) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>basin report: ")
                .append(esc(d.sample())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;")
                .append("border-bottom:1px solid #ccc}table{border-collapse:collapse;font-size:.9em}td,th{padding:2px 8px;border-bottom:1px solid #eee;")
                .append("text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}figure{margin:0 0 1em 0}figcaption{font-size:.85em;color:#555}")
                .append("img{image-rendering:pixelated;max-width:100%;height:auto}.note{color:#666;font-size:.9em}\n</style>\n</head>\n<body>\n");
        h.append("<h1>basin report: ").append(esc(d.sample())).append("</h1>\n");
        summary(h, d, run);
        slices(h, d);
        histogram(h, d.histogram());
        largest(h, d);
        stages(h, stages);
        scores(h, d.scores());
        params(h, d.params());
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, ReportData d, Map<String, Object> run) {
        int[] s = d.shapeZyx();
        double[] v = d.voxelSizeZyx();
        long voxels = (long) s[0] * s[1] * s[2];
        h.append("<table id=\"summary\">\n");
        row(h, "volume (x, y, z)", s[2] + " x " + s[1] + " x " + s[0] + " voxels");
        row(h, "voxel size (x, y, z)", num(v[2]) + " x " + num(v[1]) + " x " + num(v[0]) + " nm");
        row(h, "segments", String.valueOf(d.segments()));
        row(h, "labelled voxels", d.labelledVoxels() + String.format(Locale.ROOT, " (%.1f%%)", voxels == 0 ? 0 : 100.0 * d.labelledVoxels() / voxels));
        if (d.scores() != null) {
            row(h, "scores", scoreLine(d.scores()));
        }
        if (run != null) {
            run.forEach((k, val) -> row(h, k, String.valueOf(val)));
        }
        h.append("</table>\n");
    }

    /** VOI split / merge and adapted Rand error, as the run's end prints them; empty when the scores lack them. */
    public static String scoreLine(Map<String, Object> scores) {
        StringBuilder sb = new StringBuilder();
        for (String[] k : new String[][] {{"voi_split", "VOI split"}, {"voi_merge", "VOI merge"}, {"adapted_rand_error", "adapted Rand error"}}) {
            if (scores.get(k[0]) instanceof Number n) {
                sb.append(sb.length() == 0 ? "" : ", ").append(k[1]).append(' ').append(String.format(Locale.ROOT, "%.4f", n.doubleValue()));
            }
        }
        return sb.toString();
    }

    private static void slices(StringBuilder h, ReportData d) {
        h.append("<h2>Slices</h2>\n<p class=\"note\">raw | affinities (x red, y green, z blue) | segmentation (a colour per id, ")
                .append("boundaries black, background black); each panel has a scale bar.</p>\n");
        for (SliceImage s : d.slices()) {
            h.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(s.png())).append("\" width=\"")
                    .append(s.width()).append("\" height=\"").append(s.height()).append("\" alt=\"slice z=").append(s.z()).append("\">\n<figcaption>z = ")
                    .append(s.z()).append(" (level ").append(esc(s.level())).append(", its slice ").append(s.levelZ())
                    .append(s.cropped() ? ", the centred crop from x " + s.x0() + ", y " + s.y0() : "").append("; a pixel is ").append(num(s.nmPerPixel()))
                    .append(" nm; scale bar ").append(esc(s.scaleBar())).append("; ").append(esc(s.file())).append(")</figcaption></figure>\n");
        }
    }

    private static void histogram(StringBuilder h, Histogram hist) {
        h.append("<h2>Segment sizes</h2>\n");
        long[] c = hist.counts();
        long max = 1;
        for (long v : c) {
            max = Math.max(max, v);
        }
        int bw = 28;
        int ch = 180;
        int left = 50;
        int width = left + Math.max(1, c.length) * bw + 10;
        int height = ch + 50;
        h.append("<svg id=\"size-histogram\" width=\"").append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height).append("\" role=\"img\" aria-label=\"segment size histogram\">\n");
        h.append("<line x1=\"").append(left).append("\" y1=\"10\" x2=\"").append(left).append("\" y2=\"").append(ch + 10)
                .append("\" stroke=\"#444\"/>\n<text x=\"").append(left - 4).append("\" y=\"16\" font-size=\"10\" text-anchor=\"end\">").append(max)
                .append("</text>\n<text x=\"").append(left - 4).append("\" y=\"").append(ch + 10).append("\" font-size=\"10\" text-anchor=\"end\">0</text>\n");
        for (int i = 0; i < c.length; i++) {
            int bh = (int) Math.round((double) ch * c[i] / max);
            int x = left + i * bw;
            h.append("<rect x=\"").append(x + 2).append("\" y=\"").append(ch + 10 - bh).append("\" width=\"").append(bw - 4).append("\" height=\"")
                    .append(bh).append("\" fill=\"#4a7ab5\"><title>").append(hist.lower()[i]).append(" to ").append(hist.upper(i) - 1)
                    .append(" voxels: ").append(c[i]).append(" segments</title></rect>\n");
            if (i % 2 == 0) {
                h.append("<text x=\"").append(x + bw / 2).append("\" y=\"").append(ch + 24).append("\" font-size=\"9\" text-anchor=\"middle\">2^")
                        .append(i).append("</text>\n");
            }
        }
        h.append("<text x=\"").append(left + c.length * bw / 2).append("\" y=\"").append(ch + 42)
                .append("\" font-size=\"11\" text-anchor=\"middle\">voxels per segment (log2 bins)</text>\n</svg>\n");
        h.append("<table id=\"size-bins\">\n<tr><th>voxels</th><th>segments</th></tr>\n");
        for (int i = 0; i < c.length; i++) {
            h.append("<tr><td>").append(hist.lower()[i]).append(" - ").append(hist.upper(i) - 1).append("</td><td>").append(c[i]).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void largest(StringBuilder h, ReportData d) {
        h.append("<h2>Largest segments</h2>\n<table id=\"largest\">\n<tr><th>rank</th><th>id</th><th>voxels</th><th>of labelled</th>")
                .append("<th class=\"l\">bounding box x, y, z (first - last voxel)</th></tr>\n");
        int rank = 1;
        for (Segment s : d.largest()) {
            h.append("<tr><td>").append(rank++).append("</td><td>").append(Long.toUnsignedString(s.id())).append("</td><td>").append(s.voxels())
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f%%", d.labelledVoxels() == 0 ? 0 : 100.0 * s.voxels() / d.labelledVoxels()))
                    .append("</td><td class=\"l\">");
            if (s.min() != null) {
                h.append(s.min()[2]).append('-').append(s.max()[2] - 1).append(", ").append(s.min()[1]).append('-').append(s.max()[1] - 1)
                        .append(", ").append(s.min()[0]).append('-').append(s.max()[0] - 1);
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void stages(StringBuilder h, List<StageTimes.Stage> stages) {
        h.append("<h2>Stages</h2>\n");
        if (stages == null) {
            h.append("<p class=\"note\" id=\"stages-pending\">The per-stage table comes from the Nextflow trace, which is complete when the run ends: ")
                    .append("the pipeline rewrites this page then (<code>basin report --trace</code>).</p>\n");
            return;
        }
        h.append("<p class=\"note\">From the Nextflow trace: wall = task realtime, CPU = realtime x %cpu, peak RSS = the largest task's; ")
                .append("cached tasks count with the times of the run that computed them.</p>\n<table id=\"stages\">\n<tr><th class=\"l\">process</th>")
                .append("<th>tasks</th><th>cached</th><th>failed</th><th>wall sum</th><th>wall max</th><th>CPU sum</th><th>CPU max</th><th>peak RSS max</th></tr>\n");
        for (StageTimes.Stage s : stages) {
            stageRow(h, s, false);
        }
        stageRow(h, StageTimes.total(stages), true);
        h.append("</table>\n");
    }

    private static void stageRow(StringBuilder h, StageTimes.Stage s, boolean total) {
        String td = total ? "<th>" : "<td>";
        String end = total ? "</th>" : "</td>";
        h.append("<tr>").append(total ? "<th class=\"l\">" : "<td class=\"l\">").append(esc(s.process())).append(end);
        for (Object v : new Object[] {s.tasks(), s.cached(), s.failed(), seconds(s.wallSumMs()), seconds(s.wallMaxMs()), seconds(s.cpuSumMs()),
            seconds(s.cpuMaxMs()), megabytes(s.peakRssMaxBytes())}) {
            h.append(td).append(v).append(end);
        }
        h.append("</tr>\n");
    }

    static String seconds(long ms) {
        return ms < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String megabytes(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    @SuppressWarnings("unchecked")
    private static void scores(StringBuilder h, Map<String, Object> scores) {
        h.append("<h2>Scores</h2>\n");
        if (scores == null) {
            h.append("<p class=\"note\">No ground truth given (--truth): no scores.</p>\n");
            return;
        }
        h.append("<table id=\"scores\">\n");
        scores.forEach((k, v) -> {
            if (!(v instanceof List<?>) && !(v instanceof Map<?, ?>)) {
                row(h, k, v instanceof Double x ? String.format(Locale.ROOT, "%.4f", x) : String.valueOf(v));
            }
        });
        h.append("</table>\n");
        if (scores.get("results") instanceof List<?> results && !results.isEmpty()) {
            h.append("<p>Per agglomeration threshold:</p>\n<table id=\"agglomeration-scores\">\n<tr><th>threshold</th><th>VOI split</th><th>VOI merge</th>")
                    .append("<th>adapted Rand error</th><th>segments</th></tr>\n");
            for (Object o : results) {
                Map<String, Object> r = (Map<String, Object>) o;
                h.append("<tr>");
                for (String k : new String[] {"threshold", "voi_split", "voi_merge", "adapted_rand_error", "segments"}) {
                    Object v = r.get(k);
                    h.append("<td>").append(v instanceof Double x ? String.format(Locale.ROOT, k.equals("threshold") ? "%.3f" : "%.4f", x) : esc(String.valueOf(v)))
                            .append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static void params(StringBuilder h, Map<String, Object> params) {
        h.append("<h2>Parameters</h2>\n");
        if (params == null || params.isEmpty()) {
            h.append("<p class=\"note\">Not given.</p>\n");
            return;
        }
        h.append("<table id=\"params\">\n");
        params.forEach((k, v) -> row(h, k, String.valueOf(v)));
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th class=\"l\">").append(esc(key)).append("</th><td class=\"l\">").append(esc(value)).append("</td></tr>\n");
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** HTML text: the five characters that could open markup or end an attribute. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
