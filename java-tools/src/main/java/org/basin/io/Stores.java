package org.basin.io;

import java.nio.file.Path;

/**
 * The store behind a volume path. picocli hands an option such as {@code --store s3://bucket/seg.zarr} over as the
 * relative path {@code s3:/bucket/seg.zarr} (the file system folds the double slash), so a path whose text starts
 * with {@code s3:/} is an S3 location and keeps working through {@link Path#resolve}; to use a local folder named
 * "s3:", write it {@code ./s3:/...}.
 */
public final class Stores {
    private Stores() {
    }

    public static boolean isS3(Path p) {
        return p != null && p.toString().startsWith("s3:/");
    }

    /** s3://bucket/key for an S3 path, else null. */
    public static String s3Uri(Path p) {
        return isS3(p) ? "s3://" + p.toString().substring("s3:/".length()) : null;
    }

    public static ChunkStore of(Path p) {
        return isS3(p) ? S3ChunkStore.parse(s3Uri(p)) : new FileChunkStore(p);
    }
}
