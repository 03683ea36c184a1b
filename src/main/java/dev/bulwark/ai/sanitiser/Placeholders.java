package dev.bulwark.ai.sanitiser;

/**
 * The grammar of the restorable placeholders, {@code [EMAIL_n]}, {@code [PHONE_n]} and {@code [NAME_n]} (n: 1 to 9
 * digits), and of their escaped form, which starts with a full-width bracket ({@code U+FF3B}) instead of {@code [}.
 * A placeholder-shaped string in the user's own text is escaped on the way out, so the text sent to the provider holds
 * {@code [EMAIL_n]} only where the sanitiser put it, and restoration turns the escaped form back into the user's
 * literal text without ever looking it up.
 */
final class Placeholders {

    static final char OPEN = '[';
    static final char ESCAPED_OPEN = '\uFF3B';
    /** The input ended inside something that may still become a placeholder. */
    static final int PARTIAL = -2;
    static final int NONE = -1;
    /** The longest placeholder: {@code [PHONE_} + 9 digits + {@code ]}. */
    static final int MAX_LENGTH = 17;

    private Placeholders() {
    }

    /**
     * Matches a (possibly escaped) restorable placeholder at {@code i}, reading no further than {@code limit}: its end
     * (exclusive), {@link #NONE} when it is none, or {@link #PARTIAL} when the input ends before it can tell.
     */
    static int match(CharSequence s, int i, int limit) {
        char b = s.charAt(i);
        if (b != OPEN && b != ESCAPED_OPEN) {
            return NONE;
        }
        int j = i + 1;
        if (j >= limit) {
            return PARTIAL;
        }
        String tag = switch (s.charAt(j)) {
            case 'E' -> "EMAIL";
            case 'P' -> "PHONE";
            case 'N' -> "NAME";
            default -> null;
        };
        if (tag == null) {
            return NONE;
        }
        for (int k = 0; k < tag.length(); k++, j++) {
            if (j >= limit) {
                return PARTIAL;
            }
            if (s.charAt(j) != tag.charAt(k)) {
                return NONE;
            }
        }
        if (j >= limit) {
            return PARTIAL;
        }
        if (s.charAt(j++) != '_') {
            return NONE;
        }
        int digits = 0;
        while (true) {
            if (j >= limit) {
                return PARTIAL;
            }
            char d = s.charAt(j);
            if (d >= '0' && d <= '9') {
                if (++digits > 9) {
                    return NONE;
                }
                j++;
            } else {
                return d == ']' && digits > 0 ? j + 1 : NONE;
            }
        }
    }
}
