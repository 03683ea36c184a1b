package dev.bulwark.shared;

/**
 * A CSV cell as every CSV Bulwark writes it: one a spreadsheet would read as a formula — text starting with
 * {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return — gets a single quote in front (OWASP's CSV
 * injection guidance), so {@code =HYPERLINK(…)} from a contact's name opens as text, never as a live formula. Quoting
 * and escaping stay the CSV writer's (RFC 4180). Numbers are left alone: a number is never a formula.
 */
public final class SpreadsheetCells {

    private SpreadsheetCells() {
    }

    public static Object defused(Object cell) {
        if (cell == null || cell instanceof Number) {
            return cell;
        }
        String text = cell.toString();
        if (text.isEmpty()) {
            return text;
        }
        return switch (text.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + text;
            default -> text;
        };
    }
}
