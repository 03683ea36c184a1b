package dev.bulwark.webhooks.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.keys.Resealer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Re-encrypts webhooks' signing secrets ({@code secret_ct}, {@code previous_secret_ct}) after the organisation's data key is rotated. */
@Component
class WebhookSecretResealer implements Resealer {

    private static final String STALE = """
            (substring(secret_ct from 1 for 5) <> :prefix
             OR previous_secret_ct IS NOT NULL AND substring(previous_secret_ct from 1 for 5) <> :prefix)""";

    private final JdbcClient jdbc;
    private final TenantScope scope;
    private final FieldCipher cipher;

    WebhookSecretResealer(JdbcClient jdbc, TenantScope scope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.scope = scope;
        this.cipher = cipher;
    }

    @Override
    public String name() {
        return "webhooks";
    }

    @Override
    public int resealBatch(UUID tenant, int limit) {
        record Row(UUID id, byte[] secret, byte[] previous) {
        }
        return scope.inTenant(tenant, null, () -> {
            List<Row> rows = jdbc.sql("SELECT id, secret_ct, previous_secret_ct FROM webhooks WHERE tenant_id = :tenant AND " + STALE
                            + " LIMIT :limit")
                    .param("tenant", tenant)
                    .param("prefix", cipher.primaryPrefix(tenant))
                    .param("limit", limit)
                    .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2), rs.getBytes(3)))
                    .list();
            for (Row row : rows) {
                // Compare-and-set: a secret rotated meanwhile is already under the new key and is left as it is.
                jdbc.sql("""
                                UPDATE webhooks SET secret_ct = :secret, previous_secret_ct = :previous
                                WHERE tenant_id = :tenant AND id = :id AND secret_ct = :oldSecret
                                  AND previous_secret_ct IS NOT DISTINCT FROM CAST(:oldPrevious AS bytea)
                                """)
                        .param("tenant", tenant)
                        .param("id", row.id())
                        .param("oldSecret", row.secret())
                        .param("oldPrevious", row.previous())
                        .param("secret", cipher.reseal(WebhookManagement.secretField(tenant, row.id()), row.secret()))
                        .param("previous", cipher.reseal(WebhookManagement.previousSecretField(tenant, row.id()), row.previous()))
                        .update();
            }
            return rows.size();
        });
    }

    @Override
    public long remaining(UUID tenant) {
        return scope.inTenant(tenant, null, () -> jdbc.sql("SELECT count(*) FROM webhooks WHERE tenant_id = :tenant AND " + STALE)
                .param("tenant", tenant)
                .param("prefix", cipher.primaryPrefix(tenant))
                .query(Long.class)
                .single());
    }
}
