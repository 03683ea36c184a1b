package dev.bulwark.ai.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Re-encrypts organisations' provider keys ({@code ai_provider_keys.api_key_ct}) after their data key is rotated. */
@Component
class ProviderKeyResealer implements Resealer {

    private static final String STALE = "substring(api_key_ct from 1 for 5) <> :prefix";

    private final JdbcClient jdbc;
    private final TenantScope scope;
    private final FieldCipher cipher;
    private final AdmissionCache admissions;

    ProviderKeyResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher, AdmissionCache admissions) {
        this.admissions = admissions;
        this.jdbc = jdbc;
        this.scope = scope;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return ProviderKeys.TABLE;
    }

    @Override
    public int resealBatch(UUID tenant, int limit) {
        record Row(UUID id, byte[] sealed) {
        }
        return scope.inTenant(tenant, null, () -> {
            List<Row> rows = jdbc.sql("SELECT id, api_key_ct FROM ai_provider_keys WHERE tenant_id = :tenant AND " + STALE + " LIMIT :limit")
                    .param("tenant", tenant)
                    .param("prefix", cipher.primaryPrefix(tenant))
                    .param("limit", limit)
                    .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2)))
                    .list();
            for (Row row : rows) {
                // Compare-and-set: a key replaced meanwhile (a new row id, a new ciphertext) is left as it is.
                jdbc.sql("""
                                UPDATE ai_provider_keys SET api_key_ct = :fresh
                                WHERE tenant_id = :tenant AND id = :id AND api_key_ct = :old
                                """)
                        .param("tenant", tenant)
                        .param("id", row.id())
                        .param("old", row.sealed())
                        .param("fresh", cipher.reseal(new FieldCipher.Field(tenant, ProviderKeys.TABLE, ProviderKeys.COLUMN, row.id()),
                                row.sealed()))
                        .update();
            }
            if (!rows.isEmpty()) {
                admissions.changedInTransaction(tenant);
            }
            return rows.size();
        });
    }

    @Override
    public long remaining(UUID tenant) {
        return scope.inTenant(tenant, null, () -> jdbc.sql("SELECT count(*) FROM ai_provider_keys WHERE tenant_id = :tenant AND " + STALE)
                .param("tenant", tenant)
                .param("prefix", cipher.primaryPrefix(tenant))
                .query(Long.class)
                .single());
    }
}
