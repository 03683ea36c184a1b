package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Re-encryption after a key rotation for the workspace's encrypted columns, one {@link Resealer} per table. A row is
 * rewritten only if its ciphertexts are still the ones read ({@code IS NOT DISTINCT FROM}), so a write that lands in
 * between keeps its value (already under the new key). The SQL is assembled from the constant table and column names
 * below, never from input.
 */
@Configuration(proxyBeanMethods = false)
class WorkspaceResealers {

    /** A table's encrypted columns: {@code <column>_ct}, bound to {@code table}, the row id, and (versions) a number. */
    record Table(String name, String rowId, boolean versioned, List<String> columns) {
    }

    @Bean
    Resealer contactsResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        return new TableResealer(new Table("contacts", "id", false, List.of("name", "email", "phone", "notes")), jdbc, scope, cipher);
    }

    @Bean
    Resealer interactionsResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        return new TableResealer(new Table("interactions", "id", false, List.of("subject", "body")), jdbc, scope, cipher);
    }

    @Bean
    Resealer documentsResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        return new TableResealer(new Table("documents", "id", false, List.of("body")), jdbc, scope, cipher);
    }

    @Bean
    Resealer documentVersionsResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        return new TableResealer(new Table("document_versions", "document_id", true, List.of("body")), jdbc, scope, cipher);
    }

    static final class TableResealer implements Resealer {
        private final Table table;
        private final JdbcClient jdbc;
        private final TenantScope scope;
        private final FieldCipher cipher;
        private final String stale;
        private final String select;
        private final String update;

        TableResealer(Table table, JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
            this.table = table;
            this.jdbc = jdbc;
            this.scope = scope;
            this.cipher = cipher;
            this.stale = table.columns().stream()
                    .map(c -> "(%1$s_ct IS NOT NULL AND substring(%1$s_ct from 1 for 5) <> :prefix)".formatted(c))
                    .collect(Collectors.joining(" OR "));
            this.select = "SELECT %s AS row_id, %s %s FROM %s WHERE tenant_id = :tenant AND (%s) LIMIT :limit".formatted(
                    table.rowId(), table.versioned() ? "version" : "0 AS version",
                    table.columns().stream().map(c -> ", " + c + "_ct").collect(Collectors.joining()), table.name(), stale);
            List<String> sets = new ArrayList<>();
            List<String> same = new ArrayList<>();
            for (int i = 0; i < table.columns().size(); i++) {
                String c = table.columns().get(i);
                sets.add("%s_ct = :new%d".formatted(c, i));
                same.add("%s_ct IS NOT DISTINCT FROM :old%d".formatted(c, i));
            }
            this.update = "UPDATE %s SET %s WHERE tenant_id = :tenant AND %s = :row %s AND %s".formatted(table.name(),
                    String.join(", ", sets), table.rowId(), table.versioned() ? "AND version = :version" : "",
                    String.join(" AND ", same));
        }

        @Override
        public String name() {
            return table.name();
        }

        @Override
        public int resealBatch(UUID tenant, int limit) {
            return scope.inTenant(tenant, null, () -> {
                byte[] prefix = primary(tenant);
                List<Object[]> rows = jdbc.sql(select)
                        .param("tenant", tenant)
                        .param("prefix", prefix)
                        .param("limit", limit)
                        .query((rs, n) -> read(rs))
                        .list();
                for (Object[] row : rows) {
                    UUID id = (UUID) row[0];
                    int version = (Integer) row[1];
                    var statement = jdbc.sql(update).param("tenant", tenant).param("row", id).param("version", version);
                    for (int i = 0; i < table.columns().size(); i++) {
                        byte[] old = (byte[]) row[2 + i];
                        String column = table.versioned() ? table.columns().get(i) + "@" + version : table.columns().get(i);
                        FieldCipher.Field field = new FieldCipher.Field(tenant, table.name(), column, id);
                        statement = statement.param("old" + i, old)
                                .param("new" + i, cipher.stale(tenant, old) ? cipher.reseal(field, old) : old);
                    }
                    statement.update();
                }
                return rows.size();
            });
        }

        @Override
        public long remaining(UUID tenant) {
            return scope.inTenant(tenant, null, () -> jdbc.sql("SELECT count(*) FROM %s WHERE tenant_id = :tenant AND (%s)"
                            .formatted(table.name(), stale))
                    .param("tenant", tenant)
                    .param("prefix", primary(tenant))
                    .query(Long.class)
                    .single());
        }

        private byte[] primary(UUID tenant) {
            return cipher.primaryPrefix(tenant);
        }

        private Object[] read(ResultSet rs) throws SQLException {
            Object[] row = new Object[2 + table.columns().size()];
            row[0] = rs.getObject("row_id", UUID.class);
            row[1] = rs.getInt("version");
            for (int i = 0; i < table.columns().size(); i++) {
                row[2 + i] = rs.getBytes(table.columns().get(i) + "_ct");
            }
            return row;
        }
    }
}
