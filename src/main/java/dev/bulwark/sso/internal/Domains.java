package dev.bulwark.sso.internal;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Email domains as single sign-on compares them: ASCII (IDNA), lower case, no trailing dot; and their index hash. */
final class Domains {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9]");

    /** {@code domain} in its compared form, or empty when it is no domain name with at least two labels. */
    static Optional<String> normalise(String domain) {
        if (domain == null || domain.isEmpty() || domain.length() > 253) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2 || ascii.length() > 253) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        // The last label is a top-level domain: letters (or an IDNA "xn--" label), never all digits (no IP addresses).
        if (labels[labels.length - 1].matches("[0-9]+")) {
            return Optional.empty();
        }
        return Optional.of(ascii);
    }

    /** The domain of an email address, compared form; empty when there is none. */
    static Optional<String> ofEmail(String email) {
        if (email == null) {
            return Optional.empty();
        }
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1) {
            return Optional.empty();
        }
        return normalise(email.substring(at + 1));
    }

    /** The key of the global domain index. */
    static byte[] sha256(String normalised) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("sso.domain:" + normalised).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Domains() {
    }
}
