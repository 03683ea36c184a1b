package dev.bulwark.ai.sanitiser;

import java.util.Locale;

/**
 * Payment card numbers: 13 to 19 digits, contiguous or in the usual groups (4-4-4-4, 4-4-4-4-3, 4-6-5, 4-6-4) with one
 * kind of separator (space or hyphen), whose issuer range and length belong to a known scheme and whose Luhn check
 * digit holds. Guards: a number glued to letters or part of a decimal, a version or a longer digit run is none; a bare
 * 13-digit number that is a valid EAN-13 barcode or follows "EAN", "GTIN", "UPC" or "ISBN" is a product code (13-digit
 * Visa numbers are no longer issued).
 */
final class CardRule implements Rule {

    @Override
    public void scan(Scan scan) {
        String text = scan.text;
        int[] starts = scan.tokenStarts();
        int count = scan.tokenStartCount();
        int skipUntil = 0;
        for (int k = 0; k < count; k++) {
            int i = starts[k];
            if (i < skipUntil || !Chars.digit(text.charAt(i)) || !startsCleanly(text, i) || !enoughDigits(text, i)) {
                continue;
            }
            scan.tick();
            int end = candidate(scan, i);
            if (end > 0) {
                skipUntil = end;
            }
        }
    }

    /** The cheap test first: at least 13 digits in the run (digits with single spaces or hyphens between). */
    private static boolean enoughDigits(String text, int i) {
        int n = text.length();
        int digits = 0;
        while (i < n && digits < 13) {
            char c = text.charAt(i);
            if (Chars.digit(c)) {
                digits++;
                i++;
            } else if ((c == ' ' || c == '-') && i + 1 < n && Chars.digit(text.charAt(i + 1))) {
                i++;
            } else {
                break;
            }
        }
        return digits >= 13;
    }

    private static boolean startsCleanly(String text, int i) {
        if (i == 0) {
            return true;
        }
        char p = text.charAt(i - 1);
        if (p == '_' || p == '+') {
            return false;
        }
        // 1.4111111111111111, v2-4111..., 12:4111...: part of something else; "9400 1579 5889 8211 6170 5318 07": not
        // the first group of the run.
        return !((p == '.' || p == '-' || p == '/' || p == ':' || p == ' ') && i >= 2 && Chars.digit(text.charAt(i - 2)));
    }

    private static int candidate(Scan scan, int start) {
        String text = scan.text;
        int n = text.length();
        char[] digits = new char[19];
        int[] groups = new int[8];
        int[] groupEnds = new int[8];
        int count = 0;
        int g = 0;
        char separator = 0;
        int j = start;
        while (true) {
            int run = 0;
            while (j < n && Chars.digit(text.charAt(j))) {
                if (count == 19) {
                    return -1;
                }
                digits[count++] = text.charAt(j++);
                run++;
            }
            groups[g] = run;
            groupEnds[g++] = j;
            if (g < groups.length && j + 1 < n && (text.charAt(j) == ' ' || text.charAt(j) == '-')
                    && Chars.digit(text.charAt(j + 1)) && (separator == 0 || text.charAt(j) == separator)) {
                separator = text.charAt(j);
                j++;
                continue;
            }
            break;
        }
        // The whole run, or a shorter one ending at a group boundary (a card number followed by a year).
        int used = count;
        for (int k = g; k >= 1; k--) {
            int end = groupEnds[k - 1];
            if (k < g) {
                used -= groups[k];
            }
            if (used < 13 || !endsCleanly(text, end, k < g)) {
                continue;
            }
            String number = new String(digits, 0, used);
            if (grouped(groups, k, used) && luhn(number) && scheme(number) && !productCode(text, start, number, k)) {
                scan.add(start, end, Kind.CARD, number);
                return end;
            }
        }
        return -1;
    }

    private static boolean endsCleanly(String text, int end, boolean shortened) {
        if (shortened || end >= text.length()) {
            return true;
        }
        char c = text.charAt(end);
        if (Chars.alnum(c) || c == '_') {
            return false;
        }
        return !((c == '.' || c == ',' || c == '/' || c == ':' || c == '-') && end + 1 < text.length()
                && Chars.digit(text.charAt(end + 1)));
    }

    /** Contiguous, or groups of four with a shorter last one, or the 4-6-5 / 4-6-4 layout of Amex and Diners. */
    static boolean grouped(int[] groups, int count, int digits) {
        if (count == 1) {
            return true;
        }
        if (count == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4)) {
            return true;
        }
        for (int i = 0; i < count - 1; i++) {
            if (groups[i] != 4) {
                return false;
            }
        }
        return groups[count - 1] >= 1 && groups[count - 1] <= 4 && digits >= 13;
    }

    /** The Luhn (mod 10) check of a digit string. */
    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** Whether the issuer range (IIN) and the length belong to a card scheme. */
    static boolean scheme(String d) {
        int len = d.length();
        int p2 = Integer.parseInt(d.substring(0, 2));
        int p3 = Integer.parseInt(d.substring(0, 3));
        int p4 = Integer.parseInt(d.substring(0, 4));
        int p6 = Integer.parseInt(d.substring(0, 6));
        boolean long16to19 = len >= 16 && len <= 19;
        return switch (d.charAt(0)) {
            case '4' -> len == 13 || len == 16 || len == 19; // Visa
            case '5' -> (p2 >= 51 && p2 <= 55 && len == 16) // Mastercard
                    || ((p2 == 50 || (p2 >= 56 && p2 <= 58)) && len >= 13); // Maestro
            case '2' -> (p4 >= 2221 && p4 <= 2720 && len == 16) // Mastercard 2-series
                    || (p4 >= 2200 && p4 <= 2204 && long16to19); // Mir
            case '3' -> ((p2 == 34 || p2 == 37) && len == 15) // American Express
                    || (((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) && len >= 14) // Diners Club
                    || (p4 >= 3528 && p4 <= 3589 && long16to19); // JCB
            case '6' -> (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925))
                    && long16to19 // Discover
                    || (p2 == 62 && long16to19) // UnionPay
                    || (p2 == 60 && len == 16) // RuPay
                    || len >= 13; // Maestro (6x)
            case '9' -> p4 == 9792 && len == 16; // Troy
            default -> false;
        };
    }

    private static boolean productCode(String text, int start, String digits, int groups) {
        if (digits.length() != 13 || groups != 1) {
            return false;
        }
        if (ean13(digits)) {
            return true;
        }
        String before = text.substring(Math.max(0, start - 16), start).toUpperCase(Locale.ROOT);
        return before.contains("EAN") || before.contains("GTIN") || before.contains("UPC") || before.contains("ISBN");
    }

    /** The EAN-13 check digit (weights 1 and 3 from the left). */
    static boolean ean13(String d) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (d.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (10 - sum % 10) % 10 == d.charAt(12) - '0';
    }
}
