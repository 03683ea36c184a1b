package dev.bulwark.tenancy.internal.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.tenancy.StoredData;
import org.springframework.jdbc.core.RowMapper;

/**
 * {@link StoredData} over a connection of its own per read (the pool does not exist yet when it is used): the app
 * role, a read-only transaction, rolled back.
 */
final class ReadOnlyStoredData implements StoredData {

    // undefined_table, undefined_column, invalid_schema_name: not migrated that far, so none of it is stored.
    private static final Set<String> ABSENT = Set.of("42P01", "42703", "3F000");

    private final ConnectionSettings settings;
    private final String schema;

    ReadOnlyStoredData(ConnectionSettings settings, String schema) {
        this.settings = settings;
        this.schema = schema;
    }

    @Override
    public <T> List<T> query(UUID tenant, String sql, RowMapper<T> rows, Object... parameters) {
        try (Connection c = settings.appConnection(schema, "bulwark-start", java.util.Map.of())) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try {
                if (tenant != null) {
                    try (PreparedStatement bind = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
                        bind.setString(1, tenant.toString());
                        bind.execute();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < parameters.length; i++) {
                        ps.setObject(i + 1, parameters[i]);
                    }
                    List<T> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rows.mapRow(rs, out.size()));
                        }
                    }
                    return out;
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            if (ABSENT.contains(e.getSQLState())) {
                return List.of();
            }
            throw new IllegalStateException("cannot read the database at start (" + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }
}
