package dev.bulwark.shared;

/** The field formats of docs/api.md, in one place for every validated request. */
public final class TextRules {

    /** An address with a local part, an @, and a dotted domain; no spaces. Length is checked separately (≤ 254). */
    public static final String EMAIL = "^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$";

    /** E.164: a plus, then 8 to 15 digits, the first not zero. */
    public static final String PHONE = "^\\+[1-9][0-9]{7,14}$";

    private TextRules() {
    }

    /**
     * Text as Bulwark accepts it anywhere: no NUL or other control character (tab, line feed and carriage return
     * excepted) and no unpaired surrogate. PostgreSQL cannot store a NUL, and the rest is how log forging starts.
     */
    public static boolean isText(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
