package dev.bulwark.ai.sanitiser;

/**
 * What a finding is. The order is the priority when two findings overlap: the earlier kind wins (a password inside a
 * URL beats the e-mail address its {@code pass@host} part looks like; an IBAN beats the card-like digits inside it). {@link #LITERAL} is not a redaction: it marks a
 * placeholder-shaped string the user typed, which is escaped so that restoration can never map it to a value.
 */
enum Kind {
    LITERAL(null, null, false),
    SECRET("secret", "SECRET", false),
    IBAN("iban", "IBAN", false),
    CARD("card", "CARD", false),
    EMAIL("email", "EMAIL", true),
    PHONE("phone", "PHONE", true),
    NAME("name", "NAME", true);

    /** The key in {@code redactions()}. */
    final String key;
    /** The placeholder's tag: {@code [TAG_n]}, or {@code [SECRET]} unnumbered. */
    final String tag;
    /** Whether restoration puts the original back (personal data only; never secrets, cards or IBANs). */
    final boolean restorable;

    Kind(String key, String tag, boolean restorable) {
        this.key = key;
        this.tag = tag;
        this.restorable = restorable;
    }
}
