package dev.bulwark.shared;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Times as docs/api.md writes them: RFC 3339 date-times, with an offset and a four-digit year. A wider year
 * ({@code +99999-…}, {@code -1000000000-…}) is something {@link Instant} holds but PostgreSQL does not, so it is
 * refused where it comes in, as a field error, instead of failing deep inside a query.
 */
public final class Rfc3339 {

    /** The first and last instants with a four-digit year. */
    public static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    public static final String RULE = "must be an RFC 3339 date-time with an offset, years 0000 to 9999";

    private Rfc3339() {
    }

    /** The instant {@code text} names; {@link IllegalArgumentException} for anything else. */
    public static Instant parse(String text) {
        try {
            Instant instant = OffsetDateTime.parse(text).toInstant();
            if (!within(instant)) {
                throw new IllegalArgumentException(RULE);
            }
            return instant;
        } catch (DateTimeException malformed) {
            throw new IllegalArgumentException(RULE, malformed);
        }
    }

    /** Whether {@code instant} has a four-digit year (in UTC). */
    public static boolean within(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }
}
