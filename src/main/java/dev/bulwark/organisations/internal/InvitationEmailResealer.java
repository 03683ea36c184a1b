package dev.bulwark.organisations.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Re-encrypts invited addresses ({@code invitations.email_ct}) after the organisation's data key is rotated. */
@Component
class InvitationEmailResealer implements Resealer {

    private static final String STALE = "email_ct IS NOT NULL AND substring(email_ct from 1 for 5) <> :prefix";

    private final JdbcClient jdbc;
    private final TenantScope scope;
    private final FieldCipher cipher;

    InvitationEmailResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.scope = scope;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "invitations";
    }

    @Override
    public int resealBatch(UUID tenant, int limit) {
        record Row(UUID id, byte[] email) {
        }
        return scope.inTenant(tenant, null, () -> {
            List<Row> rows = jdbc.sql("SELECT id, email_ct FROM invitations WHERE tenant_id = :tenant AND " + STALE + " LIMIT :limit")
                    .param("tenant", tenant)
                    .param("prefix", cipher.primaryPrefix(tenant))
                    .param("limit", limit)
                    .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2)))
                    .list();
            for (Row row : rows) {
                // Compare-and-set: a value changed meanwhile is left for the next batch.
                jdbc.sql("UPDATE invitations SET email_ct = :fresh WHERE tenant_id = :tenant AND id = :id AND email_ct = :old")
                        .param("tenant", tenant)
                        .param("id", row.id())
                        .param("old", row.email())
                        .param("fresh", cipher.reseal(new FieldCipher.Field(tenant, "invitations", "email", row.id()), row.email()))
                        .update();
            }
            return rows.size();
        });
    }

    @Override
    public long remaining(UUID tenant) {
        return scope.inTenant(tenant, null, () -> jdbc.sql("SELECT count(*) FROM invitations WHERE tenant_id = :tenant AND " + STALE)
                .param("tenant", tenant)
                .param("prefix", cipher.primaryPrefix(tenant))
                .query(Long.class)
                .single());
    }
}
