package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reading and writing the columns every workspace table shares. */
final class Rows {

    /** Before every row: where a first page starts. */
    static final PageRequest.Position START = new PageRequest.Position(Instant.EPOCH, new UUID(0, 0));

    private Rows() {
    }

    /** Now, at PostgreSQL's precision, so what a write returns is exactly what a later read returns. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    /** A row a list pages through, in creation order. */
    interface Listed {
        UUID id();

        Instant createdAt();
    }

    /**
     * One page of a keyset-paged list: {@code statement} selects rows {@code (created_at, id) > (:afterAt, :afterId)}
     * ordered by {@code created_at, id} with {@code LIMIT :limit}; this binds those three and cuts the page.
     */
    static <T extends Listed> Page<T> page(JdbcClient.StatementSpec statement, PageRequest request, RowMapper<T> mapper) {
        PageRequest.Position after = request.after().orElse(START);
        List<T> rows = statement
                .param("afterAt", ts(after.createdAt()))
                .param("afterId", after.id())
                .param("limit", request.limit() + 1)
                .query(mapper)
                .list();
        return request.page(rows, row -> new PageRequest.Position(row.createdAt(), row.id()), row -> row);
    }
}
