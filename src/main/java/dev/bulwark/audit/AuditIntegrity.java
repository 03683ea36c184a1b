package dev.bulwark.audit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.audit.internal.ChainVerifier;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What the trust center asks of the audit log: the chains there are, one chain verified, and whether the role the
 * application connects as can change or remove chain rows (it must not: INSERT and SELECT only).
 */
@Service
public class AuditIntegrity {

    private final ChainVerifier verifier;
    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    AuditIntegrity(ChainVerifier verifier, JdbcClient jdbc, TenantScope tenantScope) {
        this.verifier = verifier;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    /** The newest checkpoint the database holds for a tenant: its size and signed note. */
    public record StoredCheckpoint(long size, String note) {
    }

    public Optional<StoredCheckpoint> latestCheckpoint(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("""
                        SELECT tree_size, note FROM audit_checkpoints WHERE tenant_id = :tenant ORDER BY tree_size DESC LIMIT 1
                        """)
                .param("tenant", tenant)
                .query((rs, n) -> new StoredCheckpoint(rs.getLong(1), rs.getString(2)))
                .optional());
    }

    /**
     * The Merkle frontier of the latest purge of a tenant's log (docs/audit-chain.md, "Purging"), which an offline
     * verification of an export that starts after the purge needs to check the checkpoints; empty when nothing was purged.
     */
    public Optional<byte[]> purgeFrontier(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("""
                        SELECT frontier FROM audit_purges WHERE tenant_id = :tenant ORDER BY up_to_seq DESC LIMIT 1
                        """)
                .param("tenant", tenant)
                .query((rs, n) -> rs.getBytes(1))
                .optional());
    }

    /** The seq of the tenant's newest event as its head row names it (0 for an empty chain). */
    public long headSeq(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("SELECT seq FROM audit_heads WHERE tenant_id = :tenant")
                .param("tenant", tenant)
                .query(Long.class)
                .optional()
                .orElse(0L));
    }

    /** Up to {@code limit} organisations with a chain, in id order after {@code after} (null: from the start). */
    public List<UUID> chains(UUID after, int limit) {
        return jdbc.sql("SELECT tenant_id FROM audit_heads WHERE tenant_id > :after ORDER BY tenant_id LIMIT :limit")
                .param("after", after == null ? new UUID(0, 0) : after)
                .param("limit", limit)
                .query(UUID.class)
                .list();
    }

    public Verification verify(UUID tenant) {
        return verifier.verify(tenant);
    }

    /** The privileges the connected role holds on the chain table beyond INSERT and SELECT (none, when all is well). */
    public Map<String, Boolean> forbiddenPrivileges() {
        return jdbc.sql("""
                        SELECT has_table_privilege(current_user, 'audit_events', 'UPDATE'),
                               has_table_privilege(current_user, 'audit_events', 'DELETE'),
                               has_table_privilege(current_user, 'audit_events', 'TRUNCATE')
                        """)
                .query((rs, n) -> Map.of("UPDATE", rs.getBoolean(1), "DELETE", rs.getBoolean(2), "TRUNCATE", rs.getBoolean(3)))
                .single();
    }
}
