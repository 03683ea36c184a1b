package dev.bulwark.workspace.web;

import java.time.Instant;
import java.util.regex.Pattern;

import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.TextRules;

/** Rules the workspace's requests share. */
final class Workspace {

    /** Something other than whitespace (a present name or title must say something). */
    static final String NOT_BLANK = "(?s).*\\S.*";

    /** The span of times an interaction may carry: wide enough for any record, narrow enough for every database. */
    static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static final Pattern EMAIL = Pattern.compile(TextRules.EMAIL);

    private Workspace() {
    }

    static Instant occurredAt(Instant value) {
        if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
            throw new InvalidInputException("occurredAt", "must be between 1900-01-01 and 9999-12-31");
        }
        return value;
    }

    /** The {@code ?email=} of a lookup: a valid address, or a 400 before any query. */
    static String emailQuery(String email) {
        if (email.length() > 254 || !TextRules.isText(email) || !EMAIL.matcher(email).matches()) {
            throw new InvalidInputException("email", "must be a valid email address");
        }
        return email;
    }
}
