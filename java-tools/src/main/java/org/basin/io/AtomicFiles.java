package org.basin.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.basin.error.BasinException;

/**
 * Outputs are written under a temporary sibling name and renamed into place at the end, so a killed task never
 * leaves a file or folder that looks complete, and an existing output is never clobbered by accident.
 */
public final class AtomicFiles {
    private static final Pattern PARTIAL_PID = Pattern.compile("\\.partial-(\\d+)(-\\d+)?$");
    /** Targets checked without --overwrite: committed only if still absent (a second writer's output is kept). */
    private static final Set<Path> MUST_BE_NEW = ConcurrentHashMap.newKeySet();
    /** Temporaries not yet committed or discarded: a SIGTERM (shutdown hook) removes them. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::discardOpen, "basin-partial-cleanup"));
    }

    private AtomicFiles() {
    }

    /**
     * The temporary sibling used while {@code target} is being written. Leftovers of {@code target} from processes
     * that are gone (killed before they could clean up) are removed first.
     */
    public static Path temporaryFor(Path target) {
        Path name = target.getFileName();
        Path parent = target.toAbsolutePath().getParent();
        removeStale(parent, "." + name + ".partial-");
        Path tmp = parent.resolve("." + name + ".partial-" + ProcessHandle.current().pid());
        discard(tmp); // this process's own leftover of an earlier failed write
        OPEN.add(tmp);
        return tmp;
    }

    /** On SIGTERM: the tool's threads still write while the hook runs, so a folder is removed until it stays gone. */
    private static void discardOpen() {
        for (int i = 0; i < 40 && !OPEN.isEmpty(); i++) {
            for (Path p : OPEN) {
                try {
                    deleteRecursively(p);
                    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                        OPEN.remove(p);
                    }
                } catch (IOException | RuntimeException e) {
                    // a file appeared meanwhile: the next round
                }
            }
            if (!OPEN.isEmpty()) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static void removeStale(Path parent, String prefix) {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : s) {
                Matcher m = PARTIAL_PID.matcher(p.getFileName().toString());
                if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    discard(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: a leftover only costs space, its name marks it as partial
        }
    }

    /**
     * Fails with exit code 2 when {@code target} exists and may not be replaced. Without {@code overwrite} the later
     * {@link #commit} also refuses a target that another writer created meanwhile.
     */
    public static void checkWritable(Path target, boolean overwrite) {
        if (Files.exists(target) && !overwrite) {
            throw BasinException.badArguments(target + ": already exists; remove it or pass --overwrite");
        }
        Path key = target.toAbsolutePath().normalize();
        if (overwrite) {
            MUST_BE_NEW.remove(key);
        } else {
            MUST_BE_NEW.add(key);
        }
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw BasinException.io(parent + ": cannot create output folder (" + IoErrors.reason(e) + ")", e);
        }
    }

    /**
     * Moves a finished temporary file or folder onto {@code target}. When the target was checked without overwrite,
     * a target that appeared meanwhile (a second writer) is kept and
     * this is exit 2: a hard link (files) or a rename onto a folder that is not empty (folders) never replaces.
     */
    public static void commit(Path temporary, Path target) {
        boolean replace = !MUST_BE_NEW.remove(target.toAbsolutePath().normalize());
        try {
            if (replace) {
                if (Files.isDirectory(target)) {
                    deleteRecursively(target);
                }
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                commitNew(temporary, target);
            }
            OPEN.remove(temporary);
        } catch (IOException e) {
            if (replace || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw BasinException.io(target + ": cannot move finished output into place (" + IoErrors.reason(e) + ")", e);
            }
            discard(temporary);
            throw BasinException.badArguments(target + ": appeared while this command ran (another writer?); it was not replaced"
                    + " (pass --overwrite to replace it)");
        }
    }

    private static void commitNew(Path temporary, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        if (Files.isDirectory(temporary)) {
            // rename(2) replaces only an empty folder: a second writer's finished store is never empty
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try {
            Files.createLink(target, temporary); // fails if the name exists: no window between check and move
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof FileAlreadyExistsException fe) {
                throw fe;
            }
            Files.move(temporary, target); // a file system without hard links: checked just above
            return;
        }
        Files.delete(temporary);
    }

    /**
     * Commits a finished temporary folder as {@code outDir}. When {@code outDir} exists (and {@code overwrite}),
     * only the tool's own files are replaced: the names {@code owned} accepts are removed, the new files moved in,
     * and everything else in the folder (the input, unrelated files) is left alone.
     */
    public static void commitInto(Path temporary, Path outDir, boolean overwrite, Predicate<String> owned) {
        if (!overwrite || !Files.isDirectory(outDir)) {
            commit(temporary, outDir);
            return;
        }
        try {
            try (DirectoryStream<Path> old = Files.newDirectoryStream(outDir, p -> owned.test(p.getFileName().toString()))) {
                for (Path p : old) {
                    deleteRecursively(p);
                }
            }
            try (DirectoryStream<Path> fresh = Files.newDirectoryStream(temporary)) {
                for (Path p : fresh) {
                    Path target = outDir.resolve(p.getFileName().toString());
                    deleteRecursively(target);
                    Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            discard(temporary);
        } catch (IOException e) {
            throw BasinException.io(outDir + ": cannot move finished outputs into place (" + IoErrors.reason(e) + ")", e);
        }
    }

    /** Refuses (exit 2) an output folder that holds the input: replacing the folder's contents could delete it. */
    public static void checkOutsideOf(Path input, Path outDir, String option) {
        Path in = input.toAbsolutePath().normalize();
        Path out = outDir.toAbsolutePath().normalize();
        if (in.startsWith(out)) {
            throw BasinException.badArguments(option + " " + outDir + " holds the input " + input + "; write the outputs to another folder");
        }
    }

    /** Removes a temporary output after a failure; never throws. */
    public static void discard(Path temporary) {
        OPEN.remove(temporary);
        try {
            deleteRecursively(temporary);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the name marks it as partial anyway
        }
    }

    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
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
