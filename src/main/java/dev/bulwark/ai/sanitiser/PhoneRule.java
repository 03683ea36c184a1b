package dev.bulwark.ai.sanitiser;

import java.util.Locale;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Phone numbers, validated against the numbering plans by libphonenumber. Always: international numbers ({@code +} and
 * a country code). Only when the session has a default country: numbers in that country's national form.
 *
 * <p>A candidate is cut from the text cheaply (digits with single spaces, hyphens, dots or brackets between groups),
 * then libphonenumber decides; when the whole run is no valid number, shorter runs ending at a group boundary are tried
 * (a number followed by a year). National candidates must also look like a phone number: written in groups, or with
 * the trunk prefix 0, or after a word such as "phone", "tel" or "call"; a bare run of digits with none of those is an
 * order number or an amount far more often than a phone number. Dates, times, IPv4 addresses, decimals and identifiers
 * glued to letters ({@code ORD-2025550143}) are never candidates.
 */
final class PhoneRule implements Rule {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int MAX_DIGITS = 17;
    private static final String[] CONTEXT = {"phone", "tel", "call", "mobile", "mobil", "cell", "fax", "sms", "whatsapp",
        "ring", "dial", "contact", "reach", "téléphone", "telefon", "tél", "handy", "number"};

    /** The region for national numbers: null for none, else a region libphonenumber knows. */
    static String region(String defaultCountry) {
        if (defaultCountry == null || defaultCountry.isBlank()) {
            return null;
        }
        String region = defaultCountry.strip().toUpperCase(Locale.ROOT);
        if (!UTIL.getSupportedRegions().contains(region)) {
            throw new IllegalArgumentException("defaultCountry must be an ISO 3166 alpha-2 code with a numbering plan");
        }
        return region;
    }

    /** Loads the numbering plans now, so a broken library fails at construction, not on the first prompt. */
    PhoneRule() {
        try {
            if (!UTIL.isValidNumber(UTIL.parse("+44 20 7946 0958", "ZZ"))) {
                throw new IllegalStateException("libphonenumber rejects a valid number");
            }
        } catch (NumberParseException e) {
            throw new IllegalStateException("libphonenumber cannot parse", e);
        }
    }

    @Override
    public void scan(Scan scan) {
        String text = scan.text;
        int n = text.length();
        for (int i = text.indexOf('+'); i >= 0 && i < n - 1; i = text.indexOf('+', i + 1)) {
            scan.tick();
            if (i > 0 && (Chars.alnum(text.charAt(i - 1)) || text.charAt(i - 1) == '+')) {
                continue;
            }
            if (!Chars.digit(text.charAt(i + 1))) {
                continue;
            }
            int end = candidate(scan, i, i + 1, "ZZ");
            if (end > 0) {
                i = end - 1;
            }
        }
        if (scan.region == null) {
            return;
        }
        boolean previousAlnum = false;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean starts = (Chars.digit(c) || (c == '(' && i + 1 < n && Chars.digit(text.charAt(i + 1))))
                    && !previousAlnum;
            if (starts && nationalStart(text, i)) {
                scan.tick();
                int end = candidate(scan, i, i, scan.region);
                if (end > 0) {
                    i = end - 1;
                    previousAlnum = true;
                    continue;
                }
            }
            previousAlnum = Chars.alnum(c);
        }
    }

    /** What may stand before a national number: nothing glued to an identifier, an amount, a version or a '+'. */
    private static boolean nationalStart(String text, int i) {
        if (i == 0) {
            return true;
        }
        char p = text.charAt(i - 1);
        if (p == '+' || p == '$' || p == '€' || p == '£' || p == '#' || p == '@') {
            return false;
        }
        if ((p == '.' || p == ',' || p == ':' || p == '/' || p == '-' || p == '_' || p == '=')
                && i >= 2 && Chars.alnum(text.charAt(i - 2))) {
            return false;
        }
        return true;
    }

    /**
     * Cuts the candidate starting at {@code start} (its digits from {@code digitsFrom}), tries the longest valid prefix
     * ending at a group boundary, records it and returns its end, or -1.
     */
    private static int candidate(Scan scan, int start, int digitsFrom, String region) {
        String text = scan.text;
        int n = text.length();
        int[] ends = new int[12];
        int count = 0;
        int digits = 0;
        int j = digitsFrom;
        int open = 0;
        boolean separators = false;
        while (j < n && count < ends.length) {
            char c = text.charAt(j);
            if (Chars.digit(c)) {
                while (j < n && Chars.digit(text.charAt(j))) {
                    j++;
                    digits++;
                }
                if (digits > MAX_DIGITS) {
                    break;
                }
                if (open == 0) {
                    ends[count++] = j;
                }
            } else if ((c == ' ' || c == '-' || c == '.') && j + 1 < n
                    && (Chars.digit(text.charAt(j + 1)) || text.charAt(j + 1) == '(')) {
                separators = true;
                j++;
            } else if (c == '(' && open == 0 && j + 1 < n && Chars.digit(text.charAt(j + 1))) {
                open = 1;
                separators = true;
                j++;
            } else if (c == ')' && open == 1) {
                open = 0;
                j++;
                if (j < n && text.charAt(j) == ' ' && j + 1 < n && Chars.digit(text.charAt(j + 1))) {
                    j++;
                }
            } else {
                break;
            }
        }
        boolean national = start == digitsFrom;
        for (int k = count - 1, tries = 0; k >= 0 && tries < 4; k--, tries++) {
            int end = ends[k];
            if (!endsCleanly(text, end)) {
                continue;
            }
            String candidate = text.substring(start, end);
            if (national && !looksLikePhone(text, start, end, candidate, separators)) {
                continue;
            }
            try {
                PhoneNumber number = UTIL.parse(candidate, region);
                if (UTIL.isValidNumber(number)) {
                    scan.add(start, end, Kind.PHONE, UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
                    return end;
                }
            } catch (NumberParseException e) {
                // not a number: try a shorter one
            }
        }
        return -1;
    }

    /** A number ends at a word boundary, not in a decimal, a time, a percentage or an identifier. */
    private static boolean endsCleanly(String text, int end) {
        int n = text.length();
        if (end >= n) {
            return true;
        }
        char c = text.charAt(end);
        if (Chars.alnum(c) || c == '%' || c == '_' || c == '@') {
            return false;
        }
        if ((c == '.' || c == ',' || c == ':' || c == '/' || c == '-') && end + 1 < n && Chars.digit(text.charAt(end + 1))) {
            return false;
        }
        return true;
    }

    private static boolean looksLikePhone(String text, int start, int end, String candidate, boolean separators) {
        int digits = 0;
        for (int i = 0; i < candidate.length(); i++) {
            if (Chars.digit(candidate.charAt(i))) {
                digits++;
            }
        }
        if (digits < 7 || isDateOrAddress(candidate)) {
            return false;
        }
        if (separators || candidate.charAt(0) == '0') {
            return true;
        }
        return hasContext(text, start);
    }

    /** Dates (2025-01-31, 31.01.2025, 01/31/2025) and IPv4 addresses look like grouped digits. */
    private static boolean isDateOrAddress(String c) {
        String[] groups = c.split("[-./ ]");
        if (groups.length == 3) {
            int a = groups[0].length();
            int b = groups[1].length();
            int d = groups[2].length();
            if ((a == 4 && b <= 2 && d <= 2) || (a <= 2 && b <= 2 && (d == 4 || d == 2))) {
                return true;
            }
        }
        if (groups.length == 4 && c.indexOf(' ') < 0 && c.indexOf('-') < 0) {
            boolean ip = true;
            for (String g : groups) {
                ip &= !g.isEmpty() && g.length() <= 3;
            }
            return ip;
        }
        return false;
    }

    /** A phone word in the 32 characters before the number. */
    private static boolean hasContext(String text, int start) {
        String before = text.substring(Math.max(0, start - 32), start).toLowerCase(Locale.ROOT);
        for (String word : CONTEXT) {
            if (before.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
