package dev.bulwark.webhooks.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 secrets and signatures (docs/webhooks.md). A secret is {@code whsec_} and the base64 of 32 random
 * bytes; a signature is {@code v1,} and the base64 of HMAC-SHA256, keyed by the decoded secret, over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}; several are joined by a space.
 * <p>
 * Hand-written on the JDK's HMAC rather than with the reference library's {@code sign}: the scheme is that one HMAC,
 * and keeping the signing side apart from the reference library lets the trust center's check and the tests verify
 * what this code sends with that library, an independent implementation, instead of with itself.
 */
public final class Signatures {

    public static final String PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {
    }

    /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        try {
            return PREFIX + Base64.getEncoder().encodeToString(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The {@code webhook-signature} header: one {@code v1,<base64>} per secret, in the order given, space-separated. */
    public static String header(List<String> secrets, String webhookId, long timestamp, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a delivery is signed by at least one secret");
        }
        return secrets.stream().map(secret -> sign(secret, webhookId, timestamp, body)).collect(Collectors.joining(" "));
    }

    /** One signature, {@code v1,<base64 HMAC-SHA256>}, over {@code id.timestamp.body} with {@code secret}. */
    public static String sign(String secret, String webhookId, long timestamp, byte[] body) {
        if (!secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a webhook secret");
        }
        byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
