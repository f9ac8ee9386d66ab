package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.basin.io.Hdf5Files;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.stitch.ChunkedWatershed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunked path through the real tools and files (chop --halo 2, watershed per chunk, stitch) == one watershed of the whole volume. */
class ChunkedWatershedCliTest {
    @TempDir
    Path dir;

    static long[] labels(Path p, String dataset) {
        try (VolumeReader r = Volumes.open(p, dataset)) {
            return r.readAll().convert(org.basin.volume.DType.UINT64).longs();
        }
    }

    @Test
    void stitchedChunksEqualTheWholeVolumeWatershed() throws Exception {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, CliTest.run("phantom", "--shape", "48,40,20", "--cell-size", "14", "--output", raw.toString()).code());
        Path aff = dir.resolve("aff.h5");
        assertEquals(0, CliTest.run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
        String[] thresholds = {"--t-low", "0.1", "--t-size", "300", "--t-dust", "20"};
        Path whole = dir.resolve("whole.h5");
        CliTest.Run w = CliTest.run(concat(new String[] {"watershed", "--input", aff.toString(), "--output", whole.toString()}, thresholds));
        assertEquals(0, w.code(), w.err());
        long[] expected = labels(whole, "labels");
        int chunkings = 0;
        for (String chunk : new String[] {"16,16,8", "20,13,7", "48,40,3"}) {
            Path chunks = dir.resolve("c" + chunkings);
            Path out = dir.resolve("w" + chunkings);
            Files.createDirectories(out);
            CliTest.Run c = CliTest.run("chop", "--input", aff.toString(), "--chunk", chunk, "--halo", "2,2,2", "--out-dir", chunks.toString());
            assertEquals(0, c.code(), c.err());
            List<Path> files;
            try (var list = Files.list(chunks)) {
                files = list.filter(p -> p.toString().endsWith(".h5")).sorted().toList();
            }
            assertTrue(files.size() >= 7, chunk + ": " + files.size() + " chunks");
            if (chunkings == 1) { // all chunks in one call, as the pipeline's batches run
                List<String> args = new java.util.ArrayList<>(List.of("watershed", "--input"));
                files.forEach(f -> args.add(f.toString()));
                args.addAll(List.of("--out-dir", out.toString()));
                CliTest.Run r = CliTest.run(concat(args.toArray(String[]::new), thresholds));
                assertEquals(0, r.code(), r.err());
                for (Path f : files) {
                    String name = f.getFileName().toString().replace(".h5", ".watershed.h5");
                    assertTrue(Files.exists(out.resolve(name)), name);
                    assertTrue(r.err().contains("basin watershed: " + f.getFileName().toString().replace(".h5", "") + ": "), r.err());
                }
            } else {
                for (Path f : files) {
                    CliTest.Run r = CliTest.run(concat(new String[] {"watershed", "--input", f.toString(), "--output",
                        out.resolve(f.getFileName()).toString()}, thresholds));
                    assertEquals(0, r.code(), r.err());
                }
            }
            if (chunkings == 2) {
                stripFacePlanes(out); // files of an earlier basin: stitch reads the face labels from the labels
            }
            Path seg = dir.resolve("seg" + chunkings + ".zarr");
            CliTest.Run s = CliTest.run(concat(new String[] {"stitch", out.toString(), "--output", seg.toString(), "--tree",
                dir.resolve("tree" + chunkings + ".h5").toString()}, thresholds));
            assertEquals(0, s.code(), s.err());
            long[] got = labels(seg, null);
            ChunkedWatershed.assertSameUpToRenaming(expected, got, chunk);
            long count = ((Number) Hdf5Files.readAttributes(whole).get("segments")).longValue();
            assertTrue(s.err().contains("-> " + count + " segments"), s.err());
            chunkings++;
        }
    }

    /** Rewrites every watershed chunk file in the folder without its face-plane labels (as basin wrote them before). */
    static void stripFacePlanes(Path folder) throws Exception {
        List<Path> files;
        try (var list = Files.list(folder)) {
            files = list.filter(p -> p.toString().endsWith(".h5")).sorted().toList();
        }
        for (Path f : files) {
            java.util.Map<String, Object> attrs = new java.util.LinkedHashMap<>(Hdf5Files.readAttributes(f));
            assertTrue(attrs.remove("face_planes") != null, f + " has face planes");
            List<String> names;
            try (io.jhdf.HdfFile h = new io.jhdf.HdfFile(f)) {
                names = org.basin.io.Hdf5VolumeReader.datasetPaths(h);
            }
            assertTrue(names.stream().anyMatch(n -> n.contains("faces/labels_")), f + ": " + names);
            List<Hdf5Files.Entry> entries = new java.util.ArrayList<>();
            for (String n : names) {
                String name = n.replaceFirst("^/", "");
                if (name.startsWith("faces/labels_")) {
                    continue;
                }
                if (name.equals("labels")) {
                    try (VolumeReader r = Volumes.open(f, "labels")) {
                        entries.add(Hdf5Files.Entry.of("labels", r.readAll()));
                    }
                } else {
                    Hdf5Files.Table t = Hdf5Files.readTable(f, name);
                    entries.add(Hdf5Files.Entry.table(name, t.dtype(), t.shape(), t.data()));
                }
            }
            Hdf5Files.write(f, attrs, entries, false);
        }
    }

    @Test
    void aChunkWithoutTheTwoVoxelHaloIsRefused() throws Exception {
        Path chunks = phantomAffinityChunks("--chunk", "10,10,10", "--overlap", "1,1,1");
        Path out = dir.resolve("w.h5");
        CliTest.Run r = CliTest.run("watershed", "--input", chunks.resolve("chunk_0_0_0.h5").toString(), "--output", out.toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("chunk_0_0_0 reaches 0 below and 1 above its core on y; the watershed needs a halo of 2"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void severalInputsNeedAnOutputFolderAndNothingIsWrittenWhenAnOutputExists() throws Exception {
        Path chunks = phantomAffinityChunks("--chunk", "10,20,10", "--halo", "2,2,2");
        String a = chunks.resolve("chunk_0_0_0.h5").toString();
        String b = chunks.resolve("chunk_1_0_0.h5").toString();
        CliTest.Run two = CliTest.run("watershed", "--input", a, b, "--output", dir.resolve("w.h5").toString());
        assertEquals(2, two.code());
        assertTrue(two.err().contains("2 inputs need --out-dir, not --output"), two.err());
        CliTest.Run none = CliTest.run("watershed", "--input", a);
        assertEquals(2, none.code());
        assertTrue(none.err().contains("give either --output (one input) or --out-dir"), none.err());
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("chunk_1_0_0.watershed.h5"), "kept");
        CliTest.Run clash = CliTest.run("watershed", "--input", a, b, "--out-dir", out.toString());
        assertEquals(2, clash.code(), clash.err());
        assertTrue(clash.err().contains("chunk_1_0_0.watershed.h5: already exists"), clash.err());
        assertFalse(Files.exists(out.resolve("chunk_0_0_0.watershed.h5")), "checked before any chunk is written");
        assertEquals("kept", Files.readString(out.resolve("chunk_1_0_0.watershed.h5")));
        CliTest.Run missing = CliTest.run("watershed", "--input", a, chunks.resolve("chunk_9_0_0.h5").toString(), "--out-dir", dir.resolve("o2").toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("chunk_9_0_0.h5: no such file or folder"), missing.err());
        assertFalse(Files.exists(dir.resolve("o2").resolve("chunk_0_0_0.watershed.h5")), "inputs checked before any chunk is written");
    }

    @Test
    void stitchNamesTheChunkFileAtFaultAndWritesNothing() throws Exception {
        Path chunks = phantomAffinityChunks("--chunk", "10,20,10", "--halo", "2,2,2");
        Path ws = dir.resolve("ws");
        List<String> args = new java.util.ArrayList<>(List.of("watershed", "--input"));
        for (String c : new String[] {"chunk_0_0_0", "chunk_1_0_0"}) {
            args.add(chunks.resolve(c + ".h5").toString());
        }
        args.addAll(List.of("--out-dir", ws.toString()));
        CliTest.Run w = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, w.code(), w.err());
        Path a = ws.resolve("chunk_0_0_0.watershed.h5");
        Path b = ws.resolve("chunk_1_0_0.watershed.h5");
        Path seg = dir.resolve("seg.zarr");
        CliTest.Run affinity = CliTest.run("stitch", a.toString(), chunks.resolve("chunk_1_0_0.h5").toString(), "--output", seg.toString());
        assertEquals(3, affinity.code(), affinity.err());
        assertTrue(affinity.err().contains(chunks.resolve("chunk_1_0_0.h5") + ": not a watershed chunk of this basin version"), affinity.err());
        CliTest.Run twice = CliTest.run("stitch", a.toString(), a.toString(), "--output", seg.toString());
        assertEquals(3, twice.code(), twice.err());
        assertTrue(twice.err().contains(": chunk chunk_0_0_0 given twice (also "), twice.err());
        CliTest.Run hole = CliTest.run("stitch", b.toString(), "--output", seg.toString());
        assertEquals(3, hole.code(), hole.err());
        assertTrue(hole.err().contains("got 1 chunk files, the grid 2x1x1 (x,y,z) has 2"), hole.err());
        Path other = dir.resolve("other.h5");
        assertEquals(0, CliTest.run("watershed", "--input", chunks.resolve("chunk_1_0_0.h5").toString(), "--output", other.toString(),
                "--t-size", "50").code());
        CliTest.Run settings = CliTest.run("stitch", a.toString(), other.toString(), "--output", seg.toString());
        assertEquals(3, settings.code(), settings.err());
        assertTrue(settings.err().contains(other + ": watershed settings ") && settings.err().contains(" differ from " + a + "'s "), settings.err());
        assertFalse(Files.exists(seg));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().contains("partial")).toList(), "no partial output");
        }
        assertEquals(0, CliTest.run("stitch", a.toString(), b.toString(), "--output", seg.toString()).code());
    }

    @Test
    void stitchRefusesThresholdsOtherThanTheChunks() throws Exception {
        Path chunks = phantomAffinityChunks("--chunk", "10,20,10", "--halo", "2,2,2");
        Path ws = dir.resolve("ws");
        CliTest.Run w = CliTest.run("watershed", "--input", chunks.resolve("chunk_0_0_0.h5").toString(), chunks.resolve("chunk_1_0_0.h5").toString(),
                "--out-dir", ws.toString(), "--t-low", "0.4", "--t-size", "500");
        assertEquals(0, w.code(), w.err());
        Path seg = dir.resolve("seg.zarr");
        CliTest.Run defaults = CliTest.run("stitch", ws.toString(), "--output", seg.toString());
        assertEquals(3, defaults.code(), defaults.err());
        assertTrue(defaults.err().contains(ws.resolve("chunk_0_0_0.watershed.h5") + ": the chunks were made with watershed settings "
                + "T_high=0.9 T_low=0.4 T_merge=0.5 T_size=500 T_dust=100 rule=square, stitch was given T_high=0.9 T_low=0.01 "), defaults.err());
        assertFalse(Files.exists(seg));
        CliTest.Run same = CliTest.run("stitch", ws.toString(), "--output", seg.toString(), "--t-low", "0.4", "--t-size", "500");
        assertEquals(0, same.code(), same.err());
    }

    @Test
    void stitchOfChunkFilesOfTwoRunsIsBadInputNamingTheChunks() throws Exception {
        Path[] ws = new Path[2];
        for (int run = 0; run < 2; run++) {
            Path raw = dir.resolve("raw" + run + ".h5");
            assertEquals(0, CliTest.run("phantom", "--shape", "40,20,10", "--seed", String.valueOf(11 + run), "--cell-size", "6", "--output", raw.toString()).code());
            Path aff = dir.resolve("aff" + run + ".h5");
            assertEquals(0, CliTest.run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
            Path chunks = dir.resolve("c" + run);
            assertEquals(0, CliTest.run("chop", "--input", aff.toString(), "--chunk", "20,20,10", "--halo", "2,2,2", "--out-dir", chunks.toString()).code());
            ws[run] = dir.resolve("ws" + run);
            CliTest.Run w = CliTest.run("watershed", "--input", chunks.resolve("chunk_0_0_0.h5").toString(), chunks.resolve("chunk_1_0_0.h5").toString(),
                    "--out-dir", ws[run].toString(), "--t-low", "0.1", "--t-size", "50");
            assertEquals(0, w.code(), w.err());
        }
        Path a = ws[0].resolve("chunk_0_0_0.watershed.h5");
        Path b = ws[1].resolve("chunk_1_0_0.watershed.h5");
        Path seg = dir.resolve("mixed.zarr");
        CliTest.Run s = CliTest.run("stitch", a.toString(), b.toString(), "--output", seg.toString(), "--t-low", "0.1", "--t-size", "50");
        System.out.println("stitch of two runs: exit " + s.code() + ": " + s.err());
        assertEquals(3, s.code(), s.err());
        assertTrue(s.err().contains("the chunk files " + a + " .. " + b + " do not fit together ("), s.err());
        assertFalse(Files.exists(seg));
    }

    @Test
    void omnifyChopRefusesATreeOfAnotherRun() throws Exception {
        Path[] seg = new Path[2];
        Path[] tree = new Path[2];
        Path[] raw = new Path[2];
        for (int run = 0; run < 2; run++) {
            raw[run] = dir.resolve("raw" + run + ".h5");
            assertEquals(0, CliTest.run("phantom", "--shape", "20,20,10", "--seed", String.valueOf(3 + run), "--cell-size", "6", "--output", raw[run].toString()).code());
            Path aff = dir.resolve("aff" + run + ".h5");
            assertEquals(0, CliTest.run("infer", "--input", raw[run].toString(), "--output", aff.toString()).code());
            Path chunks = dir.resolve("c" + run);
            assertEquals(0, CliTest.run("chop", "--input", aff.toString(), "--chunk", "10,20,10", "--halo", "2,2,2", "--out-dir", chunks.toString()).code());
            Path ws = dir.resolve("ws" + run);
            assertEquals(0, CliTest.run("watershed", "--input", chunks.resolve("chunk_0_0_0.h5").toString(), chunks.resolve("chunk_1_0_0.h5").toString(),
                    "--out-dir", ws.toString(), "--t-low", "0.1", "--t-size", "50").code());
            seg[run] = dir.resolve("seg" + run + ".zarr");
            tree[run] = dir.resolve("tree" + run + ".h5");
            CliTest.Run s = CliTest.run("stitch", ws.toString(), "--output", seg[run].toString(), "--tree", tree[run].toString(), "--t-low", "0.1",
                    "--t-size", "50");
            assertEquals(0, s.code(), s.err());
        }
        Path out = dir.resolve("regions");
        CliTest.Run other = CliTest.run("omnify-chop", "--segmentation", seg[0].toString(), "--raw", raw[0].toString(), "--tree", tree[1].toString(),
                "--divs", "1,1,1", "--out-dir", out.toString());
        assertEquals(3, other.code(), other.err());
        assertTrue(other.err().contains(tree[1] + ": ") && other.err().contains("not this segmentation's tree (another run's?)"), other.err());
        assertFalse(Files.exists(out));
        CliTest.Run own = CliTest.run("omnify-chop", "--segmentation", seg[0].toString(), "--raw", raw[0].toString(), "--tree", tree[0].toString(),
                "--divs", "1,1,1", "--out-dir", out.toString());
        assertEquals(0, own.code(), own.err());
    }

    /** A 20x20x10 phantom's affinities chopped with the given chop options; the folder of chunk files. */
    private Path phantomAffinityChunks(String... chopOptions) {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, CliTest.run("phantom", "--shape", "20,20,10", "--output", raw.toString()).code());
        Path aff = dir.resolve("aff.h5");
        assertEquals(0, CliTest.run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
        Path chunks = dir.resolve("c");
        CliTest.Run c = CliTest.run(concat(new String[] {"chop", "--input", aff.toString(), "--out-dir", chunks.toString()}, chopOptions));
        assertEquals(0, c.code(), c.err());
        return chunks;
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
