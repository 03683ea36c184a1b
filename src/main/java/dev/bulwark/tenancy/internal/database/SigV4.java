package dev.bulwark.tenancy.internal.database;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for S3 requests, in the {@code Authorization} header, with a signed payload hash
 * ({@code x-amz-content-sha256}). Hand-written on purpose: the AWS SDK signs only through its own HTTP clients, which
 * would open connections outside egress (the one way out, {@code OutboundBoundaryTest}); the algorithm is a few HMACs
 * over a canonical text, checked in {@code SigV4Test} against AWS's published example.
 */
final class SigV4 {

    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final String region;
    private final String accessKey;
    private final byte[] secret;

    SigV4(String region, String accessKey, String secretKey) {
        this.region = region;
        this.accessKey = accessKey;
        this.secret = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The headers to send with a request: {@code headers} as given, {@code x-amz-date}, {@code x-amz-content-sha256}
     * and {@code Authorization}. {@code host} is the {@code Host} header egress will send; it is signed, not returned.
     *
     * @param path    the request's path, already URI-encoded as S3 expects ({@link #encodePath})
     * @param query   the canonical query string (names and values encoded, sorted), empty for none
     */
    Map<String, String> sign(String method, String host, String path, String query, Map<String, String> headers,
                             String payloadSha256, Instant at) {
        String amzDate = AMZ_DATE.format(at);
        String scope = DAY.format(at) + "/" + region + "/s3/aws4_request";
        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("host", host);
        headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), v.strip().replaceAll(" +", " ")));
        signed.put("x-amz-content-sha256", payloadSha256);
        signed.put("x-amz-date", amzDate);
        String signedNames = String.join(";", signed.keySet());
        String canonical = canonicalRequest(method, path, query, signed, payloadSha256);
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonical);
        byte[] key = hmac(secret, DAY.format(at));
        key = hmac(key, region);
        key = hmac(key, "s3");
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.put("x-amz-date", amzDate);
        out.put("x-amz-content-sha256", payloadSha256);
        out.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ",SignedHeaders=" + signedNames
                + ",Signature=" + signature);
        return out;
    }

    /** The canonical request of SigV4: method, path, query, each signed header on a line, their names, the payload hash. */
    static String canonicalRequest(String method, String path, String query, TreeMap<String, String> signed, String payload) {
        StringBuilder b = new StringBuilder().append(method).append('\n').append(path).append('\n').append(query).append('\n');
        signed.forEach((k, v) -> b.append(k).append(':').append(v).append('\n'));
        return b.append('\n').append(String.join(";", signed.keySet())).append('\n').append(payload).toString();
    }

    /** Each segment of an object key encoded as SigV4 requires (unreserved characters kept), '/' between them kept. */
    static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (byte c : path.getBytes(StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_'
                    || u == '~' || u == '/') {
                b.append((char) u);
            } else {
                b.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) u));
            }
        }
        return b.toString();
    }

    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(Manifest.newSha256().digest(bytes));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
