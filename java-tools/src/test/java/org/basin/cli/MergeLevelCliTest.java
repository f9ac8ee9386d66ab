package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.basin.io.Hdf5Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * basin merge-level (per level, per block) and merge-finish through real files give what basin stitch gives on the same
 * watershed chunk files: the same id tables up to renaming, the same tree and region graph edge for edge (ids renamed).
 */
class MergeLevelCliTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** The chunk files, made once for both tests (a phantom, its affinities and 64 watershed chunks: most of the time). */
    static Path ws;

    @BeforeAll
    static void makeChunks() throws Exception {
        ws = chunks(shared);
    }

    static final String[] THRESHOLDS = {"--t-low", "0.1", "--t-size", "300", "--t-dust", "20"};

    /** A 48x40x20 phantom's watershed in 12x10x5 chunks (4x4x4 grid) in two folders, as two watershed tasks write them. */
    private static Path chunks(Path dir) throws Exception {
        Path raw = dir.resolve("raw.h5");
        assertEquals(0, CliTest.run("phantom", "--shape", "48,40,20", "--cell-size", "14", "--output", raw.toString()).code());
        Path aff = dir.resolve("aff.h5");
        assertEquals(0, CliTest.run("infer", "--input", raw.toString(), "--output", aff.toString()).code());
        Path cut = dir.resolve("cut");
        assertEquals(0, CliTest.run("chop", "--input", aff.toString(), "--chunk", "12,10,5", "--halo", "2,2,2", "--out-dir", cut.toString()).code());
        Path ws = dir.resolve("ws");
        List<String> lower = new ArrayList<>(List.of("watershed", "--input"));
        List<String> upper = new ArrayList<>(List.of("watershed", "--input"));
        try (var list = Files.list(cut)) {
            for (Path f : list.filter(p -> p.toString().endsWith(".h5")).sorted().toList()) {
                (f.getFileName().toString().endsWith("_0.h5") || f.getFileName().toString().endsWith("_1.h5") ? lower : upper).add(f.toString());
            }
        }
        lower.addAll(List.of("--out-dir", ws.resolve("lower").toString()));
        upper.addAll(List.of("--out-dir", ws.resolve("upper").toString()));
        for (List<String> args : List.of(lower, upper)) {
            CliTest.Run r = CliTest.run(ChunkedWatershedCliTest.concat(args.toArray(String[]::new), THRESHOLDS));
            assertEquals(0, r.code(), r.err());
        }
        return ws;
    }

    private static String[] with(String[] args) {
        return ChunkedWatershedCliTest.concat(args, THRESHOLDS);
    }

    @Test
    void levelsOfTasksGiveTheSingleTasksIdTablesTreeAndRegionGraph() throws Exception {
        Path single = dir.resolve("single");
        CliTest.Run s = CliTest.run(with(new String[] {"stitch", ws.resolve("lower").toString(), ws.resolve("upper").toString(), "--id-tables",
            single.toString(), "--tree", dir.resolve("single-tree.h5").toString(), "--region-graph", dir.resolve("single-graph.h5").toString()}));
        assertEquals(0, s.code(), s.err());
        // fan-in 3,2,2 (x,y,z) on the 4x4x4 grid: level 1 is 2x2x2 blocks (3 and 1 chunks wide in x), level 2 the top
        Path tasks = dir.resolve("tasks");
        Files.createDirectories(tasks);
        for (int bx = 0; bx < 2; bx++) {
            for (int by = 0; by < 2; by++) {
                for (int bz = 0; bz < 2; bz++) {
                    List<String> args = new ArrayList<>(List.of("merge-level", "--level", "1", "--position", bx + "," + by + "," + bz, "--fan-in",
                        "3,2,2", "--keep-region-graph", "--output", tasks.resolve("L1_" + bx + by + bz + ".h5").toString()));
                    for (int x = 3 * bx; x < Math.min(4, 3 * bx + 3); x++) {
                        for (int y = 2 * by; y < 2 * by + 2; y++) {
                            for (int z = 2 * bz; z < 2 * bz + 2; z++) {
                                args.add(ws.resolve(z < 2 ? "lower" : "upper").resolve("chunk_" + x + "_" + y + "_" + z + ".watershed.h5").toString());
                            }
                        }
                    }
                    CliTest.Run r = CliTest.run(with(args.toArray(String[]::new)));
                    assertEquals(0, r.code(), r.err());
                    assertTrue(r.err().contains("level 1 task " + bx + "," + by + "," + bz + ": " + ((bx == 0 ? 3 : 1) * 4) + " children"), r.err());
                }
            }
        }
        List<String> top = new ArrayList<>(List.of("merge-level", "--level", "2", "--position", "0,0,0", "--fan-in", "3,2,2", "--keep-region-graph",
            "--output", tasks.resolve("L2.h5").toString()));
        try (var list = Files.list(tasks)) {
            list.sorted().forEach(f -> top.add(f.toString()));
        }
        CliTest.Run t = CliTest.run(with(top.toArray(String[]::new)));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains(", 0 open") && t.err().contains("the top task"), t.err());
        Path ids = dir.resolve("ids");
        CliTest.Run f = CliTest.run("merge-finish", tasks.toString(), "--id-tables", ids.toString(), "--tree", dir.resolve("tree.h5").toString(),
            "--region-graph", dir.resolve("graph.h5").toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.err().contains("73 merge tasks over 64 chunks"), f.err()); // 64 chunks' first tasks (in level 1's files), 8 + 1 blocks
        // the same id tables up to renaming
        Map<Long, Long> forward = new HashMap<>();
        Map<Long, Long> backward = new HashMap<>();
        for (String group : List.of("lower", "upper")) {
            Map<String, Hdf5Files.Table> a = tables(single.resolve(group + ".ids.h5"), group.equals("lower") ? 0 : 2);
            Map<String, Hdf5Files.Table> b = tables(ids.resolve(group + ".ids.h5"), group.equals("lower") ? 0 : 2);
            assertEquals(a.keySet(), b.keySet());
            assertEquals(32, a.size());
            for (String chunk : a.keySet()) {
                long[] x = a.get(chunk).longs();
                long[] y = b.get(chunk).longs();
                assertEquals(x.length, y.length, chunk);
                for (int v = 0; v < x.length; v++) {
                    long xv = x[v];
                    long yv = y[v];
                    assertEquals(xv == 0, yv == 0, chunk + " id " + v);
                    assertEquals(forward.computeIfAbsent(xv, k -> yv).longValue(), yv, chunk + " id " + v);
                    assertEquals(backward.computeIfAbsent(yv, k -> xv).longValue(), xv, chunk + " id " + v);
                }
            }
        }
        long segments = ((Number) Hdf5Files.readAttributes(dir.resolve("single-tree.h5")).get("segments")).longValue();
        assertEquals(segments, forward.size() - 1);
        assertEquals(segments, ((Number) Hdf5Files.readAttributes(dir.resolve("tree.h5")).get("segments")).longValue());
        for (String[] file : new String[][] {{"single-tree.h5", "tree.h5"}, {"single-graph.h5", "graph.h5"}}) {
            long[] ea = Hdf5Files.readTable(dir.resolve(file[0]), "edges").longs();
            long[] eb = Hdf5Files.readTable(dir.resolve(file[1]), "edges").longs();
            assertEquals(ea.length, eb.length, file[1]);
            assertTrue(ea.length > 20, file[1] + ": " + ea.length / 2 + " edges");
            for (int i = 0; i < ea.length; i += 2) {
                long p = forward.get(ea[i]);
                long q = forward.get(ea[i + 1]);
                assertEquals(Math.min(p, q) + "-" + Math.max(p, q), eb[i] + "-" + eb[i + 1], file[1] + " edge " + i / 2);
            }
            assertArrayEquals(Hdf5Files.readTable(dir.resolve(file[0]), "affinity").floats(), Hdf5Files.readTable(dir.resolve(file[1]), "affinity").floats());
        }
        for (String column : List.of("key", "sum", "count")) {
            assertArrayEquals(Hdf5Files.readTable(dir.resolve("single-graph.h5"), column).longs(), Hdf5Files.readTable(dir.resolve("graph.h5"), column).longs(), column);
        }
    }

    @Test
    void aTaskGivenTheWrongChildrenOrLevelSaysWhichAndWritesNothing() throws Exception {
        Path out = dir.resolve("t.h5");
        CliTest.Run missing = CliTest.run(with(new String[] {"merge-level", "--level", "1", "--position", "0,0,0", "--output", out.toString(),
            ws.resolve("lower").resolve("chunk_0_0_0.watershed.h5").toString()}));
        assertEquals(3, missing.code(), missing.err());
        assertTrue(missing.err().contains("merge task 0,0,0 on level 1 needs the chunks at [0,0,0, 1,0,0, 0,1,0, 1,1,0, 0,0,1, 1,0,1, 0,1,1, 1,1,1]"), missing.err());
        assertTrue(missing.err().contains("got [0,0,0]"), missing.err());
        assertFalse(Files.exists(out));
        CliTest.Run position = CliTest.run(with(new String[] {"merge-level", "--level", "1", "--position", "0,2,0", "--output", out.toString(),
            ws.resolve("lower").toString()}));
        assertEquals(2, position.code(), position.err());
        assertTrue(position.err().contains("--position 0,2,0 outside level 1's grid of 2,2,2"), position.err());
        CliTest.Run level = CliTest.run(with(new String[] {"merge-level", "--level", "3", "--position", "0,0,0", "--output", out.toString(),
            ws.resolve("lower").toString()}));
        assertEquals(3, level.code(), level.err());
        assertTrue(level.err().contains("chunk_0_0_0.watershed.h5: not a basin array file"), level.err());
        CliTest.Run settings = CliTest.run("merge-level", "--level", "1", "--position", "0,0,0", "--output", out.toString(), ws.resolve("lower").toString());
        assertEquals(3, settings.code(), settings.err());
        assertTrue(settings.err().contains("the chunks were made with watershed settings"), settings.err());
        assertFalse(Files.exists(out));
        // the same thresholds against another voxel size are other voxel counts (T_size 300 / 4 = 75): refused too
        CliTest.Run voxels = CliTest.run(with(new String[] {"merge-level", "--level", "1", "--position", "0,0,0", "--output", out.toString(),
            "--voxel-size", "4,4,16", ws.resolve("lower").toString()}));
        assertEquals(3, voxels.code(), voxels.err());
        assertTrue(voxels.err().contains("T_size=75 T_dust=5") && voxels.err().contains("in voxels of the finest axis of 4,4,16 nm"), voxels.err());
        assertTrue(voxels.err().contains("and --voxel-size"), voxels.err());
        assertFalse(Files.exists(out));
        CliTest.Run finish = CliTest.run("merge-finish", shared.resolve("raw.h5").toString(), "--id-tables", dir.resolve("ids").toString());
        assertEquals(3, finish.code(), finish.err());
        assertTrue(finish.err().contains("raw.h5: not a basin merge task file"), finish.err());
    }

    /** The id tables of a group: chunks of z 0, 1 (lower) or 2, 3 (upper). */
    private static Map<String, Hdf5Files.Table> tables(Path p, int z0) {
        List<String> names = new ArrayList<>();
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 4; y++) {
                for (int z = z0; z < z0 + 2; z++) {
                    names.add("chunk_" + x + "_" + y + "_" + z);
                }
            }
        }
        return Hdf5Files.readTables(p, names);
    }
}
