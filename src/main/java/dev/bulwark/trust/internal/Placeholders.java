package dev.bulwark.trust.internal;

import java.net.URI;
import java.util.Locale;

/**
 * Whether an address is a placeholder: its host is a name reserved never to be anyone's (RFC 2606 and RFC 6761:
 * {@code example.com}, {@code .net}, {@code .org} and their subdomains, the {@code .example}, {@code .test},
 * {@code .invalid} and {@code .localhost} names, {@code localhost} itself). The defaults Bulwark ships with are such
 * addresses; a check or the page shows them as not configured, never as a pass.
 */
public final class Placeholders {

    /** {@code mailto:}, {@code https://} or {@code http://} addresses; anything else (say {@code tel:}) is not judged. */
    public static boolean isPlaceholder(String address) {
        if (address == null || address.isBlank()) {
            return true;
        }
        String host;
        String lower = address.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("mailto:")) {
            int at = lower.lastIndexOf('@');
            if (at < 0) {
                return true;
            }
            host = lower.substring(at + 1).replaceAll("[?#].*$", "");
        } else if (lower.startsWith("https://") || lower.startsWith("http://")) {
            try {
                host = URI.create(lower).getHost();
            } catch (IllegalArgumentException e) {
                return true;
            }
            if (host == null) {
                return true;
            }
        } else {
            return false;
        }
        host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String reserved : new String[] {"example.com", "example.net", "example.org", "example", "test", "invalid", "localhost"}) {
            if (host.equals(reserved) || host.endsWith("." + reserved)) {
                return true;
            }
        }
        return false;
    }

    private Placeholders() {
    }
}
