package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.bulwark.keys.BlindIndex;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.shared.ModuleTables;
import dev.bulwark.workspace.WorkspaceTables;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Re-encryption after a key rotation for the workspace's encrypted columns, one {@link Resealer} per table that
 * {@link WorkspaceTables} declares encrypted; the same
 * pass encrypts values still in a plaintext column from before V14/V15 and clears it. A row is
 * rewritten only if its ciphertexts (and plaintexts) are still the ones read ({@code IS NOT DISTINCT FROM}), so a write that lands in
 * between keeps its value (already under the new key). The SQL is assembled from the constant table and column names
 * below, never from input.
 */
@Configuration(proxyBeanMethods = false)
class WorkspaceResealers {

    /**
     * A table's encrypted columns: {@code <column>_ct}, bound to {@code table}, the row id, and (versions) a number;
     * {@code indexed}, if not null, is the column whose blind index ({@code <column>_bidx}, {@code indexPurpose}) is
     * set when its plaintext is encrypted.
     */
    record Table(String name, String rowId, boolean versioned, List<String> columns, String indexed, String indexPurpose) {

        Table(String name, String rowId, boolean versioned, List<String> columns) {
            this(name, rowId, versioned, columns, null, null);
        }
    }

    /** The blind index a table's encrypted column carries, set when a plaintext value is sealed. */
    private static final Map<String, String[]> INDEXED = Map.of("contacts", new String[] {"email", Contacts.EMAIL_INDEX});

    /** One resealer per table the workspace declares encrypted ({@link WorkspaceTables}), each its own bean. */
    @Bean
    static BeanDefinitionRegistryPostProcessor workspaceResealerBeans() {
        return registry -> {
            for (ModuleTables.Table spec : new WorkspaceTables().owns()) {
                if (spec.sealed() == null) {
                    continue;
                }
                String[] index = INDEXED.get(spec.name());
                Table table = new Table(spec.name(), spec.sealed().rowId(), spec.sealed().versionColumn() != null,
                        spec.sealed().columns(), index == null ? null : index[0], index == null ? null : index[1]);
                registry.registerBeanDefinition(spec.name() + "Resealer", BeanDefinitionBuilder
                        .genericBeanDefinition(TableResealer.class)
                        .setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR)
                        .addConstructorArgValue(table)
                        .getBeanDefinition());
            }
        };
    }

    static final class TableResealer implements Resealer {
        private final Table table;
        private final JdbcClient jdbc;
        private final TenantScope scope;
        private final FieldCipher cipher;
        private final BlindIndex index;
        private final String stale;
        private final String select;
        private final String selectPlaintext;
        private final String update;

        TableResealer(Table table, JdbcClient jdbc, TenantScope scope, FieldCipher cipher, BlindIndex index) {
            this.table = table;
            this.index = index;
            this.jdbc = jdbc;
            this.scope = scope;
            this.cipher = cipher;
            // Stale: a ciphertext under an older key, or a value still in its plaintext column (written before the
            // column was encrypted), which the same pass encrypts and clears.
            this.stale = table.columns().stream()
                    .map(c -> "(%1$s_ct IS NOT NULL AND substring(%1$s_ct from 1 for 5) <> :prefix) OR %1$s IS NOT NULL".formatted(c))
                    .collect(Collectors.joining(" OR "));
            String selected = "SELECT %s AS row_id, %s %s FROM %s WHERE tenant_id = :tenant AND (%%s) LIMIT :limit".formatted(
                    table.rowId(), table.versioned() ? "version" : "0 AS version",
                    table.columns().stream().map(c -> ", " + c + "_ct, " + c).collect(Collectors.joining()), table.name());
            this.select = selected.formatted(stale);
            this.selectPlaintext = selected.formatted(table.columns().stream().map(c -> c + " IS NOT NULL")
                    .collect(Collectors.joining(" OR ")));
            List<String> sets = new ArrayList<>();
            List<String> same = new ArrayList<>();
            for (int i = 0; i < table.columns().size(); i++) {
                String c = table.columns().get(i);
                sets.add("%s_ct = :new%d, %s = NULL".formatted(c, i, c));
                same.add("%s_ct IS NOT DISTINCT FROM :old%d AND %s IS NOT DISTINCT FROM :plain%d".formatted(c, i, c, i));
            }
            if (table.indexed() != null) {
                sets.add("%1$s_bidx = coalesce(:bidx, %1$s_bidx)".formatted(table.indexed()));
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
            return batch(tenant, limit, select);
        }

        @Override
        public int sealPlaintextBatch(UUID tenant, int limit) {
            return batch(tenant, limit, selectPlaintext);
        }

        private int batch(UUID tenant, int limit, String query) {
            return scope.inTenant(tenant, null, () -> {
                byte[] prefix = primary(tenant);
                List<Object[]> rows = jdbc.sql(query)
                        .param("tenant", tenant)
                        .param("prefix", prefix)
                        .param("limit", limit)
                        .query((rs, n) -> read(rs))
                        .list();
                for (Object[] row : rows) {
                    UUID id = (UUID) row[0];
                    int version = (Integer) row[1];
                    var statement = jdbc.sql(update).param("tenant", tenant).param("row", id).param("version", version)
                            .param("bidx", null);
                    for (int i = 0; i < table.columns().size(); i++) {
                        byte[] old = (byte[]) row[2 + 2 * i];
                        String plain = (String) row[3 + 2 * i];
                        String column = table.versioned() ? table.columns().get(i) + "@" + version : table.columns().get(i);
                        FieldCipher.Field field = new FieldCipher.Field(tenant, table.name(), column, id);
                        byte[] sealed = old == null && plain != null ? cipher.encrypt(field, plain)
                                : cipher.stale(tenant, old) ? cipher.reseal(field, old) : old;
                        statement = statement.param("old" + i, old).param("plain" + i, plain).param("new" + i, sealed);
                        if (plain != null && table.columns().get(i).equals(table.indexed())) {
                            statement = statement.param("bidx", index.email(tenant, table.indexPurpose(), plain));
                        }
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
            Object[] row = new Object[2 + 2 * table.columns().size()];
            row[0] = rs.getObject("row_id", UUID.class);
            row[1] = rs.getInt("version");
            for (int i = 0; i < table.columns().size(); i++) {
                row[2 + 2 * i] = rs.getBytes(table.columns().get(i) + "_ct");
                row[3 + 2 * i] = rs.getString(table.columns().get(i));
            }
            return row;
        }
    }
}
