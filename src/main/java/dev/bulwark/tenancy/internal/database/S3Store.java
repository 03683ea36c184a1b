package dev.bulwark.tenancy.internal.database;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bulwark.egress.Egress;
import dev.bulwark.egress.EgressFailure;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.BackupException;

/**
 * The few S3 calls the backup copy needs (PUT and GET of one object, path-style), signed with {@link SigV4} and sent
 * through {@link Egress}. A PUT carries the payload's SHA-256 twice: signed, in {@code x-amz-content-sha256}, which S3
 * checks against what it received before storing anything, and as {@code x-amz-checksum-sha256}, which S3 keeps with
 * the object. Failures are {@link BackupException}s whose message names the key, the HTTP status and S3's error code,
 * and never a credential.
 */
final class S3Store {

    private static final Pattern CODE = Pattern.compile("<Code>([A-Za-z0-9.]{1,64})</Code>");
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);

    private final S3Properties properties;
    private final Egress egress;
    private final Clock clock;
    private final SigV4 signer;
    private final String host;

    S3Store(S3Properties properties, Egress egress, Clock clock) {
        this.properties = properties;
        this.egress = egress;
        this.clock = clock;
        this.signer = new SigV4(properties.region(), properties.accessKey(), properties.secretKey());
        URI uri = URI.create(properties.base());
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort();
        // The Host header egress sends (egress/internal/Target): the host as written, the port unless the default.
        this.host = uri.getHost().toLowerCase(Locale.ROOT)
                + (port == -1 || (https && port == 443) || (!https && port == 80) ? "" : ":" + port);
    }

    /** The object key of {@code name} under the configured prefix. */
    String key(String name) {
        String p = properties.prefix();
        return p.isEmpty() ? name : (p.endsWith("/") ? p + name : p + "/" + name);
    }

    /** Where an object is, for messages: {@code s3://bucket/key}. */
    String where(String key) {
        return "s3://" + properties.bucket() + "/" + key;
    }

    /** Stores {@code body} as {@code key}; {@code sha256} is the body's SHA-256 in hex, checked by S3 on receipt. */
    void put(String key, byte[] body, String sha256) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        headers.put("x-amz-checksum-sha256", Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256)));
        Egress.Answer answer = call("PUT", key, headers, body, sha256);
        if (answer.status() != 200) {
            throw failure("PUT", key, answer);
        }
    }

    /** The object {@code key}, or empty when there is none. */
    Optional<byte[]> get(String key) {
        Egress.Answer answer = call("GET", key, Map.of(), null, SigV4.EMPTY_SHA256);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (answer.status() != 200) {
            throw failure("GET", key, answer);
        }
        return Optional.of(answer.body());
    }

    private Egress.Answer call(String method, String key, Map<String, String> headers, byte[] body, String sha256) {
        String path = "/" + properties.bucket() + "/" + SigV4.encodePath(key);
        Map<String, String> signed = signer.sign(method, host, path, "", headers, sha256, clock.instant());
        try {
            return egress.send(new Egress.Call(method, properties.base() + path, signed, body, CALL_TIMEOUT));
        } catch (EgressFailure e) {
            throw new BackupException(method + " " + where(key) + " failed: " + Manifest.oneLine(e), e);
        } catch (RefusedException e) {
            throw new BackupException(method + " " + where(key) + " refused by egress: " + e.getMessage()
                    + " (an S3 endpoint on a private address needs an entry in bulwark.egress.allow)", e);
        }
    }

    private BackupException failure(String method, String key, Egress.Answer answer) {
        Matcher m = CODE.matcher(new String(answer.body(), StandardCharsets.UTF_8));
        String code = m.find() ? " " + m.group(1) : "";
        return new BackupException(method + " " + where(key) + " answered " + answer.status() + code);
    }
}
