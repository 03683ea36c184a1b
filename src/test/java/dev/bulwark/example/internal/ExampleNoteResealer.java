package dev.bulwark.example.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Re-encrypts notes' bodies under the organisation's new data key after a rotation (docs/encryption.md): a module that
 * seals a column registers one of these, or the rotation never completes for its rows.
 */
@Component
class ExampleNoteResealer implements Resealer {

    private static final String STALE = "substring(body_ct from 1 for 5) <> :prefix";

    private final JdbcClient jdbc;
    private final TenantScope scope;
    private final FieldCipher cipher;

    ExampleNoteResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.scope = scope;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "example_notes";
    }

    @Override
    public int resealBatch(UUID tenant, int limit) {
        record Row(UUID id, byte[] sealed) {
        }
        return scope.inTenant(tenant, null, () -> {
            List<Row> rows = jdbc.sql("SELECT id, body_ct FROM example_notes WHERE tenant_id = :tenant AND " + STALE + " LIMIT :limit")
                    .param("tenant", tenant)
                    .param("prefix", cipher.primaryPrefix(tenant))
                    .param("limit", limit)
                    .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2)))
                    .list();
            for (Row row : rows) {
                jdbc.sql("UPDATE example_notes SET body_ct = :fresh WHERE tenant_id = :tenant AND id = :id AND body_ct = :old")
                        .param("tenant", tenant)
                        .param("id", row.id())
                        .param("old", row.sealed())
                        .param("fresh", cipher.reseal(ExampleNotes.field(tenant, row.id()), row.sealed()))
                        .update();
            }
            return rows.size();
        });
    }

    @Override
    public long remaining(UUID tenant) {
        return scope.inTenant(tenant, null, () -> jdbc.sql("SELECT count(*) FROM example_notes WHERE tenant_id = :tenant AND " + STALE)
                .param("tenant", tenant)
                .param("prefix", cipher.primaryPrefix(tenant))
                .query(Long.class)
                .single());
    }
}
