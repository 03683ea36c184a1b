package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.identity.ClientInfo;
import dev.bulwark.shared.Ids;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Records identity events (interim: the audit-log work turns these into the per-tenant hash chain). A user's event
 * goes to every organisation they belong to at that moment, so admins see their members' sign-ins; an event tied to
 * no organisation goes to the platform's. Appended inside the caller's transaction: the action and its event commit
 * together.
 */
@Component
public class SecurityEvents {

    /** The platform organisation of migration V2: home of events that concern no customer organisation. */
    public static final UUID PLATFORM_ORG = new UUID(0, 0);

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final ObjectMapper json;

    SecurityEvents(JdbcClient jdbc, TenantScope tenantScope, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.json = json;
    }

    /** An event about {@code userId} (the actor), in each of their organisations, or the platform's if none. */
    public void userEvent(String type, UUID userId, ClientInfo client, Map<String, Object> details) {
        List<UUID> orgs = tenantScope.asUser(userId, () -> jdbc.sql("SELECT tenant_id FROM memberships WHERE user_id = :user")
                .param("user", userId)
                .query(UUID.class)
                .list());
        for (UUID org : orgs.isEmpty() ? List.of(PLATFORM_ORG) : orgs) {
            append(org, type, "user", userId, client, details);
        }
    }

    /** An event about an organisation's data (a member changed), acted by {@code actorId}. */
    public void orgEvent(UUID orgId, String type, UUID actorId, ClientInfo client, Map<String, Object> details) {
        append(orgId, type, "user", actorId, client, details);
    }

    /** An event about an organisation's data, acted by a user, an API key or an anonymous party ({@code actorType}). */
    public void orgEvent(UUID orgId, String type, String actorType, UUID actorId, ClientInfo client, Map<String, Object> details) {
        append(orgId, type, actorType, actorId, client, details);
    }

    /** An event with no known user (a sign-in attempt for an unknown email): the platform's organisation. */
    public void anonymousEvent(String type, ClientInfo client, Map<String, Object> details) {
        append(PLATFORM_ORG, type, "anonymous", null, client, details);
    }

    private void append(UUID org, String type, String actorType, UUID actorId, ClientInfo client, Map<String, Object> details) {
        tenantScope.inTenant(org, actorId, () -> jdbc.sql("""
                        INSERT INTO security_events (tenant_id, id, occurred_at, type, actor_type, actor_id, ip, user_agent,
                                                     request_id, details)
                        VALUES (:tenant, :id, :at, :type, :actorType, :actorId, :ip, :ua, :requestId, CAST(:details AS jsonb))
                        """)
                .param("tenant", org)
                .param("id", Ids.newId())
                .param("at", Timestamp.from(Instant.now()))
                .param("type", type)
                .param("actorType", actorType)
                .param("actorId", actorId)
                .param("ip", client.ip())
                .param("ua", client.userAgent())
                .param("requestId", client.requestId())
                .param("details", json.writeValueAsString(details))
                .update());
    }
}
