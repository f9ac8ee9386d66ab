package org.basin.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.basin.io.Json;
import org.junit.jupiter.api.Test;

class ReportHtmlTest {
    static ReportData data() {
        List<SliceImage> slices = new ArrayList<>();
        for (int z : new int[] {1, 6}) {
            SlicePanels.Picture p = SlicePanels.render(null, null, SlicePanelsTest.segSlice(), 8);
            slices.add(new SliceImage(z, "0", z, 0, 0, 8, "slice_z0000" + z + ".png", p.image().getWidth(), p.image().getHeight(), p.bar().label(),
                    Png.encode(p.image())));
        }
        long[] sizes = {1, 2, 3, 4, 7, 8, 1000};
        SegmentSizes s = new SegmentSizes();
        for (int i = 0; i < sizes.length; i++) {
            s.add(i + 1, sizes[i]);
        }
        Map<String, Object> scores = new LinkedHashMap<>();
        scores.put("voi_split", 0.25);
        scores.put("voi_merge", 0.125);
        scores.put("adapted_rand_error", 0.0625);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("t_high", 0.9);
        params.put("sample", "demo <b>");
        return new ReportData("demo", new int[] {8, 10, 12}, new double[] {40, 8, 8}, s.segments(), 1025, s.histogram(), s.segments(s.largest(3)),
                slices, scores, params);
    }

    @Test
    void theImagesAreEmbeddedPngsOfTheirSizes() throws Exception {
        String html = ReportHtml.render(data(), StageTimes.of(StageTimesTest.HEADER, StageTimesTest.ROWS), null);
        Matcher m = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertNotNull(img, "a valid PNG");
            assertEquals(12 * 8, img.getWidth());
            assertEquals(10 * 8, img.getHeight());
            assertEquals(img.getWidth(), Integer.parseInt(m.group(2)));
            assertEquals(img.getHeight(), Integer.parseInt(m.group(3)));
            images++;
        }
        assertEquals(2, images);
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing outside the page");
        assertFalse(html.contains("<script") || html.contains("<link") || html.contains("url("), "no script, stylesheet or font from elsewhere");
        assertTrue(html.contains("scale bar 10 nm"), "the caption names the scale bar");
        assertTrue(html.contains("<td class=\"l\">demo &lt;b&gt;</td>"), "parameter values are escaped");
    }

    @Test
    void theHistogramAndTablesShowTheFiguresGiven() {
        String html = ReportHtml.render(data(), StageTimes.of(StageTimesTest.HEADER, StageTimesTest.ROWS), Map.of("run", "happy_turing"));
        String bins = html.substring(html.indexOf("<table id=\"size-bins\">"), html.indexOf("</table>", html.indexOf("<table id=\"size-bins\">")));
        long[] expected = {1, 2, 2, 1, 0, 0, 0, 0, 0, 1};
        Matcher m = Pattern.compile("<tr><td>(\\d+) - (\\d+)</td><td>(\\d+)</td></tr>").matcher(bins);
        int i = 0;
        while (m.find()) {
            assertEquals(1L << i, Long.parseLong(m.group(1)));
            assertEquals((1L << (i + 1)) - 1, Long.parseLong(m.group(2)));
            assertEquals(expected[i], Long.parseLong(m.group(3)), "bin " + i);
            i++;
        }
        assertEquals(expected.length, i);
        assertEquals(expected.length, html.split("<rect ", -1).length - 1, "one bar per bin");
        assertTrue(html.contains("<tr><td>1</td><td>7</td><td>1000</td><td>97.56%</td>"), "the largest segment first");
        // WATERSHED: 64.0 s wall, 61.5 s max, 33.8 s CPU (33.75), 30.8 s max, 1536.0 MB; the total row
        assertTrue(html.contains("<td class=\"l\">WATERSHED</td><td>3</td><td>1</td><td>0</td><td>64.0 s</td><td>61.5 s</td><td>33.8 s</td>"
                + "<td>30.8 s</td><td>1536.0 MB</td>"), html);
        assertTrue(html.contains("<th class=\"l\">all</th><th>5</th><th>1</th><th>1</th><th>3787.0 s</th>"), html);
        assertTrue(html.contains("VOI split 0.2500, VOI merge 0.1250, adapted Rand error 0.0625"));
        assertTrue(html.contains("happy_turing"));
        String pending = ReportHtml.render(data(), null, null);
        assertTrue(pending.contains("id=\"stages-pending\"") && !pending.contains("id=\"stages\""));
    }

    @Test
    void theDataRoundTripsThroughJson() {
        ReportData d = data();
        Map<String, Object> json = Json.parse(Json.write(d.toJson()), "report.json");
        Map<String, byte[]> files = new LinkedHashMap<>();
        d.slices().forEach(s -> files.put(s.file(), s.png()));
        ReportData back = ReportData.fromJson(json, files::get);
        assertEquals(ReportHtml.render(d, null, null), ReportHtml.render(back, null, null));
    }
}
