package dev.bulwark.audit;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.internal.CanonicalJson;
import dev.bulwark.audit.internal.ChainCodec;
import dev.bulwark.audit.internal.CommittedEvents;
import dev.bulwark.audit.internal.Payloads;
import dev.bulwark.keys.KeysDestroyedException;
import dev.bulwark.shared.Ids;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.shared.AfterCommit;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The one way to record an event: {@link #append} joins the caller's transaction (or opens one), binds the event's
 * tenant (re-binding for the append only, so one transaction may write to several chains) and chains the event to
 * the tenant's head, which it locks until commit. The action and its event commit together or not at all; appends to
 * one tenant are serial, appends to different tenants never wait for each other (docs/audit-chain.md, "Ordering").
 */
@Service
public class AuditLog {

    /** What an append produced: the event's place in its chain. */
    public record Appended(UUID id, long seq, byte[] hash) {
    }

    /** The details of {@code audit.redacted}: the redacted events' seqs and how many were redacted. */
    static final String SEQS = "seqs";
    static final String EVENTS = "events";
    /** The details of {@code audit.purged}: the last purged seq, how many went ({@link #EVENTS}), and the cutoff. */
    static final String THROUGH_SEQ = "throughSeq";
    static final String OLDER_THAN = "olderThan";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Clock clock;
    private final Payloads payloads;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    AuditLog(JdbcClient jdbc, TenantScope tenantScope, ObjectProvider<Clock> clock, Payloads payloads, MeterRegistry meters) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.payloads = payloads;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /**
     * What {@code caller} did in its organisation, with the current request's facts: acted by its API key when it
     * uses one, else by the person ({@link Actor#of(Caller)}).
     */
    public Appended callerAction(Caller caller, AuditType type, Entity entity, Map<String, ?> after) {
        return callerAction(caller, type, entity, null, after);
    }

    /** A change {@code caller} made in its organisation: what it was ({@code before}) and what it became. */
    public Appended callerAction(Caller caller, AuditType type, Entity entity, Map<String, ?> before, Map<String, ?> after) {
        return callerAction(caller, type, entity, null, before, after);
    }

    /** A change {@code caller} made in its organisation and the reason it gave ({@code reason}, e.g. for a legal hold). */
    public Appended callerAction(Caller caller, AuditType type, Entity entity, String reason, Map<String, ?> before,
                                 Map<String, ?> after) {
        return append(new AuditEvent(caller.orgId(), type, Actor.of(caller), entity, reason, before, after, null));
    }

    /**
     * A person's own event in {@code orgId}'s chain, acted by {@code userId}: signing in, joining, creating an
     * organisation, or what is done in their name. {@code facts} null: the current request's.
     */
    public Appended userEvent(UUID orgId, UUID userId, AuditType type, Entity entity, RequestFacts facts,
                              Map<String, ?> after) {
        return append(new AuditEvent(orgId, type, Actor.user(userId), entity, null, null, after, facts));
    }

    /** An event nobody known acted: a sign-in for an unknown address, a leak report. {@code facts} null: the request's. */
    public Appended anonymousEvent(UUID orgId, AuditType type, Entity entity, RequestFacts facts, Map<String, ?> after) {
        return append(new AuditEvent(orgId, type, Actor.anonymous(), entity, null, null, after, facts));
    }

    /** What Bulwark did to {@code orgId} on its own (scheduled work), and why ({@code reason}). */
    public Appended systemAction(UUID orgId, AuditType type, String reason, Map<String, ?> after) {
        return organisationAction(orgId, Actor.system(), type, reason, after);
    }

    /** What Bulwark did on its own (scheduled work) to one thing of {@code orgId} ({@code entity}), and why. */
    public Appended systemAction(UUID orgId, AuditType type, Entity entity, String reason, Map<String, ?> after) {
        return append(new AuditEvent(orgId, type, Actor.system(), entity, reason, null, after, null));
    }

    /**
     * What {@code actor} did to the organisation {@code orgId} as a whole, and why ({@code reason}): work that runs on
     * its own ({@link Actor#system()}) or on a caller's demand, such as a retention run. The current request's facts.
     */
    public Appended organisationAction(UUID orgId, Actor actor, AuditType type, String reason, Map<String, ?> after) {
        return append(new AuditEvent(orgId, type, actor, Entity.organisation(orgId), reason, null, after, null));
    }

    /**
     * What an actor who is neither a caller, a user nor the system did to {@code entity} in {@code orgId}: a guest of
     * the portal signing in (docs/guests.md). The current request's facts.
     */
    public Appended actorAction(UUID orgId, Actor actor, AuditType type, Entity entity, Map<String, ?> after) {
        return append(new AuditEvent(orgId, type, actor, entity, null, null, after, null));
    }

    /**
     * A disclosure by {@code caller}: a read that returned personal data to it ({@code contact.read}), appended in the
     * read's transaction, so it is in the chain before the answer leaves (the gate holds the answer until the commit).
     * The chain refusing the event is a server failure, not the caller's conflict: the read then answers 500 and nothing
     * is disclosed.
     */
    public Appended callerDisclosure(Caller caller, AuditType type, Entity entity, Map<String, ?> after) {
        try {
            return callerAction(caller, type, entity, after);
        } catch (DataIntegrityViolationException e) {
            throw new IllegalStateException("the disclosure could not be recorded in the audit log", e);
        }
    }

    /** The general form, for an event none of the entry points above describes. */
    public Appended append(AuditEvent event) {
        // The chain's tables are filtered by tenant only: an append joins the request's binding whoever acts.
        return tenantScope.inTenantAnyUser(event.tenantId(), () -> appendBound(event));
    }

    private Appended appendBound(AuditEvent event) {
        UUID tenant = event.tenantId();
        ChainCodec codec = new ChainCodec();
        UUID id = Ids.newId();
        Instant at = ChainCodec.truncate(clock.instant());
        String before = event.before() == null ? null : CanonicalJson.write(event.before());
        String after = event.after() == null ? null : CanonicalJson.write(event.after());
        byte[] beforeSealed = null;
        byte[] afterSealed = null;
        try {
            beforeSealed = before == null ? null : payloads.seal(tenant, id, "before", before);
            afterSealed = after == null ? null : payloads.seal(tenant, id, "after", after);
        } catch (KeysDestroyedException e) {
            // The organisation was crypto-shredded: its events are still recorded, without personal data.
            before = null;
            after = null;
        }
        byte[] salt = null;
        byte[] dataDigest = null;
        if (before != null || after != null) {
            salt = new byte[16];
            RANDOM.nextBytes(salt);
            dataDigest = codec.dataDigest(salt, before, after);
        }
        Entity entity = event.entity() == null ? new Entity(null, null) : event.entity();
        RequestFacts facts = event.facts();
        byte[] payloadHash = codec.payloadHash(event.actor().type(), event.actor().id(), entity.type(), entity.id(),
                event.reason(), facts.ip(), facts.userAgent(), facts.requestId(), dataDigest);
        // One statement takes (or creates) the head row, chains the event to it and moves it; the head stays locked until
        // commit, so the next append of this tenant waits there. The seq and the previous hash are the head's.
        Appended appended = jdbc.sql("""
                        SELECT * FROM audit_append(:tenant, :id, :at, :type, :actorType, :actorId, :entityType, :entityId, :reason,
                                                   :ip, :ua, :requestId, :before, :after, :salt, :digest, :version, :payloadHash,
                                                   :prefix, :middle, :genesis)
                        """)
                .param("tenant", tenant)
                .param("id", id)
                .param("at", Timestamp.from(at))
                .param("type", event.type().dotted())
                .param("actorType", event.actor().type())
                .param("actorId", event.actor().id())
                .param("entityType", entity.type())
                .param("entityId", entity.id())
                .param("reason", event.reason())
                .param("ip", facts.ip())
                .param("ua", facts.userAgent())
                .param("requestId", facts.requestId())
                .param("before", beforeSealed)
                .param("after", afterSealed)
                .param("salt", salt)
                .param("digest", dataDigest)
                .param("version", ChainCodec.VERSION)
                .param("payloadHash", payloadHash)
                .param("prefix", codec.eventPrefix(ChainCodec.VERSION, tenant))
                .param("middle", codec.eventMiddle(id, at, event.type().dotted(), payloadHash))
                .param("genesis", ChainCodec.GENESIS)
                .query((rs, n) -> new Appended(id, rs.getLong("appended_seq"), rs.getBytes("appended_hash")))
                .single();
        // Appends by type (a closed enum, so a bounded tag), counted once committed (docs/observability.md).
        AfterCommit.run(() -> meters.counter("bulwark.audit.appends", "type", event.type().dotted()).increment());
        CommittedEvents.noteOnCommit(new CommittedEvents.Committed(tenant, event.type(), event.actor().type(),
                event.actor().id(), facts.ip(), facts.requestId()));
        return appended;
    }

    /**
     * Removes the personal data (before/after) of the given events of {@code tenantId}, leaving what the chain hashes:
     * the rows then verify as redacted and intact. The only change the app role may make to chain rows (through the
     * database function {@code audit_redact}). Records {@code audit.redacted} (the redacted events' seqs, never
     * their data) in the same transaction when anything was redacted; the caller records why (e.g. the erasure request)
     * as its own event. Returns how many rows were redacted now (already redacted ones are not counted).
     */
    public int redact(UUID tenantId, List<UUID> eventIds, Actor actor) {
        if (eventIds.isEmpty()) {
            return 0;
        }
        return tenantScope.inTenant(tenantId, null, () -> {
            List<Long> seqs = jdbc.sql("""
                            SELECT seq FROM audit_events WHERE tenant_id = :tenant AND id = ANY (:ids)
                              AND redacted_at IS NULL AND data_digest IS NOT NULL ORDER BY seq
                            """)
                    .param("tenant", tenantId)
                    .param("ids", eventIds.toArray(UUID[]::new))
                    .query(Long.class)
                    .list();
            int redacted = jdbc.sql("SELECT audit_redact(:ids, :at)")
                    .param("ids", eventIds.toArray(UUID[]::new))
                    .param("at", Timestamp.from(clock.instant()))
                    .query(Integer.class)
                    .single();
            if (redacted > 0) {
                appendBound(new AuditEvent(tenantId, AuditType.AUDIT_REDACTED, actor, Entity.organisation(tenantId),
                        "erasure", null, Map.of(SEQS, seqs, EVENTS, redacted), RequestFacts.current()));
            }
            return redacted;
        });
    }

    /**
     * Purges {@code tenantId}'s events older than {@code cutoff} (retention), through the database function
     * {@code audit_purge}: up to the largest checkpoint whose last event is older than the cutoff, never a row from the
     * middle, keeping that checkpoint's frontier and the last purged hash so that the rest still verifies
     * (docs/audit-chain.md, "Purging"). Records {@code audit.purged} in the same transaction when anything went.
     * Relies on {@code occurredAt} growing with {@code seq}, which appends under the head lock give it.
     */
    public Purged purgeOlderThan(UUID tenantId, Instant cutoff, Actor actor) {
        return tenantScope.inTenant(tenantId, null, () -> {
            Long upTo = jdbc.sql("""
                            SELECT max(c.tree_size) FROM audit_checkpoints c
                            JOIN audit_events e ON e.tenant_id = c.tenant_id AND e.seq = c.tree_size
                            WHERE c.tenant_id = :tenant AND e.occurred_at < :cutoff
                            """)
                    .param("tenant", tenantId)
                    .param("cutoff", Timestamp.from(cutoff))
                    .query(Long.class)
                    .optional().orElse(null);
            if (upTo == null) {
                return new Purged(0, 0);
            }
            int removed = jdbc.sql("SELECT audit_purge(:upTo, :at)")
                    .param("upTo", upTo)
                    .param("at", Timestamp.from(clock.instant()))
                    .query(Integer.class)
                    .single();
            if (removed > 0) {
                appendBound(new AuditEvent(tenantId, AuditType.AUDIT_PURGED, actor, Entity.organisation(tenantId),
                        "retention", null, Map.of(THROUGH_SEQ, upTo, EVENTS, removed, OLDER_THAN, cutoff),
                        RequestFacts.current()));
            }
            return new Purged(upTo, removed);
        });
    }

    /** What a purge removed: events 1..{@code throughSeq} are gone ({@code events} of them now). */
    public record Purged(long throughSeq, int events) {
    }

}
