package dev.bulwark.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The one format of every secret token Bulwark issues: a type prefix, 32 base62 characters of randomness
 * (190 bits) and a 6-character base62 CRC32 of the two, so a scanner can recognise a real token offline and a
 * typo is refused before any lookup. Only the SHA-256 of a token is ever stored: tokens are long random strings,
 * so a fast hash is enough and keeps the lookup off the slow password hash.
 */
public final class Tokens {

    /** What a token is for; the prefix says so to people and to secret scanners. */
    public enum Type {
        REFRESH("bwr_"),
        API_KEY("bwk_"),
        INVITATION("bwi_"),
        PASSWORD_RESET("bwp_"),
        EMAIL_VERIFICATION("bwv_"),
        MFA_CHALLENGE("bwm_");

        private final String prefix;

        Type(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    /** A freshly issued token: {@code value} is shown once, {@code hash} is what gets stored. */
    public record Issued(String value, byte[] hash) {
        @Override
        public String toString() {
            return "Issued[" + value.substring(0, 4) + "…]";
        }
    }

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int RANDOM_CHARS = 32;
    private static final int CHECKSUM_CHARS = 6;
    private static final Pattern SHAPE = Pattern.compile("bw[a-z]_[0-9A-Za-z]{" + (RANDOM_CHARS + CHECKSUM_CHARS) + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static Issued issue(Type type) {
        StringBuilder body = new StringBuilder(type.prefix());
        for (int i = 0; i < RANDOM_CHARS; i++) {
            body.append(BASE62.charAt(RANDOM.nextInt(62)));
        }
        String value = body + checksum(body.toString());
        return new Issued(value, hash(value));
    }

    /** True when {@code value} has {@code type}'s prefix, the right shape and a correct checksum. */
    public static boolean wellFormed(Type type, String value) {
        if (value == null || !value.startsWith(type.prefix()) || !SHAPE.matcher(value).matches()) {
            return false;
        }
        int split = value.length() - CHECKSUM_CHARS;
        return MessageDigest.isEqual(checksum(value.substring(0, split)).getBytes(StandardCharsets.US_ASCII),
                value.substring(split).getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] hash(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_CHARS];
        for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
            out[i] = BASE62.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(out);
    }
}
