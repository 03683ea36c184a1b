package dev.bulwark.ai.sanitiser;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;

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
    /** The numbering plans {@link #UTIL} reads (the same bundled files), where their national prefixes can be read. */
    private static final MetadataSource PLANS = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    /**
     * Per country calling code seen so far, the pattern of the national prefix its main region strips when parsing
     * (empty when it strips none). Numbers that are no calling code are not kept.
     */
    private static final Map<Integer, Optional<Pattern>> NATIONAL_PREFIXES = new ConcurrentHashMap<>();
    private static final int MAX_DIGITS = 17;
    private static final int MAX_NATIONAL_DIGITS = 13;
    /** Words that make a bare run of digits a phone number. */
    private static final Set<String> CONTEXT = Set.of("phone", "tel", "telephone", "call", "mobile", "mobil", "cell",
            "fax", "sms", "whatsapp", "ring", "dial", "téléphone", "telefon", "tél", "portable", "handy", "landline",
            "hotline", "phoned", "called");
    /** Words that make a run of digits an identifier (unless a phone word is there too). */
    private static final Set<String> NOT_PHONE = Set.of("order", "invoice", "ref", "reference", "ticket", "tracking",
            "sku", "account", "acct", "iban", "card", "isbn", "ean", "gtin", "id", "no", "nr", "po", "serial", "build",
            "version", "row", "line", "page", "item", "customer", "case", "shipment", "parcel", "batch", "lot");

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
        int[] starts = scan.tokenStarts();
        int count = scan.tokenStartCount();
        int skipUntil = 0;
        for (int k = 0; k < count; k++) {
            int i = starts[k];
            if (i < skipUntil || !Chars.digit(text.charAt(i)) || !enoughDigits(text, i)) {
                continue;
            }
            // "(020) 7946 0958": the number starts at the bracket.
            int start = i > 0 && text.charAt(i - 1) == '(' ? i - 1 : i;
            if (!nationalStart(text, start)) {
                continue;
            }
            scan.tick();
            int end = candidate(scan, start, start, scan.region);
            if (end > 0) {
                skipUntil = end;
            }
        }
    }

    /** The cheap test first: at least 7 digits in the run (digits with single separators or brackets between). */
    private static boolean enoughDigits(String text, int i) {
        int n = text.length();
        int digits = 0;
        while (i < n && digits < 7) {
            char c = text.charAt(i);
            if (Chars.digit(c)) {
                digits++;
                i++;
            } else if ((c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') && i + 1 < n
                    && (Chars.digit(text.charAt(i + 1)) || text.charAt(i + 1) == ' ' || text.charAt(i + 1) == '(')) {
                i++;
            } else {
                break;
            }
        }
        return digits >= 7;
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
        if ((p == '.' || p == ':' || p == '/' || p == '-' || p == '_' || p == '=') && i >= 2 && Chars.alnum(text.charAt(i - 2))) {
            return false;
        }
        // Not in the middle of a longer run of digit groups ("+1 555 086 1294", "9400 1459 7745 3319").
        return !((p == ' ' || p == '-' || p == '.') && i >= 2
                && (Chars.digit(text.charAt(i - 2)) || text.charAt(i - 2) == '+' || text.charAt(i - 2) == ')'));
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
        boolean separated = false;
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
                separators |= separated;
                if (open == 0) {
                    ends[count++] = j;
                }
            } else if ((c == ' ' || c == '-' || c == '.') && j + 1 < n
                    && (Chars.digit(text.charAt(j + 1)) || text.charAt(j + 1) == '(')) {
                separated = true;
                j++;
            } else if (c == '(' && open == 0 && j + 1 < n && Chars.digit(text.charAt(j + 1))) {
                open = 1;
                separated = true;
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
        // A national number is the whole run; an international one may be followed by more digits (a year, a count).
        int last = national ? Math.max(0, count - 1) : 0;
        for (int k = count - 1, tries = 0; k >= last && tries < 4; k--, tries++) {
            int end = ends[k];
            if (!endsCleanly(text, end)) {
                continue;
            }
            String candidate = text.substring(start, end);
            if (national ? !looksLikePhone(text, start, end, candidate, separators) : !plausibleInternational(candidate)) {
                continue;
            }
            try {
                PhoneNumber number = national ? null : withoutParsing(candidate);
                if (number == null) {
                    number = UTIL.parse(candidate, region);
                }
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

    /**
     * An international candidate ({@code +}, digits, and the separators {@link #candidate} allows) read as
     * libphonenumber's {@code parse(candidate, "ZZ")} reads it, without its parsing, or null when parsing could read it
     * otherwise, so {@code parse} decides.
     *
     * <p>Hand-written because parsing is most of what the phone rule costs (about 7 µs of a valid number's 10 on this
     * machine: it checks the text's shape, looks for extensions and normalises with regular expressions, none of which
     * can change a candidate made of ASCII digits and separators). What is left of it, for a number starting with
     * {@code +}: the country calling code is the first one to three digits that are one (calling codes are
     * prefix-free); the rest is the national significant number, unless the code's main region would strip a national
     * prefix from it or it starts with 0 (kept as an Italian leading zero). Those two cases go to {@code parse}.
     * {@code PhoneRuleTest} checks the result equals {@code parse}'s over every region's example numbers and random
     * digits after every calling code.
     */
    static PhoneNumber withoutParsing(String candidate) {
        char[] digits = new char[MAX_DIGITS];
        int count = 0;
        if (candidate.isEmpty() || candidate.charAt(0) != '+') {
            return null;
        }
        for (int i = 1; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (Chars.digit(c)) {
                if (count == digits.length) {
                    return null;
                }
                digits[count++] = c;
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
                return null;
            }
        }
        if (count == 0 || digits[0] == '0') {
            return null;
        }
        int code = 0;
        for (int length = 1; length <= 3 && length < count; length++) {
            code = code * 10 + (digits[length - 1] - '0');
            Optional<Pattern> prefix = NATIONAL_PREFIXES.computeIfAbsent(code, PhoneRule::nationalPrefix);
            if (prefix == null) {
                continue;
            }
            String significant = new String(digits, length, count - length);
            if (significant.length() < 2 || significant.charAt(0) == '0'
                    || prefix.isPresent() && prefix.get().matcher(significant).lookingAt()) {
                return null;
            }
            return new PhoneNumber().setCountryCode(code).setNationalNumber(Long.parseLong(significant));
        }
        return null;
    }

    /** The national prefix pattern of the calling code's main region: empty for none, null when no such code. */
    private static Optional<Pattern> nationalPrefix(int code) {
        String region = UTIL.getRegionCodeForCountryCode(code);
        if ("ZZ".equals(region)) {
            return null;
        }
        PhoneMetadata metadata = PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
                ? PLANS.getMetadataForNonGeographicalRegion(code) : PLANS.getMetadataForRegion(region);
        String prefix = metadata == null ? "" : metadata.getNationalPrefixForParsing();
        return prefix.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(prefix));
    }

    /**
     * Before asking libphonenumber (whose rejections are exceptions, and slow): 7 to 15 digits (E.164) after a country
     * code that exists.
     */
    private static boolean plausibleInternational(String candidate) {
        int digits = 0;
        int code = 0;
        boolean codeKnown = false;
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (Chars.digit(c)) {
                digits++;
                if (!codeKnown && digits <= 3) {
                    code = code * 10 + (c - '0');
                    codeKnown = !"ZZ".equals(UTIL.getRegionCodeForCountryCode(code));
                }
            }
        }
        return codeKnown && digits >= 7 && digits <= 15;
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
        return !((c == '.' || c == ',' || c == ':' || c == '/' || c == '-') && end + 1 < n
                && Chars.digit(text.charAt(end + 1)));
    }

    private static boolean looksLikePhone(String text, int start, int end, String candidate, boolean separators) {
        int digits = 0;
        for (int i = 0; i < candidate.length(); i++) {
            if (Chars.digit(candidate.charAt(i))) {
                digits++;
            }
        }
        if (digits < 7 || digits > MAX_NATIONAL_DIGITS || isDateOrAddress(candidate) || decimalOrVersion(candidate)
                || afterIbanGroups(text, start)) {
            return false;
        }
        boolean phoneWord = precededBy(text, start, CONTEXT, 3);
        if (!phoneWord && precededBy(text, start, NOT_PHONE, 2)) {
            return false;
        }
        return phoneWord || separators || (candidate.charAt(0) == '0' && digits >= 10);
    }

    /**
     * Dotted groups are a phone number only in the shapes phone numbers are dotted in: 415.555.2671, 06.12.34.56.78, or
     * after a trunk 0. "21.259576" is a coordinate, "14.14.77.3833" and "6.13.130.5823" versions.
     */
    private static boolean decimalOrVersion(String candidate) {
        if (candidate.indexOf('.') < 0) {
            return false;
        }
        String[] groups = candidate.replaceAll("[()]", "").split("[. ]");
        if (groups.length == 3 && groups[0].length() == 3 && groups[1].length() == 3 && groups[2].length() == 4) {
            return false;
        }
        boolean pairs = true;
        for (String group : groups) {
            if (group.length() < 2 || group.length() > 4) {
                return true;
            }
            pairs &= group.length() == 2;
        }
        return !(pairs || candidate.charAt(0) == '0');
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

    /**
     * Whether one of the words is among the {@code count} words right before {@code start}: only punctuation and
     * white space may stand between them and the number; another number or code in between ends the search ("order
     * 45545224; 030 129365" is an order number and then a phone number).
     */
    private static boolean precededBy(String text, int start, Set<String> words, int count) {
        int i = start;
        for (int seen = 0; seen < count && i > 0; seen++) {
            int gap = 0;
            while (i > 0 && !Chars.alnum(text.charAt(i - 1))) {
                if (++gap > 4) {
                    return false;
                }
                i--;
            }
            int wordEnd = i;
            while (i > 0 && Chars.alnum(text.charAt(i - 1))) {
                if (!Character.isLetter(text.charAt(i - 1))) {
                    return false;
                }
                i--;
            }
            if (wordEnd > i && words.contains(text.substring(i, wordEnd).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the number follows groups of four that start like an IBAN ("NL15 QEDA 5798 0922 03"). */
    private static boolean afterIbanGroups(String text, int start) {
        int i = start;
        while (i >= 5 && text.charAt(i - 1) == ' ' && (i == 5 || !Chars.alnum(text.charAt(i - 6)))) {
            int g = i - 5;
            for (int k = g; k < g + 4; k++) {
                if (!Chars.upper(text.charAt(k)) && !Chars.digit(text.charAt(k))) {
                    return false;
                }
            }
            if (Chars.upper(text.charAt(g)) && Chars.upper(text.charAt(g + 1)) && Chars.digit(text.charAt(g + 2))
                    && Chars.digit(text.charAt(g + 3))) {
                return true;
            }
            i = g;
        }
        return false;
    }
}
