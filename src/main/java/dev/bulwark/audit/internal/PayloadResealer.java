package dev.bulwark.audit.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Re-encrypts audit payloads made by an older key, through the database function {@code audit_reseal} (V18), which
 * touches only the ciphertext columns the chain does not hash: the chain verifies the same before and after.
 */
@Component
class PayloadResealer implements Resealer {

    private static final String STALE = """
            ((before_ct IS NOT NULL AND substring(before_ct from 1 for 5) <> :prefix)
             OR (after_ct IS NOT NULL AND substring(after_ct from 1 for 5) <> :prefix))""";

    private final JdbcClient jdbc;
    private final TenantScope scope;
    private final FieldCipher cipher;

    PayloadResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.scope = scope;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "audit_events";
    }

    @Override
    public int resealBatch(UUID tenant, int limit) {
        return scope.inTenant(tenant, null, () -> {
            List<Object[]> rows = jdbc.sql("SELECT id, before_ct, after_ct FROM audit_events WHERE tenant_id = :tenant AND "
                            + STALE + " LIMIT :limit")
                    .param("tenant", tenant)
                    .param("prefix", cipher.primaryPrefix(tenant))
                    .param("limit", limit)
                    .query((rs, n) -> new Object[] {rs.getObject(1, UUID.class), rs.getBytes(2), rs.getBytes(3)})
                    .list();
            for (Object[] row : rows) {
                UUID id = (UUID) row[0];
                byte[] before = (byte[]) row[1];
                byte[] after = (byte[]) row[2];
                jdbc.sql("SELECT audit_reseal(:id, :oldBefore, :oldAfter, :newBefore, :newAfter)")
                        .param("id", id)
                        .param("oldBefore", before)
                        .param("oldAfter", after)
                        .param("newBefore", fresh(tenant, id, "before", before))
                        .param("newAfter", fresh(tenant, id, "after", after))
                        .query(Integer.class)
                        .single();
            }
            return rows.size();
        });
    }

    /** Encrypts payloads from before V16 through {@code audit_seal_legacy} (V31), which clears their plaintext. */
    @Override
    public int sealPlaintextBatch(UUID tenant, int limit) {
        return scope.inTenant(tenant, null, () -> {
            List<Object[]> rows = jdbc.sql("""
                            SELECT id, before_json, after_json FROM audit_events
                            WHERE tenant_id = :tenant AND (before_json IS NOT NULL OR after_json IS NOT NULL)
                              AND before_ct IS NULL AND after_ct IS NULL AND redacted_at IS NULL
                            LIMIT :limit
                            """)
                    .param("tenant", tenant)
                    .param("limit", limit)
                    .query((rs, n) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)})
                    .list();
            int sealed = 0;
            for (Object[] row : rows) {
                UUID id = (UUID) row[0];
                String before = (String) row[1];
                String after = (String) row[2];
                sealed += jdbc.sql("SELECT audit_seal_legacy(:id, :oldBefore, :oldAfter, :newBefore, :newAfter)")
                        .param("id", id)
                        .param("oldBefore", before)
                        .param("oldAfter", after)
                        .param("newBefore", cipher.encrypt(new FieldCipher.Field(tenant, "audit_events", "before", id), before))
                        .param("newAfter", cipher.encrypt(new FieldCipher.Field(tenant, "audit_events", "after", id), after))
                        .query(Integer.class)
                        .single();
            }
            return sealed;
        });
    }

    @Override
    public long remaining(UUID tenant) {
        return scope.inTenant(tenant, null, () -> jdbc.sql("SELECT count(*) FROM audit_events WHERE tenant_id = :tenant AND "
                        + STALE)
                .param("tenant", tenant)
                .param("prefix", cipher.primaryPrefix(tenant))
                .query(Long.class)
                .single());
    }

    private byte[] fresh(UUID tenant, UUID id, String side, byte[] sealed) {
        return cipher.stale(tenant, sealed) ? cipher.reseal(new FieldCipher.Field(tenant, "audit_events", side, id), sealed)
                : sealed;
    }
}
