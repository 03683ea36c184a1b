package dev.bulwark.shared;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code ?limit=&cursor=} of every list (docs/api.md): up to 200 items, default 50, keyset-paginated either on a
 * row's creation time and id, or on a number that orders the list (a version, a sequence). The cursor is opaque to
 * clients (base64url); a malformed one, or one from a list of the other kind, is a 400, never a query. Every list
 * pages through one of the {@code fetch} methods here, which bind the position and the limit and cut the page.
 */
public final class PageRequest {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private static final int MAX_CURSOR_LENGTH = 256;
    private static final String POSITION = "v1";
    private static final String NUMBER = "n1";

    /** Where the previous page ended, in a list ordered by creation time and id. */
    public record Position(Instant createdAt, UUID id) {
    }

    private final int limit;
    private final String cursor;

    private PageRequest(int limit, String cursor) {
        this.limit = limit;
        this.cursor = cursor;
    }

    public static PageRequest of(Integer limit, String cursor) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return new PageRequest(size, cursor == null || cursor.isEmpty() ? null : cursor);
    }

    public int limit() {
        return limit;
    }

    /** The position after which this page starts; empty on the first page. */
    private Optional<Position> after() {
        if (cursor == null) {
            return Optional.empty();
        }
        String[] parts = decode(POSITION, 3);
        try {
            long micros = Long.parseLong(parts[1]);
            Instant createdAt = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            // A position this list gave out is a row's creation time; one PostgreSQL cannot hold is a forgery.
            if (!Rfc3339.within(createdAt)) {
                throw notACursor();
            }
            return Optional.of(new Position(createdAt, UUID.fromString(parts[2])));
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException malformed) {
            throw notACursor();
        }
    }

    /** The number after which this page starts, in a list ordered by a number; empty on the first page. */
    private OptionalLong afterNumber() {
        if (cursor == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(decode(NUMBER, 2)[1]));
        } catch (NumberFormatException malformed) {
            throw notACursor();
        }
    }

    /**
     * Runs a keyset-paged query, oldest first, and cuts the page: {@code statement} selects rows
     * {@code (created_at, id) > (:afterAt, :afterId)} ordered by {@code created_at, id} with {@code LIMIT :limit}
     * (the id being whatever column tells rows of the same time apart); this binds those three parameters.
     */
    public <T> Page<T> fetch(JdbcClient.StatementSpec statement, RowMapper<T> mapper, Function<T, Position> position) {
        return fetch(statement, mapper, position, row -> row);
    }

    /** As {@link #fetch(JdbcClient.StatementSpec, RowMapper, Function)}, each row shown as {@code item}. */
    public <R, T> Page<T> fetch(JdbcClient.StatementSpec statement, RowMapper<R> mapper, Function<R, Position> position,
                                Function<R, T> item) {
        return fetchFrom(new Position(Instant.EPOCH, new UUID(0, 0)), statement, mapper, position, item);
    }

    /**
     * As {@link #fetch(JdbcClient.StatementSpec, RowMapper, Function)}, newest first: {@code statement} selects rows
     * {@code (created_at, id) < (:afterAt, :afterId)} ordered by {@code created_at DESC, id DESC}.
     */
    public <T> Page<T> fetchNewestFirst(JdbcClient.StatementSpec statement, RowMapper<T> mapper, Function<T, Position> position) {
        return fetchFrom(new Position(Instant.ofEpochSecond(253_402_300_799L), new UUID(-1, -1)), statement, mapper, position,
                row -> row);
    }

    /**
     * Runs a keyset-paged query on a number, highest first (a version, a sequence): {@code statement} selects rows
     * whose number is {@code < :afterNumber}, ordered by it descending, with {@code LIMIT :limit}; this binds both.
     */
    public <T> Page<T> fetchByNumber(JdbcClient.StatementSpec statement, RowMapper<T> mapper, ToLongFunction<T> number) {
        List<T> rows = statement
                .param("afterNumber", afterNumber().orElse(Long.MAX_VALUE))
                .param("limit", limit + 1)
                .query(mapper)
                .list();
        return paged(rows, row -> row, last -> encode(NUMBER + ":" + number.applyAsLong(last)));
    }

    private <R, T> Page<T> fetchFrom(Position first, JdbcClient.StatementSpec statement, RowMapper<R> mapper,
                                     Function<R, Position> position, Function<R, T> item) {
        Position start = after().orElse(first);
        List<R> rows = statement
                .param("afterAt", Timestamp.from(start.createdAt()))
                .param("afterId", start.id())
                .param("limit", limit + 1)
                .query(mapper)
                .list();
        return paged(rows, item, last -> {
            Position p = position.apply(last);
            long micros = p.createdAt().getEpochSecond() * 1_000_000L + p.createdAt().getNano() / 1_000;
            return encode(POSITION + ":" + micros + ":" + p.id());
        });
    }

    private <R, T> Page<T> paged(List<R> rows, Function<R, T> item, Function<R, String> cursorAfter) {
        boolean more = rows.size() > limit;
        List<R> shown = more ? rows.subList(0, limit) : rows;
        return new Page<>(shown.stream().map(item).toList(), more ? cursorAfter.apply(shown.getLast()) : null);
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private String[] decode(String kind, int parts) {
        // Every cursor this class writes is under a hundred characters; a long one is not decoded at all.
        if (cursor.length() > MAX_CURSOR_LENGTH) {
            throw notACursor();
        }
        try {
            String[] split = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (split.length != parts || !kind.equals(split[0])) {
                throw notACursor();
            }
            return split;
        } catch (IllegalArgumentException malformed) {
            throw notACursor();
        }
    }

    private static InvalidInputException notACursor() {
        return new InvalidInputException("cursor", "is not a cursor this list gave out");
    }
}
