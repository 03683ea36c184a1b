package dev.bulwark.access.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.access.ApiKeyPrincipal;
import dev.bulwark.shared.Tokens;
import dev.bulwark.tenancy.Role;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Authentication by API key: a presented key becomes its principal. Reads the database on every request, so a
 * revocation holds on the very next request on every instance; it also reads the creator's live membership, so a
 * removed creator's keys die with their access. Keys are created, listed and revoked by the apikeys module.
 */
@Service
public class ApiKeys {

    /** Last use is written at most this often per key, so a busy key does not write on every request. */
    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    ApiKeys(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    /**
     * The principal of a presented key, or empty when it is malformed (refused without a database lookup), unknown,
     * revoked, expired, or its creator is no longer a member. Records last use at most once a minute.
     */
    public Optional<ApiKeyPrincipal> authenticate(String key, String ip) {
        Optional<Located> located = locate(key);
        if (located.isEmpty()) {
            return Optional.empty();
        }
        Located at = located.get();
        record Live(ApiKeyPrincipal principal, Instant lastUsedAt, String lastUsedIp) {
        }
        return tenantScope.inTenant(at.orgId(), null, () -> {
            Optional<Live> live = jdbc.sql("""
                            SELECT k.id, k.created_by, k.role, k.project_id, k.last_used_at, k.last_used_ip
                            FROM api_keys k
                            JOIN memberships m ON m.tenant_id = k.tenant_id AND m.user_id = k.created_by
                            WHERE k.tenant_id = :org AND k.id = :id AND k.revoked_at IS NULL
                              AND (k.expires_at IS NULL OR k.expires_at > now())
                            """)
                    .param("org", at.orgId())
                    .param("id", at.keyId())
                    .query((rs, n) -> new Live(new ApiKeyPrincipal(rs.getObject("id", UUID.class), at.orgId(),
                            rs.getObject("created_by", UUID.class), Role.valueOf(rs.getString("role")),
                            rs.getObject("project_id", UUID.class)),
                            rs.getTimestamp("last_used_at") == null ? null : rs.getTimestamp("last_used_at").toInstant(),
                            rs.getString("last_used_ip")))
                    .optional();
            live.filter(l -> l.lastUsedAt() == null || !ip.equals(l.lastUsedIp())
                            || l.lastUsedAt().isBefore(Instant.now().minus(LAST_USED_RESOLUTION)))
                    .ifPresent(l -> jdbc.sql("UPDATE api_keys SET last_used_at = now(), last_used_ip = :ip WHERE tenant_id = :org AND id = :id")
                            .param("ip", ip.length() > 64 ? ip.substring(0, 64) : ip)
                            .param("org", at.orgId())
                            .param("id", at.keyId())
                            .update());
            return live.map(Live::principal);
        });
    }

    private record Located(UUID orgId, UUID keyId) {
    }

    /** The key's organisation and id through the global index; a malformed key or checksum never reaches the database. */
    private Optional<Located> locate(String key) {
        if (key == null || !Tokens.wellFormed(Tokens.Type.API_KEY, key)) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT tenant_id, key_id FROM api_key_index WHERE key_hash = :hash")
                .param("hash", Tokens.hash(key))
                .query((rs, n) -> new Located(rs.getObject("tenant_id", UUID.class), rs.getObject("key_id", UUID.class)))
                .optional();
    }
}
