package org.basin.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.basin.error.BasinException;

/**
 * Outputs are written under a temporary sibling name and renamed into place at the end, so a killed task never
 * leaves a file or folder that looks complete, and an existing output is never clobbered by accident.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** The temporary sibling used while {@code target} is being written. */
    public static Path temporaryFor(Path target) {
        Path name = target.getFileName();
        Path parent = target.toAbsolutePath().getParent();
        return parent.resolve("." + name + ".partial-" + ProcessHandle.current().pid());
    }

    /** Fails with exit code 2 when {@code target} exists and may not be replaced. */
    public static void checkWritable(Path target, boolean overwrite) {
        if (Files.exists(target) && !overwrite) {
            throw BasinException.badArguments(target + ": already exists; remove it or pass --overwrite");
        }
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw BasinException.io(parent + ": cannot create output folder (" + e.getMessage() + ")", e);
        }
    }

    /** Moves a finished temporary file or folder onto {@code target}, replacing what was there. */
    public static void commit(Path temporary, Path target) {
        try {
            if (Files.isDirectory(target)) {
                deleteRecursively(target);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw BasinException.io(target + ": cannot move finished output into place (" + e.getMessage() + ")", e);
        }
    }

    /** Removes a temporary output after a failure; never throws. */
    public static void discard(Path temporary) {
        try {
            deleteRecursively(temporary);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the name marks it as partial anyway
        }
    }

    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
