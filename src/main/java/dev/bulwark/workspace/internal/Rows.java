package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reading and writing the columns every workspace table shares. */
final class Rows {

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

    /** One page of a keyset-paged list of {@link Listed} rows (see {@link PageRequest#fetch}). */
    static <T extends Listed> Page<T> page(JdbcClient.StatementSpec statement, PageRequest request, RowMapper<T> mapper) {
        return request.fetch(statement, mapper, row -> new PageRequest.Position(row.createdAt(), row.id()));
    }
}
