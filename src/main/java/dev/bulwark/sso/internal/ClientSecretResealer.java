package dev.bulwark.sso.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Re-encrypts organisations' OIDC client secrets ({@code sso_configs.client_secret_ct}) after their data key is rotated. */
@Component
class ClientSecretResealer implements Resealer {

    private static final String STALE = "substring(client_secret_ct from 1 for 5) <> :prefix";

    private final JdbcClient jdbc;
    private final TenantScope scope;
    private final FieldCipher cipher;

    ClientSecretResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.scope = scope;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return SsoSettings.TABLE;
    }

    @Override
    public int resealBatch(UUID tenant, int limit) {
        record Row(UUID id, byte[] sealed) {
        }
        return scope.inTenant(tenant, null, () -> {
            List<Row> rows = jdbc.sql("SELECT secret_id, client_secret_ct FROM sso_configs WHERE tenant_id = :tenant AND " + STALE
                            + " LIMIT :limit")
                    .param("tenant", tenant)
                    .param("prefix", cipher.primaryPrefix(tenant))
                    .param("limit", limit)
                    .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2)))
                    .list();
            for (Row row : rows) {
                // Compare-and-set: a secret replaced meanwhile (a new secret id) is left as it is.
                jdbc.sql("""
                                UPDATE sso_configs SET client_secret_ct = :fresh
                                WHERE tenant_id = :tenant AND secret_id = :id AND client_secret_ct = :old
                                """)
                        .param("tenant", tenant)
                        .param("id", row.id())
                        .param("old", row.sealed())
                        .param("fresh", cipher.reseal(new FieldCipher.Field(tenant, SsoSettings.TABLE, SsoSettings.COLUMN, row.id()),
                                row.sealed()))
                        .update();
            }
            return rows.size();
        });
    }

    @Override
    public long remaining(UUID tenant) {
        return scope.inTenant(tenant, null, () -> jdbc.sql("SELECT count(*) FROM sso_configs WHERE tenant_id = :tenant AND " + STALE)
                .param("tenant", tenant)
                .param("prefix", cipher.primaryPrefix(tenant))
                .query(Long.class)
                .single());
    }
}
