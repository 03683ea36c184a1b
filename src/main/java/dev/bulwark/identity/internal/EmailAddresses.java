package dev.bulwark.identity.internal;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * How login addresses are compared (docs/authentication.md#how-addresses-are-compared). Two keys, both over the
 * address split at its last {@code @}:
 * <ul>
 *   <li>the <b>account key</b> finds an account: the local part belongs to the mailbox's owner, so it is kept as typed
 *       up to canonical equivalence (Unicode NFC: U+212A KELVIN SIGN is the letter K) and ASCII letter case, which
 *       every mail provider ignores; no dot or plus rule is applied. The domain is IDNA-normalised to lower-case
 *       ASCII, as DNS compares it;</li>
 *   <li>the <b>look-alike key</b> also folds compatibility characters and every letter case (NFKC, full case
 *       folding), so {@code \uFF4Bate@x} (a fullwidth k) and {@code kate@x} share it: sign-up refuses an address whose
 *       look-alike key an account already has.</li>
 * </ul>
 * Mail is only ever sent to the address stored with the account, never to the address a request typed: a spelling that
 * finds the account (another letter case, the Kelvin sign) can only make Bulwark mail the account's real owner.
 */
final class EmailAddresses {

    /** Both keys of a well-formed address. */
    record Keys(String account, String lookalike) {
    }

    /** The keys of {@code email}, or empty when its domain is not a valid IDNA name (such an address has no account). */
    static Optional<Keys> of(String email) {
        String trimmed = email.strip();
        int at = trimmed.lastIndexOf('@');
        if (at <= 0 || at == trimmed.length() - 1) {
            return Optional.empty();
        }
        String local = Normalizer.normalize(trimmed.substring(0, at), Normalizer.Form.NFC);
        String domain;
        try {
            // USE_STD3_ASCII_RULES: only letters, digits and hyphens in labels, as in host names.
            domain = IDN.toASCII(trimmed.substring(at + 1), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notIdna) {
            return Optional.empty();
        }
        if (domain.isEmpty() || domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(new Keys(asciiLowerCase(local) + "@" + domain, fold(local) + "@" + domain));
    }

    private static String asciiLowerCase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    /** NFKC, then full lower-casing, then NFKC again (case mapping can leave a string unnormalised). */
    private static String fold(String s) {
        String folded = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFKC);
    }

    private EmailAddresses() {
    }
}
