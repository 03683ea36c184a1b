package dev.bulwark.ai.sanitiser;

/** Character classes the rules share, with a table for ASCII so the hot loops avoid {@link Character}'s slow paths. */
final class Chars {

    private static final byte ALNUM = 1;
    private static final byte DIGIT = 2;
    private static final byte UPPER = 4;
    private static final byte EMAIL_LOCAL = 8;
    private static final byte HOST = 16;
    private static final byte[] ASCII = new byte[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            ASCII[c] |= ALNUM | DIGIT | EMAIL_LOCAL | HOST;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            ASCII[c] |= ALNUM | EMAIL_LOCAL | HOST;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ASCII[c] |= ALNUM | UPPER | EMAIL_LOCAL | HOST;
        }
        for (char c : "._%+-'".toCharArray()) {
            ASCII[c] |= EMAIL_LOCAL;
        }
        ASCII['-'] |= HOST;
    }

    private Chars() {
    }

    /** A letter or digit (any script). */
    static boolean alnum(char c) {
        return c < 128 ? (ASCII[c] & ALNUM) != 0 : Character.isLetterOrDigit(c);
    }

    static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /** A character of an address's local part (ASCII: letters, digits and {@code ._%+-'}). */
    static boolean emailLocal(char c) {
        return c < 128 && (ASCII[c] & EMAIL_LOCAL) != 0;
    }

    /** A character of a host name label (ASCII letters, digits, hyphen). */
    static boolean host(char c) {
        return c < 128 && (ASCII[c] & HOST) != 0;
    }

    /** Whether a token starts at {@code i}: a letter or digit not preceded by one. */
    static boolean tokenStart(String s, int i) {
        return alnum(s.charAt(i)) && (i == 0 || !alnum(s.charAt(i - 1)));
    }

    /** Whether {@code i} is past a token's end: the end of the text or a character that is no letter or digit. */
    static boolean tokenEnd(String s, int i) {
        return i >= s.length() || !alnum(s.charAt(i));
    }

    /** Lower case for matching without regard to case: ASCII fast, the rest through {@link Character}. */
    static char fold(char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return Character.toLowerCase(c);
    }
}
