package dev.bulwark.audit;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.internal.ChainVerifier;
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

    AuditIntegrity(ChainVerifier verifier, JdbcClient jdbc) {
        this.verifier = verifier;
        this.jdbc = jdbc;
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
