package org.basin.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Why a file operation failed, in words users act on ("permission denied", "No space left on device"), without the
 * temporary name the operation was working on: messages name the output itself.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** The reason of {@code e}, or of the first IOException among its causes (jhdf wraps them). */
    public static String reason(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return reasonOf(io);
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static final Pattern WORK_DIR = Pattern.compile("[0-9a-f]{30}");
    private static final Pattern HASH_PREFIX = Pattern.compile("[0-9a-f]{2}");

    /**
     * What to do about a damaged file basin wrote: the stage that writes files of its name, the real file behind a
     * staged link, and the work folder of the task that wrote it (deleting that makes -resume rerun the task;
     * every -resume fails the same way otherwise). Files of no basin stage: copy it again.
     */
    public static String rerunHint(Path path) {
        String n = path.getFileName().toString();
        String stage = n.endsWith(".watershed.h5") ? "basin watershed (the pipeline's WATERSHED)"
                : n.endsWith(".ids.h5") || n.equals("segment_tree.h5") ? "basin stitch (the pipeline's MERGE_SEGMENTS)"
                : n.endsWith(".contingency.h5") ? "basin evaluate --partial (the pipeline's EVALUATE_BLOCK)"
                : n.matches("region_\\d+_\\d+_\\d+\\.h5") ? "basin omnify-chop (the pipeline's OMNIFY_CHOP)"
                : n.matches("chunk_\\d+_\\d+_\\d+\\.h5") ? "basin chop" : null;
        if (stage == null) {
            return "copy it again or rerun the step that wrote it";
        }
        Path real = path.toAbsolutePath();
        try {
            real = path.toRealPath();
        } catch (IOException | RuntimeException ignored) {
            // a broken link: name what was given
        }
        String hint = "written by " + stage + (real.equals(path.toAbsolutePath()) ? "" : ", staged from " + real);
        for (Path p = real.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
            if (WORK_DIR.matcher(p.getFileName().toString()).matches()
                    && HASH_PREFIX.matcher(p.getParent().getFileName().toString()).matches()) {
                return hint + "; delete that task's work folder " + p + " and rerun with -resume";
            }
        }
        return hint + "; delete it and rerun that stage (the pipeline: without -resume, since its task is cached)";
    }

    private static String reasonOf(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
