package org.basin.io;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server for tests: s3proxy on 127.0.0.1 (a free port) over jclouds' filesystem backend in a temporary
 * folder, with one identity; {@link #close} stops it. Basin reaches it with --s3-endpoint and path-style
 * addressing, and the credentials as the SDK's system properties (aws.accessKeyId / aws.secretAccessKey).
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "basin-test-access";
    public static final String SECRET_KEY = "basin-test-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext context;

    public S3TestServer(Path dir) throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(p).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long until = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < until) {
            Thread.sleep(5);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public void createBucket(String name) {
        context.getBlobStore().createContainerInLocation(null, name);
    }

    /** Basin's settings for this server; credentials go in as system properties (the SDK's chain reads them). */
    public S3Connection.Settings settings() {
        useCredentials(ACCESS_KEY, SECRET_KEY);
        return new S3Connection.Settings(endpoint(), true, null);
    }

    public static void useCredentials(String access, String secret) {
        System.setProperty("aws.disableEc2Metadata", "true"); // no instance-metadata lookups on a machine without one
        if (access == null) {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        } else {
            System.setProperty("aws.accessKeyId", access);
            System.setProperty("aws.secretAccessKey", secret);
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
