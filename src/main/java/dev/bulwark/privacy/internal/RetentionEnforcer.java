package dev.bulwark.privacy.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntSupplier;

import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.privacy.PrivacyProperties;
import dev.bulwark.tenancy.DataClass;
import dev.bulwark.tenancy.Lease;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.Channel;
import dev.bulwark.workspace.DataSubjects;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enforces every organisation's retention policies: deletes, per data class, what is older than its period, in
 * statements of {@code bulwark.privacy.batch-size} rows, one transaction per organisation together with its
 * {@code retention.purged} event, so no purge is ever unrecorded. The audit log is purged only through
 * {@link AuditLog#purgeOlderThan} (up to a signed checkpoint, the chain still verifying). An organisation on legal hold
 * is skipped. One run at a time across all instances: a run takes the {@link Lease} {@code retention} and renews
 * it after each organisation; a second run that finds it taken does nothing ({@code retention_runs} keeps the times). The scheduled run also purges the
 * organisations whose deletion grace period is over ({@link OrganisationDeletion}).
 */
@Component
public class RetentionEnforcer {

    private static final Logger log = LoggerFactory.getLogger(RetentionEnforcer.class);
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final String LEASE_NAME = "retention";

    /** The details of {@code retention.purged}: the count per data class, and the run's time. */
    static final String PURGED = "purged";
    static final String AT = "at";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final DataSubjects subjects;
    private final AuditLog audit;
    private final Retention retention;
    private final OrganisationDeletion deletion;
    private final PrivacyProperties properties;
    private final Clock clock;
    private final Lease leases;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    RetentionEnforcer(JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions, DataSubjects subjects,
                      AuditLog audit, Retention retention, OrganisationDeletion deletion, PrivacyProperties properties,
                      ObjectProvider<Clock> clock, Lease leases, MeterRegistry meters) {
        this.meters = meters;
        this.leases = leases;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.subjects = subjects;
        this.audit = audit;
        this.retention = retention;
        this.deletion = deletion;
        this.properties = properties;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @Scheduled(initialDelayString = "${bulwark.privacy.enforcer-initial-delay:1m}", fixedDelayString = "${bulwark.privacy.enforcer-interval:1h}")
    void scheduled() {
        runAll(clock).ifPresent(purged -> log.info("Retention run: {} organisations purged something", purged.size()));
    }

    /**
     * One run over every live organisation at {@code clock}'s time, then the purge of deletions past their grace.
     * Empty when another run holds the lease; otherwise what was purged, per organisation that lost anything.
     */
    public Optional<Map<UUID, Map<String, Integer>>> runAll(Clock clock) {
        Instant now = clock.instant();
        Optional<Lease.Held> lease = leases.acquire(LEASE_NAME, now, LEASE);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        jdbc.sql("UPDATE retention_runs SET last_started = :now WHERE id = 1").param("now", Timestamp.from(now)).update();
        Map<UUID, Map<String, Integer>> purged = new LinkedHashMap<>();
        try (Lease.Held held = lease.get()) {
            List<UUID> orgs = jdbc.sql("SELECT id FROM organisations WHERE disabled_at IS NULL ORDER BY id").query(UUID.class).list();
            for (UUID org : orgs) {
                Map<String, Integer> counts = runFor(org, now, Actor.system());
                if (counts.values().stream().anyMatch(n -> n > 0)) {
                    purged.put(org, counts);
                }
                held.renew(clock.instant(), LEASE);
            }
            deletion.purgeDue(now);
        } finally {
            jdbc.sql("UPDATE retention_runs SET last_finished = :now WHERE id = 1")
                    .param("now", Timestamp.from(clock.instant()))
                    .update();
        }
        return Optional.of(purged);
    }

    /** When a run last finished, if ever (for the trust center). */
    public Optional<Instant> lastFinished() {
        return jdbc.sql("SELECT last_finished FROM retention_runs WHERE id = 1")
                .query((rs, n) -> rs.getTimestamp(1))
                .optional()
                .filter(t -> t != null)
                .map(Timestamp::toInstant);
    }

    /**
     * Purges {@code org}'s expired data of every class at {@code now}, in one transaction: batched deletes per class,
     * then one {@code retention.purged} event with the count per class (none when nothing expired), so no purge is
     * ever unrecorded. Returns the count per class (all zero on legal hold).
     */
    public Map<String, Integer> runFor(UUID org, Instant now, Actor actor) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DataClass dataClass : DataClass.values()) {
            counts.put(dataClass.id(), 0);
        }
        if (retention.legalHold(org).active()) {
            return counts;
        }
        return transactions.execute(s -> tenantScope.inTenant(org, null, () -> {
            for (Retention.Policy policy : retention.policies(org)) {
                DataClass dataClass = DataClass.of(policy.dataClass()).orElseThrow();
                Instant cutoff = now.minus(Duration.ofDays(policy.retentionDays()));
                int purged = switch (dataClass) {
                    case INTERACTION_CALL -> inBatches(() -> subjects.purgeInteractions(org, Channel.CALL, cutoff, properties.batchSize()));
                    case INTERACTION_CHAT -> inBatches(() -> subjects.purgeInteractions(org, Channel.CHAT, cutoff, properties.batchSize()));
                    case INTERACTION_EMAIL -> inBatches(() -> subjects.purgeInteractions(org, Channel.EMAIL, cutoff, properties.batchSize()));
                    case INTERACTION_NOTE -> inBatches(() -> subjects.purgeInteractions(org, Channel.NOTE, cutoff, properties.batchSize()));
                    case AI_USAGE -> inBatches(() -> purgeAiUsage(org, cutoff));
                    // Up to a signed checkpoint only, with the anchor that keeps the rest verifiable; records audit.purged.
                    case AUDIT_LOG -> audit.purgeOlderThan(org, cutoff, actor).events();
                };
                counts.put(dataClass.id(), purged);
            }
            if (counts.values().stream().anyMatch(n -> n > 0)) {
                audit.organisationAction(org, actor, AuditType.RETENTION_PURGED, "retention",
                        Map.of(PURGED, counts, AT, now.toString()));
                // Purged rows by data class (a fixed set), counted once the purge commits (docs/observability.md).
                Map<String, Integer> purgedNow = Map.copyOf(counts);
                dev.bulwark.shared.AfterCommit.run(() -> purgedNow.forEach((dataClass, n) -> meters
                        .counter("bulwark.retention.purged.rows", "class", dataClass).increment(n)));
            }
            return counts;
        }));
    }

    /** Runs {@code batch} until it deletes less than a full batch; returns the total. */
    private int inBatches(IntSupplier batch) {
        int total = 0;
        int deleted;
        do {
            deleted = batch.getAsInt();
            total += deleted;
        } while (deleted == properties.batchSize());
        return total;
    }

    private int purgeAiUsage(UUID org, Instant cutoff) {
        return tenantScope.inTenant(org, null, () -> jdbc.sql("""
                        DELETE FROM ai_usage WHERE tenant_id = :org AND id IN (
                            SELECT id FROM ai_usage WHERE tenant_id = :org AND occurred_at < :cutoff ORDER BY occurred_at LIMIT :limit)
                        """)
                .param("org", org)
                .param("cutoff", Timestamp.from(cutoff))
                .param("limit", properties.batchSize())
                .update());
    }

}
