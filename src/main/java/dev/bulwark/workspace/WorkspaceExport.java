package dev.bulwark.workspace;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Every workspace record of an organisation, decrypted, for its full export (GDPR Art. 20): projects, documents, every
 * kept document version, contacts and interactions, each table streamed in key order inside one read transaction.
 * The SQL is assembled from the constant table and column names below, never from input.
 */
@Service
public class WorkspaceExport {

    /** An exported table: its row id, its plain columns, and its encrypted ones ({@code <column>_ct}). */
    public record Table(String name, String rowId, List<String> plain, List<String> sealed, boolean versioned) {

        /** Every column of the export, in order. */
        public List<String> columns() {
            List<String> all = new java.util.ArrayList<>(plain);
            all.addAll(sealed);
            return all;
        }
    }

    /** The tables, in the export's order. */
    public static final List<Table> TABLES = List.of(
            new Table("projects", "id", List.of("id", "name", "description", "version", "created_at", "updated_at"), List.of(), false),
            new Table("documents", "id", List.of("id", "project_id", "title", "version", "created_at", "updated_at"), List.of("body"), false),
            new Table("document_versions", "document_id", List.of("document_id", "version", "title", "created_at"), List.of("body"), true),
            new Table("contacts", "id", List.of("id", "version", "created_at", "updated_at"), List.of("name", "email", "phone", "notes"), false),
            new Table("interactions", "id", List.of("id", "contact_id", "channel", "occurred_at", "version", "created_at", "updated_at"),
                    List.of("subject", "body"), false));


    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final FieldCipher cipher;

    WorkspaceExport(JdbcClient jdbc, TenantScope tenantScope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.cipher = cipher;
    }

    /** Streams every record of {@code org}'s {@code table} (one of {@link #TABLES}) to {@code sink}, column by name. */
    public void each(UUID org, Table table, java.util.function.Consumer<Map<String, Object>> sink) {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not an exported table");
        }
        tenantScope.inTenant(org, null, () -> {
            {
                StringBuilder select = new StringBuilder("SELECT ").append(String.join(", ", table.plain()));
                for (String column : table.sealed()) {
                    select.append(", ").append(column).append("_ct, ").append(column);
                }
                if (!table.plain().contains(table.rowId())) {
                    select.append(", ").append(table.rowId());
                }
                select.append(" FROM ").append(table.name()).append(" WHERE tenant_id = :org ORDER BY ")
                        .append(table.versioned() ? "document_id, version" : "created_at, id");
                jdbc.sql(select.toString())
                        .param("org", org)
                        .withFetchSize(1_000)
                        .query(rs -> {
                            sink.accept(record(org, table, rs));
                        });
            }
        });
    }

    private Map<String, Object> record(UUID org, Table table, ResultSet rs) throws SQLException {
        Map<String, Object> record = new LinkedHashMap<>();
        for (String column : table.plain()) {
            Object value = rs.getObject(column);
            record.put(column, value instanceof Timestamp t ? t.toInstant().toString() : value == null ? null : value.toString());
        }
        UUID row = rs.getObject(table.rowId(), UUID.class);
        for (String column : table.sealed()) {
            byte[] sealed = rs.getBytes(column + "_ct");
            String bound = table.versioned() ? column + "@" + rs.getInt("version") : column;
            record.put(column, sealed != null ? cipher.decrypt(new FieldCipher.Field(org, table.name(), bound, row), sealed)
                    : rs.getString(column));
        }
        return record;
    }
}
