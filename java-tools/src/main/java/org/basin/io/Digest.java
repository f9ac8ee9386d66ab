package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.basin.volume.Block;

/**
 * Content digests (SHA-256, first 128 bits in hex) of what a task read or wrote. They travel between pipeline
 * stages as values, so a task's cache key changes exactly when the data it reads changes.
 */
public final class Digest {
    private final MessageDigest sha;

    public Digest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public Digest update(byte[] bytes) {
        sha.update(bytes);
        return this;
    }

    public Digest update(ByteBuffer bytes) {
        sha.update(bytes.duplicate());
        return this;
    }

    public Digest update(String s) {
        return update(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest so far, 32 hex digits; the digest starts again empty. */
    public String hex() {
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    public static String of(String text) {
        return new Digest().update(text).hex();
    }

    public static String of(byte[] bytes) {
        return new Digest().update(bytes).hex();
    }

    /** The digest of a block's voxels as little-endian bytes, with its type, channels and box. */
    public static String of(Block block) {
        ByteBuffer buf = ByteBuffer.allocate(block.length() * block.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        ByteCodec.encodeInto(block.data(), block.dtype(), buf);
        buf.flip();
        return new Digest().update(block.dtype().label() + " " + block.channels() + " " + block.box()).update(buf).hex();
    }
}
