package dev.bulwark.identity.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.audit.RequestFacts;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.shared.AfterCommit;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Identity's events in the audit log. A user's own event (sign-in, failure, lockout, factor change) goes to the chain
 * of every organisation they belong to at that moment, so admins see their members' sign-ins; an event tied to no
 * organisation goes to the platform's chain. Appended inside the caller's transaction: the action and its events
 * commit together.
 */
@Component
public class SecurityEvents {

    /** The details of identity's events (docs/audit-events.md). */
    static final String REASON = "reason";
    static final String LOCK_SECONDS = "lockSeconds";
    static final String METHOD = "method";
    static final String FACTOR = "factor";
    static final String SECOND_FACTOR = "secondFactor";
    static final String SESSION_ID = "sessionId";
    static final String OTHER_SESSIONS_ENDED = "otherSessionsEnded";
    static final String SESSIONS_ENDED = "sessionsEnded";
    static final String AUTHENTICATORS_REMOVED = "authenticatorsRemoved";
    static final String PASSKEYS_REMOVED = "passkeysRemoved";
    static final String API_KEYS_REVOKED = "apiKeysRevoked";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final AuditLog audit;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    SecurityEvents(JdbcClient jdbc, TenantScope tenantScope, AuditLog audit, MeterRegistry meters) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.audit = audit;
    }

    /** An event about {@code userId} (the actor), in each of their organisations, or the platform's if none. */
    public void userEvent(AuditType type, UUID userId, ClientInfo client, Map<String, ?> details) {
        count(type);
        List<UUID> orgs = tenantScope.asUser(userId, () -> jdbc.sql("SELECT tenant_id FROM memberships WHERE user_id = :user")
                .param("user", userId)
                .query(UUID.class)
                .list());
        for (UUID org : orgs.isEmpty() ? List.of(Organisation.PLATFORM_ID) : orgs) {
            audit.userEvent(org, userId, type, Entity.of("user", userId), facts(client), details);
        }
    }

    /** An event with no known user (a sign-in attempt for an unknown email): the platform's chain. */
    public void anonymousEvent(AuditType type, ClientInfo client, Map<String, ?> details) {
        count(type);
        audit.anonymousEvent(Organisation.PLATFORM_ID, type, null, facts(client), details);
    }

    /**
     * Sign-ins by outcome, lockouts and step-ups by outcome (docs/observability.md), once per event however many chains
     * it goes to, and only once it is committed.
     */
    private void count(AuditType type) {
        switch (type) {
            case LOGIN_SUCCEEDED -> AfterCommit.run(() -> meters.counter("bulwark.auth.signins", "outcome", "succeeded").increment());
            case LOGIN_FAILED -> AfterCommit.run(() -> meters.counter("bulwark.auth.signins", "outcome", "failed").increment());
            case ACCOUNT_LOCKED -> AfterCommit.run(() -> meters.counter("bulwark.auth.lockouts").increment());
            case STEP_UP_SUCCEEDED -> AfterCommit.run(() -> meters.counter("bulwark.auth.stepups", "outcome", "succeeded").increment());
            case STEP_UP_FAILED -> AfterCommit.run(() -> meters.counter("bulwark.auth.stepups", "outcome", "failed").increment());
            default -> {
            }
        }
    }

    /** The facts of a request as identity's controllers read them (null: the current request's). */
    static RequestFacts facts(ClientInfo client) {
        return client == null ? null : new RequestFacts(client.ip(), client.userAgent(), client.requestId());
    }
}
