package dev.bulwark.billing.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.bulwark.shared.RefusedException;

/**
 * Stripe's webhook signature, checked the way Stripe publishes it: the {@code Stripe-Signature} header is
 * {@code t=<unix seconds>,v1=<hex>[,v1=<hex>…]} (several {@code v1} while a secret is being rolled; {@code v0} and any
 * other scheme ignored); a {@code v1} is the HMAC-SHA256, keyed with the endpoint's secret, of {@code t}, a full stop
 * and the raw body bytes. The request passes when one {@code v1} equals it (compared in constant time) and {@code t}
 * lies within {@link #TOLERANCE} of now, in the past or the future.
 *
 * <p>Hand-written: the scheme is a dozen lines of HMAC and fully specified, and Stripe's own library would bring a whole
 * API client (and Gson) into the application for it. The tests sign with that library and check that its headers pass
 * here, so the two cannot drift apart unnoticed.
 */
final class StripeSignature {

    /** How far {@code t} may be from now: Stripe's own default tolerance. */
    static final Duration TOLERANCE = Duration.ofSeconds(300);

    /** A header longer than this is no Stripe header (a handful of signatures at most). */
    private static final int MAX_HEADER = 4096;

    private final byte[] secret;

    StripeSignature(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Refuses (400 {@code signature-invalid}) unless {@code header} signs {@code body} and its time is near {@code now}. */
    void verify(String header, byte[] body, Instant now) {
        if (header == null || header.isBlank()) {
            throw refused("The Stripe-Signature header is missing.");
        }
        Parsed parsed = parse(header);
        long age = now.getEpochSecond() - parsed.timestamp();
        if (Math.abs(age) > TOLERANCE.toSeconds()) {
            throw refused("The Stripe-Signature timestamp is more than " + TOLERANCE.toSeconds() + " seconds from now.");
        }
        byte[] expected = HexFormat.of().formatHex(hmac(parsed.timestamp(), body)).getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (String candidate : parsed.signatures()) {
            // Every candidate is compared, each in constant time.
            matched |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        if (!matched) {
            throw refused("No v1 signature in the Stripe-Signature header matches the body.");
        }
    }

    /** The header's timestamp and its {@code v1} signatures. */
    record Parsed(long timestamp, List<String> signatures) {
    }

    static Parsed parse(String header) {
        if (header.length() > MAX_HEADER) {
            throw refused("The Stripe-Signature header is malformed.");
        }
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String item : header.split(",", -1)) {
            int equals = item.indexOf('=');
            if (equals <= 0) {
                throw refused("The Stripe-Signature header is malformed.");
            }
            String scheme = item.substring(0, equals).strip();
            String value = item.substring(equals + 1).strip();
            if (scheme.equals("t")) {
                if (timestamp != null || !value.matches("[0-9]{1,12}")) {
                    throw refused("The Stripe-Signature header is malformed.");
                }
                timestamp = Long.parseLong(value);
            } else if (scheme.equals("v1")) {
                signatures.add(value);
            }
            // v0 (Stripe's test-mode scheme) and any scheme added later are ignored, as Stripe asks.
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw refused("The Stripe-Signature header is malformed.");
        }
        return new Parsed(timestamp, signatures);
    }

    private byte[] hmac(long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static RefusedException refused(String detail) {
        return new RefusedException(400, "signature-invalid", "Signature invalid", detail);
    }
}
