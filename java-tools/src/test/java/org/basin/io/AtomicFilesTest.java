package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.basin.error.BasinException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two writers of one output: the one that finishes second does not replace the first's output unless told to. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatAppearedMeanwhileIsNotReplaced() throws Exception {
        Path target = dir.resolve("w.h5");
        AtomicFiles.checkWritable(target, false);
        Path tmp = AtomicFiles.temporaryFor(target);
        Files.writeString(tmp, "second");
        Files.writeString(target, "first"); // the other writer committed while this one worked
        BasinException e = assertThrows(BasinException.class, () -> AtomicFiles.commit(tmp, target));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().contains(target + ": appeared while this command ran (another writer?); it was not replaced"), e.getMessage());
        assertEquals("first", Files.readString(target));
        assertFalse(Files.exists(tmp));
    }

    @Test
    void aFolderThatAppearedMeanwhileIsNotReplaced() throws Exception {
        Path target = dir.resolve("out.zarr");
        AtomicFiles.checkWritable(target, false);
        Path tmp = AtomicFiles.temporaryFor(target);
        Files.createDirectories(tmp);
        Files.writeString(tmp.resolve(".zarray"), "second");
        Files.createDirectories(target);
        Files.writeString(target.resolve(".zarray"), "first");
        BasinException e = assertThrows(BasinException.class, () -> AtomicFiles.commit(tmp, target));
        assertEquals(2, e.exitCode().code());
        assertEquals("first", Files.readString(target.resolve(".zarray")));
    }

    @Test
    void withOverwriteTheOutputIsReplacedAndANewOneCommits() throws Exception {
        Path target = dir.resolve("w.h5");
        Files.writeString(target, "old");
        AtomicFiles.checkWritable(target, true);
        Path tmp = AtomicFiles.temporaryFor(target);
        Files.writeString(tmp, "new");
        AtomicFiles.commit(tmp, target);
        assertEquals("new", Files.readString(target));
        Path other = dir.resolve("x.h5");
        AtomicFiles.checkWritable(other, false);
        Path t2 = AtomicFiles.temporaryFor(other);
        Files.writeString(t2, "x");
        AtomicFiles.commit(t2, other);
        assertEquals("x", Files.readString(other));
        assertFalse(Files.exists(t2));
    }
}
