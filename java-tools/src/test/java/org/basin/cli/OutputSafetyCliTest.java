package org.basin.cli;

import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are never replaced by accident: existing files, a folder shared with the input, leftovers of killed runs. */
class OutputSafetyCliTest {
    @TempDir
    Path dir;

    private Path phantom(String name) {
        Path p = dir.resolve(name);
        CliTest.Run r = CliTest.run("phantom", "--shape", "16,16,8", "--output", p.toString(), "--truth", dir.resolve("t-" + name).toString());
        assertEquals(0, r.code(), r.err());
        return p;
    }

    @Test
    void evaluateAndSnapshotKeepAnExistingOutputWithoutOverwrite() throws Exception {
        Path raw = phantom("raw.h5");
        Path truth = dir.resolve("t-raw.h5");
        Path scores = dir.resolve("scores.json");
        Files.writeString(scores, "kept");
        CliTest.Run e = CliTest.run("evaluate", "--segmentation", truth.toString(), "--truth", truth.toString(), "--output", scores.toString());
        assertEquals(2, e.code(), e.err());
        assertTrue(e.err().contains(scores + ": already exists; remove it or pass --overwrite"), e.err());
        assertEquals("kept", Files.readString(scores));
        CliTest.Run eo = CliTest.run("evaluate", "--segmentation", truth.toString(), "--truth", truth.toString(), "--output", scores.toString(),
                "--overwrite");
        assertEquals(0, eo.code(), eo.err());
        assertTrue(Files.readString(scores).contains("adapted_rand_error"));

        Path png = dir.resolve("s.png");
        Files.writeString(png, "kept");
        CliTest.Run s = CliTest.run("snapshot", "--raw", raw.toString(), "--output", png.toString());
        assertEquals(2, s.code(), s.err());
        assertTrue(s.err().contains(png + ": already exists; remove it or pass --overwrite"), s.err());
        assertEquals("kept", Files.readString(png));
        assertEquals(0, CliTest.run("snapshot", "--raw", raw.toString(), "--output", png.toString(), "--overwrite").code());
        assertTrue(Files.size(png) > 100);
        // a folder that cannot hold the file (a file in the way; a read-only folder the same, but root ignores modes)
        Files.writeString(dir.resolve("plain"), "x");
        Path blocked = dir.resolve("plain/s.png");
        CliTest.Run b = CliTest.run("snapshot", "--raw", raw.toString(), "--output", blocked.toString());
        assertEquals(4, b.code(), b.err());
        assertTrue(b.err().contains(blocked + ": cannot create output folder (") || b.err().contains(blocked.getParent() + ""), b.err());
        assertFalse(b.err().contains("internal error"), b.err());
        assertNoPartial(dir);
    }

    @Test
    void chopOverwriteReplacesOnlyItsOwnFilesAndRefusesTheInputsFolder() throws Exception {
        Path out = dir.resolve("chunks");
        Files.createDirectories(out);
        Path raw = out.resolve("raw.h5");
        CliTest.Run p = CliTest.run("phantom", "--shape", "16,16,8", "--output", raw.toString());
        assertEquals(0, p.code(), p.err());
        CliTest.Run inside = CliTest.run("chop", "--input", raw.toString(), "--chunk", "8,8,8", "--out-dir", out.toString(), "--overwrite");
        assertEquals(2, inside.code(), inside.err());
        assertTrue(inside.err().contains("--out-dir " + out + " holds the input " + raw), inside.err());
        assertTrue(Files.exists(raw), "the input is kept");

        Path input = dir.resolve("raw.h5");
        Files.move(raw, input);
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("chunk_9_9_9.h5"), "an earlier grid's chunk");
        CliTest.Run c = CliTest.run("chop", "--input", input.toString(), "--chunk", "8,8,8", "--out-dir", out.toString(), "--overwrite");
        assertEquals(0, c.code(), c.err());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "unrelated files are left alone");
        assertFalse(Files.exists(out.resolve("chunk_9_9_9.h5")), "chop's own earlier files are replaced");
        try (var s = Files.list(out)) {
            assertEquals(List.of("chunk_0_0_0.h5", "chunk_0_1_0.h5", "chunk_1_0_0.h5", "chunk_1_1_0.h5", "grid.json", "notes.txt"),
                    s.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertNoPartial(dir);
    }

    @Test
    void phantomChecksBothOutputsBeforeWritingAndCleansLeftoversOfDeadProcesses() throws Exception {
        Path truth = dir.resolve("truth.h5");
        Files.writeString(truth, "kept");
        Path fresh = dir.resolve("new.h5");
        CliTest.Run r = CliTest.run("phantom", "--shape", "8", "--output", fresh.toString(), "--truth", truth.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(truth + ": already exists; remove it or pass --overwrite"), r.err());
        assertFalse(Files.exists(fresh), "--output is not written when --truth is refused");

        // a leftover of a process that is gone (pid far above any pid_max), and of this live one
        Path stale = dir.resolve(".new.h5.partial-999999999");
        Files.createDirectories(stale);
        Files.writeString(stale.resolve("x"), "half");
        Path live = dir.resolve(".new.h5.partial-" + ProcessHandle.current().pid() + "-1");
        Files.writeString(live, "being written");
        CliTest.Run ok = CliTest.run("phantom", "--shape", "8", "--output", fresh.toString());
        assertEquals(0, ok.code(), ok.err());
        assertFalse(Files.exists(stale), "a dead process's partial output is removed");
        assertTrue(Files.exists(live), "a live process's partial output is left alone");
    }

    @Test
    void aZarrOutputThatCannotBeWrittenNamesTheOutputAndTheReasonNotTheTemporaryName() throws Exception {
        // the temporary sibling's name passes the file system's 255 bytes while the output's does not: the same path
        // as a read-only folder or a full disk (which root, running these tests, does not see)
        Path target = dir.resolve("s".repeat(245) + ".zarr");
        CliTest.Run r = CliTest.run("phantom", "--shape", "8", "--output", target.toString());
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().contains(target + ": cannot write Zarr in " + dir + " (File name too long)"), r.err());
        assertFalse(r.err().contains(".partial-"), r.err());
        assertNoPartial(dir);
    }

    @Test
    void aSigtermedToolLeavesNoPartialOutput() throws Exception {
        Path target = dir.resolve("big.zarr");
        // a separate JVM on this test's class path, so the signal reaches the tool and not the test
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "phantom", "--shape", "512,512,512", "--output", target.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log.txt").toFile()).start();
        Path partial = dir.resolve(".big.zarr.partial-" + p.pid());
        for (int i = 0; i < 600 && !Files.exists(partial.resolve("0")) && p.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(partial.resolve("0")) && p.isAlive(), "the tool is writing: " + Files.readString(dir.resolve("log.txt")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(partial), "the shutdown hook removed " + partial);
        assertFalse(Files.exists(target));
    }

    static void assertNoPartial(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains(".partial-")).toList());
        }
    }
}
