package dev.bulwark.access.internal;

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

import dev.bulwark.access.ApiKeyEvent;
import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.Tokens;
import dev.bulwark.tenancy.Memberships;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * API keys: created by a person (never by a key) with step-up, with a role never above the creator's, optionally
 * scoped to one project and bounded in time by the organisation's cap. Only the SHA-256 of a key is stored.
 * Authentication reads the database on every request, so a revocation holds on the very next request on every
 * instance; it also reads the creator's live membership, so a removed creator's keys die with their access.
 */
@Service
public class ApiKeys {

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

        private static final String VIEW_COLUMNS = """
            id, name, role, project_id, prefix, created_by, created_at, expires_at, revoked_at, last_used_at, last_used_ip""";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Memberships memberships;
    private final RecentFactor recentFactor;
    private final ApplicationEventPublisher events;

    ApiKeys(JdbcClient jdbc, TenantScope tenantScope, Memberships memberships, RecentFactor recentFactor,
            ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.memberships = memberships;
        this.recentFactor = recentFactor;
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
        recentFactor.require(caller.orgId(), caller.userId(), caller.sessionId());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant expires = expiry(caller.orgId(), now, expiresAt);
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
            details.put("name", name);
            details.put("role", role.name());
            details.put("prefix", prefix);
            details.put("projectId", projectId);
            details.put("expiresAt", expires);
            events.publishEvent(ApiKeyEvent.by(caller, "apikey.created", id, details));
        });
        return new CreatedKey(id, name, role, projectId, prefix, key.value(), now, expires);
    }

    /** Defaults to, and may not exceed, the organisation's cap; must lie in the future. */
    private Instant expiry(UUID orgId, Instant now, Instant requested) {
        Integer capDays = memberships.policy(orgId).apiKeyMaxLifetimeDays();
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
                .param("org", caller.orgId()), ApiKeys::view, k -> new PageRequest.Position(k.createdAt(), k.id())));
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
            events.publishEvent(ApiKeyEvent.by(caller, "apikey.revoked", keyId, Map.of()));
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
                events.publishEvent(new ApiKeyEvent(orgId, "apikey.revoked", keyId, ApiKeyEvent.Actor.USER, userId,
                        Map.of("reason", reason)));
            }
            return revoked.size();
        });
    }

    /**
     * A leaked key, reported by anyone (a code host's secret scanning, a finder): revoked at once if it is a live
     * key. Answers whether a live key was revoked, for the caller to keep to itself (the endpoint never says).
     */
    public boolean reportLeak(String key) {
        Optional<Located> located = locate(key);
        if (located.isEmpty()) {
            return false;
        }
        Located at = located.get();
        return tenantScope.inTenant(at.orgId(), null, () -> {
            boolean revoked = jdbc.sql("""
                            UPDATE api_keys SET revoked_at = now(), revoked_reason = 'leak-reported'
                            WHERE tenant_id = :org AND id = :id AND revoked_at IS NULL
                            """)
                    .param("org", at.orgId())
                    .param("id", at.keyId())
                    .update() == 1;
            events.publishEvent(new ApiKeyEvent(at.orgId(), "apikey.leak_reported", at.keyId(), ApiKeyEvent.Actor.ANONYMOUS, null,
                    Map.of("revoked", revoked)));
            return revoked;
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
