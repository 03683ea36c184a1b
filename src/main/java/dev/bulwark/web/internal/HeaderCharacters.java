package dev.bulwark.web.internal;

import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The header names and values {@link StrictHttpFirewall} lets through, checked by a loop instead of its regular
 * expressions, with the same answer for every string ({@code BearerTokensTest} compares the two on every code
 * point). Hand-written because the firewall checks a header's value each time the application reads it, and the
 * expression over an 800-byte access token, read twice per request, cost about as much CPU as finding the token
 * (docs/benchmarks.md, "One gate per request").
 */
final class HeaderCharacters {

    private HeaderCharacters() {
    }

    /** Every code point assigned, none a control character: the firewall's {@code ALLOWED_HEADER_NAMES}. */
    static boolean allowedName(String name) {
        return allowed(name, false);
    }

    /** As {@link #allowedName}, and a tab is allowed too: the firewall's {@code ALLOWED_HEADER_VALUES}. */
    static boolean allowedValue(String value) {
        return allowed(value, true);
    }

    private static boolean allowed(String text, boolean tab) {
        int length = text.length();
        for (int i = 0; i < length; ) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                i++;
                continue;
            }
            int codePoint = text.codePointAt(i);
            boolean control = Character.getType(codePoint) == Character.CONTROL;
            if (!Character.isDefined(codePoint) || (control && !(tab && codePoint == '\t'))) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
