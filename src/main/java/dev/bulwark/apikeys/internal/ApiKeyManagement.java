package dev.bulwark.apikeys.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.Tokens;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Managing API keys: created by a person (never by a key) with step-up, with a role never above the creator's,
 * optionally scoped to one project and bounded in time by the organisation's cap; listed, revoked, revoked in bulk
 * when their creator's account is taken back, and revoked when reported leaked. Only the SHA-256 of a key is stored.
 * Each change appends its event to the organisation's audit chain in the changing transaction. Authentication by key
 * is the access module's.
 */
@Service
public class ApiKeyManagement {

    /** A key as lists show it: never the key, never its hash. */
    public record ApiKeyView(UUID id, String name, Role role, UUID projectId, String prefix, UUID createdBy, Instant createdAt,
                             Instant expiresAt, Instant revokedAt, Instant lastUsedAt, String lastUsedIp) {
    }

    /** A key just created: the only time {@code key} is shown. */
    public record CreatedKey(UUID id, String name, Role role, UUID projectId, String prefix, String key, Instant createdAt,
                             Instant expiresAt) {

        @Override
        public String toString() {
            return "CreatedKey[id=" + id + ", prefix=" + prefix + "]";
        }
    }

    /** The details of the keys' events (docs/audit-events.md); never the key or its hash. */
    static final String NAME = "name";
    static final String ROLE = "role";
    static final String PREFIX = "prefix";
    static final String PROJECT_ID = "projectId";
    static final String EXPIRES_AT = "expiresAt";
    static final String REASON = "reason";
    static final String REVOKED = "revoked";

    private static final String VIEW_COLUMNS = """
            id, name, role, project_id, prefix, created_by, created_at, expires_at, revoked_at, last_used_at, last_used_ip""";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final RecentFactor recentFactor;
    private final AuditLog audit;

    ApiKeyManagement(JdbcClient jdbc, TenantScope tenantScope, RecentFactor recentFactor,
                     AuditLog audit) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.recentFactor = recentFactor;
        this.audit = audit;
    }

    public CreatedKey create(Caller caller, String name, Role role, UUID projectId, Instant expiresAt) {
        if (caller.isApiKey()) {
            throw new ForbiddenException("An API key cannot create API keys; sign in as a person.");
        }
        for (Permission permission : Permission.values()) {
            if (permission.grantedTo(role) && !caller.may(permission)) {
                throw new ForbiddenException("A key's role cannot be above your own.");
            }
        }
        recentFactor.require(caller);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant expires = expiry(caller, now, expiresAt);
        Tokens.Issued key = Tokens.issue(Tokens.Type.API_KEY);
        UUID id = Ids.newId();
        String prefix = key.value().substring(0, 12);
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            if (projectId != null && jdbc.sql("SELECT count(*) FROM projects WHERE tenant_id = :org AND id = :id")
                    .param("org", caller.orgId()).param("id", projectId).query(Long.class).single() == 0) {
                throw new InvalidInputException("projectId", "is not a project of this organisation");
            }
            jdbc.sql("""
                            INSERT INTO api_keys (tenant_id, id, name, role, project_id, created_by, prefix, created_at, expires_at)
                            VALUES (:org, :id, :name, :role, :project, :creator, :prefix, :now, :expires)
                            """)
                    .param("org", caller.orgId())
                    .param("id", id)
                    .param("name", name)
                    .param("role", role.name())
                    .param("project", projectId)
                    .param("creator", caller.userId())
                    .param("prefix", prefix)
                    .param("now", Timestamp.from(now))
                    .param("expires", expires == null ? null : Timestamp.from(expires))
                    .update();
            jdbc.sql("INSERT INTO api_key_index (key_hash, tenant_id, key_id) VALUES (:hash, :org, :id)")
                    .param("hash", key.hash())
                    .param("org", caller.orgId())
                    .param("id", id)
                    .update();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put(NAME, name);
            details.put(ROLE, role.name());
            details.put(PREFIX, prefix);
            details.put(PROJECT_ID, projectId);
            details.put(EXPIRES_AT, expires);
            audit.callerAction(caller, AuditType.APIKEY_CREATED, key(id), details);
        });
        return new CreatedKey(id, name, role, projectId, prefix, key.value(), now, expires);
    }

    /** Defaults to, and may not exceed, the organisation's cap; must lie in the future. */
    private static Instant expiry(Caller caller, Instant now, Instant requested) {
        Integer capDays = caller.policy().apiKeyMaxLifetimeDays();
        if (requested != null && !requested.isAfter(now)) {
            throw new InvalidInputException("expiresAt", "must be in the future");
        }
        if (capDays == null) {
            return requested;
        }
        Instant latest = now.plus(Duration.ofDays(capDays));
        if (requested != null && requested.isAfter(latest)) {
            throw new InvalidInputException("expiresAt", "must be within this organisation's limit of " + capDays + " days");
        }
        return requested == null ? latest : requested;
    }

    public Page<ApiKeyView> list(Caller caller, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> request.fetch(jdbc.sql("""
                        SELECT %s FROM api_keys
                        WHERE tenant_id = :org AND (created_at, id) > (:afterAt, :afterId)
                        ORDER BY created_at, id LIMIT :limit
                        """.formatted(VIEW_COLUMNS))
                .param("org", caller.orgId()), ApiKeyManagement::view, k -> new PageRequest.Position(k.createdAt(), k.id())));
    }

    /** Revokes the key; it answers 401 from its next request on. Revoking a revoked key changes nothing. */
    public void revoke(Caller caller, UUID keyId) {
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            int found = jdbc.sql("""
                            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), revoked_reason = coalesce(revoked_reason, 'revoked')
                            WHERE tenant_id = :org AND id = :id
                            """)
                    .param("org", caller.orgId())
                    .param("id", keyId)
                    .update();
            if (found == 0) {
                throw new NotFoundException("There is no such API key.");
            }
            audit.callerAction(caller, AuditType.APIKEY_REVOKED, key(keyId), Map.of());
        });
    }

    /** Revokes every live key {@code userId} created in {@code orgId}, each recorded as acted by that user. */
    public int revokeAllCreatedBy(UUID orgId, UUID userId, String reason) {
        return tenantScope.inTenant(orgId, userId, () -> {
            List<UUID> revoked = jdbc.sql("""
                            UPDATE api_keys SET revoked_at = now(), revoked_reason = :reason
                            WHERE tenant_id = :org AND created_by = :user AND revoked_at IS NULL
                            RETURNING id
                            """)
                    .param("org", orgId)
                    .param("user", userId)
                    .param("reason", reason)
                    .query(UUID.class)
                    .list();
            for (UUID keyId : revoked) {
                audit.userEvent(orgId, userId, AuditType.APIKEY_REVOKED, key(keyId), null, Map.of(REASON, reason));
            }
            return revoked.size();
        });
    }

    /**
     * A leaked key, reported by anyone (a code host's secret scanning, a finder): revoked at once if it is a live
     * key. Answers whether a live key was revoked, for the caller to keep to itself (the endpoint never says). The
     * key is found as authentication finds it: a malformed key never reaches the database, a well-formed one through
     * the global index of key hashes.
     */
    public boolean reportLeak(String key) {
        if (!Tokens.wellFormed(Tokens.Type.API_KEY, key)) {
            return false;
        }
        record Indexed(UUID orgId, UUID keyId) {
        }
        Optional<Indexed> indexed = jdbc.sql("SELECT tenant_id, key_id FROM api_key_index WHERE key_hash = :hash")
                .param("hash", Tokens.hash(key))
                .query((rs, n) -> new Indexed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
                .optional();
        return indexed.map(at -> tenantScope.inTenant(at.orgId(), null, () -> {
            boolean revoked = jdbc.sql("""
                            UPDATE api_keys SET revoked_at = now(), revoked_reason = 'leak-reported'
                            WHERE tenant_id = :org AND id = :id AND revoked_at IS NULL
                            """)
                    .param("org", at.orgId())
                    .param("id", at.keyId())
                    .update() == 1;
            audit.anonymousEvent(at.orgId(), AuditType.APIKEY_LEAK_REPORTED, key(at.keyId()), null, Map.of(REVOKED, revoked));
            return revoked;
        })).orElse(false);
    }

    private static Entity key(UUID keyId) {
        return Entity.of("apikey", keyId);
    }

    private static ApiKeyView view(ResultSet rs, int row) throws SQLException {
        return new ApiKeyView(rs.getObject("id", UUID.class), rs.getString("name"), Role.valueOf(rs.getString("role")),
                rs.getObject("project_id", UUID.class), rs.getString("prefix"), rs.getObject("created_by", UUID.class),
                instant(rs, "created_at"), instant(rs, "expires_at"), instant(rs, "revoked_at"), instant(rs, "last_used_at"),
                rs.getString("last_used_ip"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
