package org.basin.io;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.basin.error.BasinException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The one S3 client of a basin process, built on first use from the settings the command line gave
 * ({@code --s3-endpoint}, {@code --s3-path-style}, {@code --s3-region}) and the SDK's standard credential chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, the ECS / EC2 role of an AWS Batch task). Commands that
 * never touch s3:// never load the SDK. Also counts the requests and bytes, for the benchmark and the log line.
 */
public final class S3Connection {
    /** Attempts per request, the first included: throttling (503 SlowDown) and 5xx back off exponentially. */
    public static final int MAX_ATTEMPTS = 6;

    public record Settings(String endpoint, boolean pathStyle, String region) {
        public static final Settings DEFAULT = new Settings(null, false, null);
    }

    private static volatile Settings settings = Settings.DEFAULT;
    private static S3Client client;

    static final AtomicLong GETS = new AtomicLong();
    static final AtomicLong PUTS = new AtomicLong();
    static final AtomicLong LISTS = new AtomicLong();
    static final AtomicLong HEADS = new AtomicLong();
    static final AtomicLong BYTES_READ = new AtomicLong();
    static final AtomicLong BYTES_WRITTEN = new AtomicLong();

    private S3Connection() {
    }

    /**
     * Sets the settings of the command about to run and starts its counts at zero; the client is built on first
     * use (so credentials are read then: a command that never touches s3:// never needs any).
     */
    public static synchronized void configure(Settings s) {
        if (s.endpoint() != null) {
            endpointUri(s.endpoint()); // refuse a malformed one now, naming the option
        }
        if (client != null) {
            client.close();
            client = null;
        }
        settings = s;
        for (AtomicLong c : new AtomicLong[] {GETS, PUTS, LISTS, HEADS, BYTES_READ, BYTES_WRITTEN}) {
            c.set(0);
        }
    }

    public static Settings settings() {
        return settings;
    }

    static synchronized S3Client client() {
        if (client == null) {
            client = build(settings);
        }
        return client;
    }

    private static S3Client build(Settings s) {
        StandardRetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(20)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20)))
                .build();
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(60)))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(retry).build())
                .forcePathStyle(s.pathStyle());
        b.region(region(s));
        if (s.endpoint() != null) {
            b.endpointOverride(endpointUri(s.endpoint()));
            // S3-compatible servers often lack the newer default checksum trailers; send them only where required
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return b.build();
    }

    /** --s3-region, else the SDK's chain (AWS_REGION, profile, instance metadata), else us-east-1 for a custom endpoint. */
    private static Region region(Settings s) {
        if (s.region() != null && !s.region().isBlank()) {
            return Region.of(s.region());
        }
        String named = System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : System.getProperty("aws.region");
        if (named != null && !named.isBlank()) {
            return Region.of(named);
        }
        if (s.endpoint() != null) {
            return Region.US_EAST_1; // S3-compatible servers mostly ignore it, but requests are signed with one
        }
        try { // the profile, then instance metadata (an AWS Batch task's)
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException e) {
            throw BasinException.io("S3: no AWS region (set --s3-region or AWS_REGION): " + e.getMessage().split("\n")[0], e);
        }
    }

    /**
     * The HTTP(S) URL a viewer fetches s3://bucket/key at, with these settings: ENDPOINT/bucket/key with path-style
     * addressing, scheme://bucket.HOST/key with a custom endpoint otherwise, and AWS's virtual-hosted
     * https://bucket.s3.REGION.amazonaws.com/key (no region known: the global https://bucket.s3.amazonaws.com/key).
     */
    public static String httpUrl(Settings s, String bucket, String key) {
        String k = key == null || key.isEmpty() ? "" : "/" + key.replaceFirst("^/+", "");
        if (s.endpoint() != null) {
            URI u = endpointUri(s.endpoint());
            String base = s.endpoint().replaceAll("/+$", "");
            if (s.pathStyle()) {
                return base + "/" + bucket + k;
            }
            return u.getScheme() + "://" + bucket + "." + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "") + k;
        }
        String region;
        try { // the region the tools' requests go to: --s3-region, AWS_REGION, the profile's, instance metadata
            region = region(s).id();
        } catch (BasinException e) {
            region = null; // none known: AWS's global name, which redirects
        }
        return "https://" + bucket + (region != null ? ".s3." + region : ".s3") + ".amazonaws.com" + k;
    }

    private static URI endpointUri(String endpoint) {
        try {
            URI u = new URI(endpoint);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw BasinException.badArguments("--s3-endpoint '" + endpoint + "' is not an http:// or https:// URL (e.g. http://127.0.0.1:9000)");
            }
            return u;
        } catch (URISyntaxException e) {
            throw BasinException.badArguments("--s3-endpoint '" + endpoint + "' is not a URL (" + e.getMessage() + ")");
        }
    }

    /** What this process asked of S3 so far: requests and bytes. */
    public record Counts(long gets, long puts, long lists, long heads, long bytesRead, long bytesWritten) {
        public long requests() {
            return gets + puts + lists + heads;
        }

        @Override
        public String toString() {
            return gets + " GET (" + bytesRead + " bytes), " + puts + " PUT (" + bytesWritten + " bytes), " + lists + " LIST, " + heads + " HEAD";
        }
    }

    public static Counts counts() {
        return new Counts(GETS.get(), PUTS.get(), LISTS.get(), HEADS.get(), BYTES_READ.get(), BYTES_WRITTEN.get());
    }

    /** True once this process has made a request (the log line at the end of a command). */
    public static boolean used() {
        return counts().requests() > 0;
    }
}
