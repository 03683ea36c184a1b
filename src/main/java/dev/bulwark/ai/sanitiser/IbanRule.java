package dev.bulwark.ai.sanitiser;

import java.util.Map;

/**
 * IBANs, compact ({@code DE89370400440532013000}) or printed in groups of four ({@code DE89 3704 0044 0532 0130 00}):
 * a country of the IBAN registry, exactly that country's length, and the ISO 7064 MOD-97-10 check. Upper case only,
 * as the standard writes them; a string glued to more letters or digits is none.
 */
final class IbanRule implements Rule {

    /** IBAN length per country (SWIFT IBAN registry; French overseas territories use France's format). */
    static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BI", 27),
            Map.entry("BR", 29), Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28),
            Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
            Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FK", 18),
            Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22), Map.entry("GI", 23),
            Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HN", 28), Map.entry("HR", 21),
            Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26),
            Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28),
            Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21),
            Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MN", 20), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NI", 28),
            Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("OM", 23), Map.entry("PK", 24), Map.entry("PL", 28),
            Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22),
            Map.entry("RU", 33), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SD", 18), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("SO", 23), Map.entry("ST", 25),
            Map.entry("SV", 28), Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29),
            Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("YE", 30),
            Map.entry("GF", 27), Map.entry("GP", 27), Map.entry("MQ", 27), Map.entry("RE", 27), Map.entry("PF", 27),
            Map.entry("TF", 27), Map.entry("YT", 27), Map.entry("NC", 27), Map.entry("PM", 27), Map.entry("WF", 27),
            Map.entry("BL", 27), Map.entry("MF", 27));

    @Override
    public void scan(Scan scan) {
        String text = scan.text;
        int n = text.length();
        int[] starts = scan.tokenStarts();
        int count = scan.tokenStartCount();
        int skipUntil = 0;
        for (int k = 0; k < count; k++) {
            int i = starts[k];
            if (i < skipUntil || i + 15 > n || !Chars.upper(text.charAt(i)) || !Chars.upper(text.charAt(i + 1))
                    || !Chars.digit(text.charAt(i + 2)) || !Chars.digit(text.charAt(i + 3))) {
                continue;
            }
            scan.tick();
            Integer length = LENGTHS.get(text.substring(i, i + 2));
            if (length == null) {
                continue;
            }
            StringBuilder compact = new StringBuilder(length);
            int j = i;
            while (j < n && compact.length() < length) {
                char ch = text.charAt(j);
                if (Chars.upper(ch) || Chars.digit(ch)) {
                    compact.append(ch);
                    j++;
                } else if (ch == ' ' && compact.length() % 4 == 0 && j + 1 < n
                        && (Chars.upper(text.charAt(j + 1)) || Chars.digit(text.charAt(j + 1)))) {
                    j++;
                } else {
                    break;
                }
            }
            if (compact.length() == length && Chars.tokenEnd(text, j) && mod97(compact)) {
                scan.add(i, j, Kind.IBAN, compact.toString());
                skipUntil = j;
            }
        }
    }

    /** Whether a compact IBAN's country has this length: the registry table. */
    static boolean lengthFits(String compact) {
        Integer length = compact.length() >= 2 ? LENGTHS.get(compact.substring(0, 2)) : null;
        return length != null && length == compact.length();
    }

    /** ISO 7064 MOD-97-10: the first four characters moved to the end, letters as 10..35, the number mod 97 is 1. */
    static boolean mod97(CharSequence iban) {
        int len = iban.length();
        if (len < 5) {
            return false;
        }
        int remainder = 0;
        for (int k = 0; k < len; k++) {
            char c = iban.charAt((k + 4) % len);
            if (Chars.digit(c)) {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else if (Chars.upper(c)) {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }
}
