package org.basin.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.basin.error.BasinException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A store under an S3 prefix: a key is one object, read with one GET and written with one PUT (a chunk is far below
 * S3's 5 GB single-PUT limit, so no multipart upload, and a PUT is atomic: no reader ever sees half a chunk). A
 * missing key reads as null (the fill value); every other failure is exit 4 naming the bucket and key.
 */
public record S3ChunkStore(String bucket, String prefix) implements ChunkStore {
    // S3's rules for new buckets: 3-63 lower-case letters, digits, dots and hyphens
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** Parses {@code s3://bucket/prefix} (prefix may be empty; trailing slashes are dropped). */
    public static S3ChunkStore parse(String uri) {
        if (!uri.startsWith("s3://")) {
            throw BasinException.badArguments(uri + ": not an s3:// location");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "").replaceAll("/{2,}", "/");
        if (!BUCKET.matcher(bucket).matches()) {
            throw BasinException.badArguments(uri + ": '" + bucket + "' is not an S3 bucket name (3-63 lower-case letters, digits, '.' and '-')");
        }
        return new S3ChunkStore(bucket, prefix);
    }

    private String objectKey(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    @Override
    public byte[] get(String key) {
        String k = objectKey(key);
        try {
            ResponseBytes<GetObjectResponse> r = S3Connection.client().getObjectAsBytes(b -> b.bucket(bucket).key(k));
            S3Connection.GETS.incrementAndGet();
            byte[] bytes = r.asByteArrayUnsafe();
            S3Connection.BYTES_READ.addAndGet(bytes.length);
            return bytes;
        } catch (NoSuchKeyException e) {
            S3Connection.GETS.incrementAndGet();
            return null;
        } catch (SdkException e) {
            S3Connection.GETS.incrementAndGet();
            throw failure("read", k, e);
        }
    }

    @Override
    public boolean exists(String key) {
        String k = objectKey(key);
        try {
            S3Connection.client().headObject(b -> b.bucket(bucket).key(k));
            S3Connection.HEADS.incrementAndGet();
            return true;
        } catch (NoSuchKeyException e) {
            S3Connection.HEADS.incrementAndGet();
            return false;
        } catch (S3Exception e) {
            S3Connection.HEADS.incrementAndGet();
            if (e.statusCode() == 404) {
                return false; // HEAD answers have no body, so no NoSuchKey code
            }
            throw failure("read", k, e);
        } catch (SdkException e) {
            S3Connection.HEADS.incrementAndGet();
            throw failure("read", k, e);
        }
    }

    /** One ranged GET (RFC 9110 bytes=a-b, or bytes=-n for the last n); the size comes from Content-Range. */
    @Override
    public Range getRange(String key, long offset, int length) {
        String k = objectKey(key);
        String range = offset < 0 ? "bytes=-" + length : "bytes=" + offset + "-" + (offset + length - 1);
        try {
            ResponseBytes<GetObjectResponse> r = S3Connection.client().getObjectAsBytes(b -> b.bucket(bucket).key(k).range(range));
            S3Connection.GETS.incrementAndGet();
            byte[] bytes = r.asByteArrayUnsafe();
            S3Connection.BYTES_READ.addAndGet(bytes.length);
            String cr = r.response().contentRange();
            long size;
            if (cr != null && cr.lastIndexOf('/') >= 0 && !cr.endsWith("/*")) {
                size = Long.parseLong(cr.substring(cr.lastIndexOf('/') + 1).trim());
            } else if (offset <= 0 && bytes.length < length) {
                size = bytes.length; // the whole object came back: it is shorter than the range
            } else {
                throw BasinException.io("s3://" + bucket + "/" + k + ": S3 answered a ranged read (" + range + ") without the object's size ("
                        + "Content-Range '" + cr + "')", null);
            }
            if (offset < 0 && bytes.length > length) {
                bytes = Arrays.copyOfRange(bytes, bytes.length - length, bytes.length); // a server that ignored the range
            }
            return new Range(bytes, size);
        } catch (NoSuchKeyException e) {
            S3Connection.GETS.incrementAndGet();
            return null;
        } catch (S3Exception e) {
            S3Connection.GETS.incrementAndGet();
            if (e.statusCode() == 416) {
                return new Range(new byte[0], 0); // an empty object: no byte is in any range
            }
            throw failure("read", k, e);
        } catch (SdkException e) {
            S3Connection.GETS.incrementAndGet();
            throw failure("read", k, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        String k = objectKey(key);
        try {
            S3Connection.client().putObject(b -> b.bucket(bucket).key(k).contentLength((long) bytes.length), RequestBody.fromBytes(bytes));
            S3Connection.PUTS.incrementAndGet();
            S3Connection.BYTES_WRITTEN.addAndGet(bytes.length);
        } catch (SdkException e) {
            S3Connection.PUTS.incrementAndGet();
            throw failure("write", k, e);
        }
    }

    @Override
    public boolean anyKey(int maxDepth, Predicate<String> matches) {
        String p = prefix.isEmpty() ? "" : prefix + "/";
        String token = null;
        try {
            do {
                ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(p);
                if (token != null) {
                    req.continuationToken(token);
                }
                ListObjectsV2Response r = S3Connection.client().listObjectsV2(req.build());
                S3Connection.LISTS.incrementAndGet();
                for (S3Object o : r.contents()) {
                    String rel = o.key().substring(p.length());
                    if (rel.isEmpty() || rel.endsWith("/")) {
                        continue; // a "folder" marker (consoles and some servers make them): no key of a store
                    }
                    if (rel.chars().filter(c -> c == '/').count() < maxDepth && matches.test(rel)) {
                        return true;
                    }
                }
                token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
            } while (token != null);
            return false;
        } catch (SdkException e) {
            S3Connection.LISTS.incrementAndGet();
            throw failure("list", p, e);
        }
    }

    /** Every key under this prefix, relative to it, in S3's (UTF-8 binary) order. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        anyKey(Integer.MAX_VALUE, k -> {
            out.add(k);
            return false;
        });
        return out;
    }

    /**
     * What the object store says of every key under this prefix: count, bytes and a digest of (key, size, ETag).
     * An ETag changes with every PUT, so the stamp changes exactly when an object is written, added or removed:
     * the pipeline keys its planning tasks on it as it keys them on file sizes and dates for a local input.
     */
    public String stamp() {
        String stamp = stamp(prefix.isEmpty() ? "" : prefix + "/", false);
        if (stamp == null && !prefix.isEmpty()) {
            stamp = stamp(prefix, true); // a single object (an HDF5 or TIFF file) rather than a prefix of keys
        }
        if (stamp == null) {
            throw BasinException.badArguments(location() + ": no objects under this prefix");
        }
        return stamp;
    }

    /** The stamp of the keys listed under {@code p} ({@code exact}: only the key {@code p} itself); null for none. */
    private String stamp(String p, boolean exact) {
        StringBuilder listing = new StringBuilder();
        long n = 0;
        long bytes = 0;
        String token = null;
        try {
            do {
                ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(p);
                if (token != null) {
                    req.continuationToken(token);
                }
                ListObjectsV2Response r = S3Connection.client().listObjectsV2(req.build());
                S3Connection.LISTS.incrementAndGet();
                for (S3Object o : r.contents()) { // S3 lists keys in UTF-8 binary order: the same order every time
                    if (o.key().endsWith("/") || exact && !o.key().equals(p)) {
                        continue; // a "folder" marker, or a longer name beside the one object wanted
                    }
                    listing.append(o.key()).append('\t').append(o.size()).append('\t').append(o.eTag()).append('\n');
                    n++;
                    bytes += o.size();
                }
                token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw failure("list", p, e);
        }
        if (n == 0) {
            return null;
        }
        return n + " objects, " + bytes + " bytes, listing " + Digest.of(listing.toString());
    }

    /** Exit 4 naming the bucket and key, and what to check: the message a user of a failed task reads first. */
    private BasinException failure(String what, String key, SdkException e) {
        String where = "s3://" + bucket + "/" + key;
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() != null && s3.awsErrorDetails().errorCode() != null ? s3.awsErrorDetails().errorCode() : "HTTP " + s3.statusCode();
            String detail = s3.awsErrorDetails() != null && s3.awsErrorDetails().errorMessage() != null ? s3.awsErrorDetails().errorMessage() : "";
            String hint;
            if ("NoSuchBucket".equals(code)) {
                hint = "no such bucket '" + bucket + "'";
            } else if (s3.statusCode() == 403) {
                hint = "access denied to bucket '" + bucket + "' key '" + key + "' (" + code + (detail.isEmpty() ? "" : ": " + detail)
                        + "); check the credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE or the task's role) and that they allow s3:"
                        + (what.equals("read") ? "GetObject" : what.equals("write") ? "PutObject" : "ListBucket") + " here";
            } else {
                hint = "S3 refused to " + what + " bucket '" + bucket + "' key '" + key + "' (" + code + (detail.isEmpty() ? "" : ": " + detail)
                        + ", after " + S3Connection.MAX_ATTEMPTS + " attempts where retryable)";
            }
            return BasinException.io(where + ": " + hint, e);
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
        if (e instanceof SdkClientException && msg.contains("credentials")) {
            return BasinException.io(where + ": no AWS credentials to " + what + " bucket '" + bucket + "' key '" + key
                    + "' (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with a role): " + msg, e);
        }
        String endpoint = S3Connection.settings().endpoint() != null ? S3Connection.settings().endpoint() : "the AWS endpoint";
        return BasinException.io(where + ": cannot " + what + " bucket '" + bucket + "' key '" + key + "' at " + endpoint
                + " (" + msg + ")", e);
    }

    @Override
    public String absent(String key) {
        return "no such key '" + objectKey(key) + "' in bucket '" + bucket + "'";
    }

    @Override
    public ChunkStore child(String name) {
        return new S3ChunkStore(bucket, objectKey(name));
    }

    @Override
    public ChunkStore parent() {
        if (prefix.isEmpty()) {
            return null;
        }
        int slash = prefix.lastIndexOf('/');
        return new S3ChunkStore(bucket, slash < 0 ? "" : prefix.substring(0, slash));
    }

    @Override
    public String name() {
        return prefix.substring(prefix.lastIndexOf('/') + 1);
    }

    @Override
    public void create() {
        // keys need no folder; the bucket must exist (a PUT into a missing one fails naming it)
    }

    @Override
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
