package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.basin.io.Json;
import org.basin.snapshot.SliceRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** basin report through the CLI: drawn from the stores and the per-block tables, then redone with a trace. */
class ReportCliTest {
    @TempDir
    Path dir;

    /**
     * Called by {@link StoreDataFlowCliTest} with the stores its real tools wrote (48 x 40 x 20, 8 nm phantom voxels) and
     * relabel's per-block tables: the report's counts and boxes are the volume's, its pictures show its ids.
     */
    @SuppressWarnings("unchecked")
    static void theReportOfTheStoresIsTheirs(Path dir, Path raw, Path affinities, Path seg, Path sizes, long[] labels) throws Exception {
        Path out = dir.resolve("report");
        Files.writeString(dir.resolve("params.json"), "{\"t_high\": 0.9, \"sample\": \"tiny\"}");
        CliTest.Run r = CliTest.run("report", "--out-dir", out.toString(), "--segmentation", seg.toString(), "--affinities", affinities.toString(),
                "--raw", raw.toString(), "--segment-sizes", sizes.toString(), "--params", dir.resolve("params.json").toString(), "--sample", "tiny",
                "--largest", "3", "--summary");
        assertEquals(0, r.code(), r.err());
        long max = 0;
        Map<Long, Long> count = new HashMap<>();
        Map<Long, int[]> box = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            long id = labels[i];
            if (id == 0) {
                continue;
            }
            max = Math.max(max, id);
            count.merge(id, 1L, Long::sum);
            int[] p = {i / (40 * 48), i / 48 % 40, i % 48};
            int[] b = box.computeIfAbsent(id, k -> new int[] {p[0], p[1], p[2], p[0] + 1, p[1] + 1, p[2] + 1});
            for (int a = 0; a < 3; a++) {
                b[a] = Math.min(b[a], p[a]);
                b[a + 3] = Math.max(b[a + 3], p[a] + 1);
            }
        }
        assertEquals(max + " segments\n", r.out());
        Map<String, Object> json = Json.read(out.resolve("report.json"));
        assertEquals((int) max, ((Number) json.get("segments")).intValue());
        assertEquals(count.values().stream().mapToLong(Long::longValue).sum(), ((Number) json.get("labelled_voxels")).longValue());
        List<Map<String, Object>> largest = (List<Map<String, Object>>) json.get("largest");
        assertEquals(3, largest.size());
        long biggest = count.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertEquals(biggest, ((Number) largest.get(0).get("voxels")).longValue());
        for (Map<String, Object> l : largest) {
            long id = ((Number) l.get("id")).longValue();
            assertEquals(count.get(id), ((Number) l.get("voxels")).longValue(), "segment " + id);
            int[] b = box.get(id);
            assertEquals(List.of(b[0], b[1], b[2]), l.get("min_zyx"), "segment " + id);
            assertEquals(List.of(b[3], b[4], b[5]), l.get("max_zyx"), "segment " + id);
        }
        long[] hist = ((List<Object>) ((Map<String, Object>) json.get("size_histogram")).get("counts")).stream().mapToLong(o -> ((Number) o).longValue()).toArray();
        long[] expected = new long[hist.length];
        count.values().forEach(c -> expected[63 - Long.numberOfLeadingZeros(c)]++);
        assertArrayEquals(expected, hist);

        // 5 slices z 2, 6, 10, 14, 18; panels of 48 x 40 at 6x (256 / 48 rounded up), 3 of them with 4 px gaps
        List<Map<String, Object>> slices = (List<Map<String, Object>>) json.get("slices");
        assertEquals(List.of(2, 6, 10, 14, 18), slices.stream().map(m -> ((Number) m.get("z")).intValue()).toList());
        for (Map<String, Object> s : slices) {
            int z = ((Number) s.get("z")).intValue();
            BufferedImage img = ImageIO.read(out.resolve((String) s.get("file")).toFile());
            assertEquals(3 * 48 * 6 + 8, img.getWidth());
            assertEquals(40 * 6, img.getHeight());
            int x0 = 2 * (48 * 6 + 4);
            int checked = 0;
            for (int y = 1; y < 30; y += 3) {
                for (int x = 1; x < 47; x += 3) {
                    long id = labels[(z * 40 + y) * 48 + x];
                    boolean inside = labels[(z * 40 + y) * 48 + x + 1] == id && labels[(z * 40 + y + 1) * 48 + x] == id;
                    if (inside) {
                        assertEquals(SliceRenderer.colour(id), img.getRGB(x0 + x * 6 + 2, y * 6 + 2) & 0xffffff, "z " + z + " voxel " + x + "," + y);
                        checked++;
                    }
                }
            }
            assertTrue(checked > 50, checked + " voxels checked");
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"stages-pending\""));
        assertFalse(html.contains("http://") || html.contains("https://"));

        // a second call without --overwrite is refused; with --trace (and no volumes) the page is redone from report.json
        CliTest.Run again = CliTest.run("report", "--out-dir", out.toString(), "--trace", "nope.txt");
        assertEquals(2, again.code(), again.err());
        assertTrue(again.err().contains("report.html: already exists"), again.err());
        Path trace = dir.resolve("trace.txt");
        Files.writeString(trace, "task_id\tprocess\tstatus\trealtime\t%cpu\tpeak_rss\n1\tBASIN:RELABEL\tCOMPLETED\t1.5s\t80.0%\t64 MB\n"
                + "2\tBASIN:RELABEL\tCOMPLETED\t2.5s\t100.0%\t96 MB\n");
        CliTest.Run redo = CliTest.run("report", "--out-dir", out.toString(), "--trace", trace.toString(), "--overwrite");
        assertEquals(0, redo.code(), redo.err());
        String full = Files.readString(out.resolve("report.html"));
        assertTrue(full.contains("<td class=\"l\">RELABEL</td><td>2</td><td>0</td><td>0</td><td>4.0 s</td><td>2.5 s</td><td>3.7 s</td><td>2.5 s</td>"
                + "<td>96.0 MB</td>"), full);
        Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(full);
        int images = 0;
        while (m.find()) {
            assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
            images++;
        }
        assertEquals(5, images);
    }

    @Test
    void badInputIsNamed() throws Exception {
        CliTest.Run none = CliTest.run("report", "--out-dir", dir.resolve("r").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("report.json: no such file; give --segmentation"), none.err());
        Path bad = dir.resolve("r2");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("report.json"), "{\"sample\": \"x\"}");
        CliTest.Run field = CliTest.run("report", "--out-dir", bad.toString());
        assertEquals(3, field.code());
        assertTrue(field.err().contains("report.json: field 'size_histogram' is missing"), field.err());
        Path table = dir.resolve("t.segments.tsv");
        Files.writeString(table, "id\tvoxels\tx0\ty0\tz0\tx1\ty1\tz1\n5\t-3\t0\t0\t0\t1\t1\t1\n");
        Path seg = dir.resolve("seg.zarr");
        CliTest.Run p = CliTest.run("phantom", "--shape", "8,8,4", "--output", dir.resolve("raw.h5").toString(), "--truth", dir.resolve("truth.h5").toString());
        assertEquals(0, p.code(), p.err());
        CliTest.Run sizes = CliTest.run("report", "--out-dir", dir.resolve("r3").toString(), "--segmentation", dir.resolve("truth.h5").toString(),
                "--segment-sizes", table.toString());
        assertEquals(3, sizes.code(), sizes.err());
        assertTrue(sizes.err().contains("t.segments.tsv: row 2 '5\t-3"), sizes.err());
        assertFalse(Files.exists(dir.resolve("r3/report.html")), "nothing written");
        assertFalse(Files.exists(seg));
    }
}
