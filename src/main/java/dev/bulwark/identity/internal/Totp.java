package dev.bulwark.identity.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.codec.binary.Base32;

/**
 * RFC 6238 TOTP as authenticator apps implement it: HMAC-SHA1, 6 digits, 30-second steps, a 160-bit seed in
 * Base32. Hand-written: the algorithm is a few lines of RFC 4226 truncation over the JDK's HMAC, and the available
 * library is unmaintained; {@code TotpTest} pins it to the RFC's published vectors.
 */
final class Totp {

    static final int DIGITS = 6;
    static final long STEP_SECONDS = 30;
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {
    }

    /** A new 160-bit seed, Base32 without padding. */
    static String newSecret() {
        byte[] seed = new byte[20];
        RANDOM.nextBytes(seed);
        return new Base32().encodeAsString(seed).replace("=", "");
    }

    static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The code of {@code step}, zero-padded to {@code digits}. */
    static String code(byte[] key, long step, int digits, String hmac) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%0" + digits + "d", binary % POWERS[digits]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The step {@code code} belongs to, within one step either side of {@code now} and later than
     * {@code lastUsedStep} (each code is accepted once), or empty.
     */
    static OptionalLong matchingStep(String secret, String code, Instant now, long lastUsedStep) {
        if (code == null || !code.matches("\\d{6}")) {
            return OptionalLong.empty();
        }
        byte[] key = new Base32().decode(secret);
        long current = step(now);
        for (long s = current - 1; s <= current + 1; s++) {
            // Compare every candidate in constant time; never stop early on the first digit that differs.
            if (s > lastUsedStep && MessageDigest.isEqual(code(key, s, DIGITS, "HmacSHA1").getBytes(), code.getBytes())) {
                return OptionalLong.of(s);
            }
        }
        return OptionalLong.empty();
    }
}
