package dev.bulwark.tenancy.internal.database;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The optional copy of every base backup and archived WAL segment to S3-compatible storage (docs/backups.md).
 *
 * @param endpoint  the service's base URL, path-style ({@code https://s3.eu-central-1.amazonaws.com},
 *                  {@code http://127.0.0.1:27813}); empty: no copy
 * @param bucket    the bucket, which must exist
 * @param region    the signing region (SigV4); {@code us-east-1} by default
 * @param accessKey the access key id
 * @param secretKey the secret access key: set it from the environment ({@code BULWARK_BACKUP_S3_SECRET_KEY}); never
 *                  logged or shown
 * @param prefix    prepended to every object key ({@code bulwark/}); empty by default
 * @param interval  how often the running application looks for new segments and backups to copy
 */
@ConfigurationProperties("bulwark.backup.s3")
public record S3Properties(
        String endpoint,
        String bucket,
        @DefaultValue("us-east-1") String region,
        String accessKey,
        String secretKey,
        @DefaultValue("") String prefix,
        @DefaultValue("30s") Duration interval) {

    public S3Properties {
        prefix = prefix == null ? "" : prefix.strip();
        if (endpoint != null && !endpoint.isBlank()) {
            URI uri;
            try {
                uri = URI.create(endpoint.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bulwark.backup.s3.endpoint is not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) || uri.getQuery() != null
                    || uri.getUserInfo() != null) {
                throw new IllegalArgumentException("bulwark.backup.s3.endpoint must be http(s)://host[:port], was " + endpoint);
            }
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("bulwark.backup.s3.bucket must be an S3 bucket name");
            }
            if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
                throw new IllegalArgumentException("bulwark.backup.s3.access-key and secret-key are required with an endpoint");
            }
            if (region == null || !region.matches("[a-z0-9-]{1,40}")) {
                throw new IllegalArgumentException("bulwark.backup.s3.region must be a region name such as us-east-1");
            }
            if (!prefix.isEmpty() && !prefix.matches("[A-Za-z0-9._/-]+") || prefix.startsWith("/")) {
                throw new IllegalArgumentException("bulwark.backup.s3.prefix may hold letters, digits, '.', '_', '-' and '/'"
                        + " and must not start with '/'");
            }
        }
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("bulwark.backup.s3.interval must be at least 1s");
        }
    }

    public boolean configured() {
        return endpoint != null && !endpoint.isBlank();
    }

    /** The endpoint without a trailing slash. */
    String base() {
        String e = endpoint.strip();
        return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
    }

    /** Never the secret key. */
    @Override
    public String toString() {
        return "S3Properties[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey=" + accessKey
                + ", prefix=" + prefix + ", interval=" + interval + "]";
    }
}
