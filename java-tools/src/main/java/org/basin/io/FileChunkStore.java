package org.basin.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.basin.error.BasinException;

/** A store in a local folder: a key is a file; a write goes to a temporary sibling renamed into place. */
public record FileChunkStore(Path dir) implements ChunkStore {
    @Override
    public byte[] get(String key) {
        Path p = dir.resolve(key);
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (Files.isDirectory(p)) {
                return null; // a folder is no key ("0" of a group with "/" chunk keys)
            }
            throw BasinException.io(p + ": cannot read (" + IoErrors.reason(e) + ")", e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(dir.resolve(key));
    }

    @Override
    public Range getRange(String key, long offset, int length) {
        Path p = dir.resolve(key);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = offset < 0 ? Math.max(0, size - length) : Math.min(offset, size);
            int n = (int) Math.min(length, size - from);
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (ch.read(b, from + b.position()) < 0) {
                    throw new IOException("unexpected end of file at byte " + (from + b.position()));
                }
            }
            return new Range(b.array(), size);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (Files.isDirectory(p)) {
                return null;
            }
            throw BasinException.io(p + ": cannot read (" + IoErrors.reason(e) + ")", e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path p = dir.resolve(key);
        Path tmp = p.resolveSibling("." + p.getFileName() + ".partial-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        try {
            Files.createDirectories(p.getParent());
            Files.write(tmp, bytes);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            AtomicFiles.discard(tmp);
            throw BasinException.io(p + ": cannot write (" + IoErrors.reason(e) + ")", e);
        }
    }

    @Override
    public boolean anyKey(int maxDepth, Predicate<String> matches) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir, maxDepth)) {
            return s.anyMatch(p -> !p.equals(dir) && matches.test(key(p)) && Files.isRegularFile(p));
        } catch (IOException | UncheckedIOException e) {
            throw BasinException.io(dir + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    private String key(Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path n : dir.relativize(p)) {
            sb.append(sb.length() > 0 ? "/" : "").append(n);
        }
        return sb.toString();
    }

    @Override
    public ChunkStore child(String name) {
        return new FileChunkStore(dir.resolve(name));
    }

    @Override
    public ChunkStore parent() {
        Path p = dir.toAbsolutePath().getParent();
        return p == null ? null : new FileChunkStore(p);
    }

    @Override
    public String name() {
        return dir.getFileName() == null ? "" : dir.getFileName().toString();
    }

    @Override
    public void create() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw BasinException.io(dir + ": cannot create (" + IoErrors.reason(e) + ")", e);
        }
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public String location(String key) {
        return dir.resolve(key).toString();
    }
}
