package dev.bulwark.ai.sanitiser;

/**
 * Finds placeholder-shaped strings the user typed ({@code [EMAIL_1]} in the prompt itself) so the session escapes them:
 * the provider sees {@code ［EMAIL_1]} (a full-width bracket), and restoration turns that back into the user's literal
 * text, never into a real value. Without this, a typed {@code [EMAIL_1]} would come back as the session's first address.
 */
final class LiteralRule implements Rule {

    @Override
    public void scan(Scan scan) {
        String text = scan.text;
        int n = text.length();
        for (int i = text.indexOf(Placeholders.OPEN); i >= 0; i = text.indexOf(Placeholders.OPEN, i + 1)) {
            scan.tick();
            int end = Placeholders.match(text, i, n);
            if (end > 0) {
                scan.add(i, end, Kind.LITERAL, "");
            }
        }
    }
}
