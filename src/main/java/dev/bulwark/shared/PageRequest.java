package dev.bulwark.shared;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.List;

/**
 * {@code ?limit=&cursor=} of every list (CONTRACT.md): up to 200 items, default 50, keyset-paginated on a row's
 * creation time and id. The cursor is opaque to clients (base64url); a malformed one is a 400, never a query.
 */
public record PageRequest(int limit, Optional<Position> after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** Where the previous page ended. */
    public record Position(Instant createdAt, UUID id) {
    }

    public static PageRequest of(Integer limit, String cursor) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return new PageRequest(size, cursor == null || cursor.isEmpty() ? Optional.empty() : Optional.of(decode(cursor)));
    }

    /**
     * The page of {@code rows} (fetched with {@code limit + 1} so the last one tells whether more follow), with the
     * cursor after its last item.
     */
    public <R, T> Page<T> page(List<R> rows, Function<R, Position> position, Function<R, T> item) {
        boolean more = rows.size() > limit;
        List<R> shown = more ? rows.subList(0, limit) : rows;
        String next = more ? encode(position.apply(shown.getLast())) : null;
        return new Page<>(shown.stream().map(item).toList(), next);
    }

    private static String encode(Position p) {
        long micros = p.createdAt().getEpochSecond() * 1_000_000L + p.createdAt().getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + micros + ":" + p.id()).getBytes(StandardCharsets.US_ASCII));
    }

    private static Position decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (parts.length != 3 || !"v1".equals(parts[0])) {
                throw new IllegalArgumentException("shape");
            }
            long micros = Long.parseLong(parts[1]);
            return new Position(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L),
                    UUID.fromString(parts[2]));
        } catch (IllegalArgumentException | ArithmeticException malformed) {
            throw new InvalidInputException("cursor", "is not a cursor this list gave out");
        }
    }
}
