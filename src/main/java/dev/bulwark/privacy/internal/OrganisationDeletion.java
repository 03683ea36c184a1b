package dev.bulwark.privacy.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.keys.Shredding;
import dev.bulwark.privacy.PrivacyProperties;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ModuleTables;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.tenancy.TenantScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deleting an organisation: an OWNER's request (step-up) disables it at once — every endpoint then answers its members
 * and keys 404 — and sets the end of the grace period ({@code bulwark.privacy.deletion-grace}, 30 days), until which
 * an OWNER may cancel. Past it, the retention enforcer purges it: every table whose module declares a purge
 * ({@link ModuleTables.Table#purge}) has it run — its workspace data, AI usage and memberships are deleted, its API keys
 * revoked, its invitations voided — its keysets destroyed (crypto-shredding: what is left — the
 * audit chain's payloads, any backup — opens under no key), and the organisation row stays as a tombstone with
 * {@code purged_at}, keeping its audit chain as the record of what happened, without payloads.
 */
@Service
public class OrganisationDeletion {

    private static final Logger log = LoggerFactory.getLogger(OrganisationDeletion.class);

    /** The detail of {@code org.deletion.requested}: when the grace period ends. ({@code org.purged}'s are table names.) */
    static final String PURGE_AFTER = "purgeAfter";

    /**
     * The deletion state of an organisation, and this installation's grace period in seconds: how long a deletion
     * stays cancellable before the purge ({@code bulwark.privacy.deletion-grace}).
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "DeletionStatus")
    public record Status(String status, Instant disabledAt, Instant purgeAfter, long graceSeconds) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final Shredding shredding;
    private final RecentFactor recentFactor;
    private final PrivacyProperties properties;
    private final List<ModuleTables.Table> purged;

    OrganisationDeletion(JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions, AuditLog audit,
                         Shredding shredding, RecentFactor recentFactor, PrivacyProperties properties,
                         List<ModuleTables> modules) {
        // Children before parents: each module lists its parents first, so the purge goes through the tables in reverse.
        this.purged = ModuleTables.all(modules).reversed().stream().filter(t -> t.purge() != null).toList();
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.audit = audit;
        this.shredding = shredding;
        this.recentFactor = recentFactor;
        this.properties = properties;
    }

    /** Disables the organisation and schedules its purge; {@code confirmName} must be its name (400 otherwise). */
    public Status request(Caller caller, String confirmName) {
        recentFactor.require(caller);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant purgeAfter = now.plus(properties.deletionGrace());
        transactions.executeWithoutResult(s -> tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            String name = jdbc.sql("SELECT name FROM organisations WHERE id = :org FOR UPDATE")
                    .param("org", caller.orgId())
                    .query(String.class)
                    .single();
            if (!name.equals(confirmName)) {
                throw new InvalidInputException("confirmName", "must be the organisation's name, exactly");
            }
            int updated = jdbc.sql("""
                            UPDATE organisations SET disabled_at = :now, purge_after = :purgeAfter
                            WHERE id = :org AND disabled_at IS NULL
                            """)
                    .param("org", caller.orgId())
                    .param("now", Timestamp.from(now))
                    .param("purgeAfter", Timestamp.from(purgeAfter))
                    .update();
            if (updated == 0) {
                throw new ConflictException("This organisation's deletion is already pending.");
            }
            audit.callerAction(caller, AuditType.ORG_DELETION_REQUESTED, Entity.organisation(caller.orgId()),
                    Map.of(PURGE_AFTER, purgeAfter.toString()));
        }));
        return new Status("deletion-pending", now, purgeAfter, graceSeconds());
    }

    /** Whether a deletion is pending, and until when it may be cancelled: "active" or "deletion-pending". */
    public Status status(Caller caller) {
        return transactions.execute(s -> tenantScope.inTenant(caller.orgId(), caller.userId(), () -> jdbc.sql("""
                        SELECT disabled_at, purge_after FROM organisations WHERE id = :org
                        """)
                .param("org", caller.orgId())
                .query((rs, n) -> {
                    Timestamp disabled = rs.getTimestamp("disabled_at");
                    Timestamp purge = rs.getTimestamp("purge_after");
                    return disabled == null ? new Status("active", null, null, graceSeconds())
                            : new Status("deletion-pending", disabled.toInstant(), purge == null ? null : purge.toInstant(),
                                    graceSeconds());
                })
                .single()));
    }

    public Status cancel(Caller caller) {
        recentFactor.require(caller);
        Instant now = Instant.now();
        transactions.executeWithoutResult(s -> tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            int updated = jdbc.sql("""
                            UPDATE organisations SET disabled_at = NULL, purge_after = NULL
                            WHERE id = :org AND disabled_at IS NOT NULL AND purged_at IS NULL AND purge_after > :now
                            """)
                    .param("org", caller.orgId())
                    .param("now", Timestamp.from(now))
                    .update();
            if (updated == 0) {
                throw new ConflictException("This organisation has no deletion pending.");
            }
            audit.callerAction(caller, AuditType.ORG_DELETION_CANCELLED, Entity.organisation(caller.orgId()), Map.of());
        }));
        return new Status("active", null, null, graceSeconds());
    }

    private long graceSeconds() {
        return properties.deletionGrace().toSeconds();
    }

    /** Purges every organisation whose grace period ended before {@code now}, unless on legal hold; returns them. */
    public List<UUID> purgeDue(Instant now) {
        List<UUID> due = jdbc.sql("""
                        SELECT id FROM organisations WHERE disabled_at IS NOT NULL AND purged_at IS NULL AND purge_after <= :now
                          AND legal_hold_since IS NULL
                        ORDER BY purge_after
                        """)
                .param("now", Timestamp.from(now))
                .query(UUID.class)
                .list();
        for (UUID org : due) {
            purge(org, now);
            log.info("Purged organisation {} (deletion grace period over)", org);
        }
        return due;
    }

    private void purge(UUID org, Instant now) {
        transactions.executeWithoutResult(s -> tenantScope.inTenant(org, null, () -> {
            Map<String, Integer> deleted = new java.util.LinkedHashMap<>();
            for (ModuleTables.Table table : purged) {
                var statement = jdbc.sql(table.purge()).param("org", org);
                int rows = (table.purge().contains(":now") ? statement.param("now", Timestamp.from(now)) : statement).update();
                if (table.purgeDeletes()) {
                    deleted.put(table.name(), rows);
                }
            }
            audit.systemAction(org, AuditType.ORG_PURGED, "deletion", Map.copyOf(deleted));
            jdbc.sql("UPDATE organisations SET purged_at = :now WHERE id = :org")
                    .param("org", org).param("now", Timestamp.from(now)).update();
            shredding.destroyKeys(org);
        }));
    }
}
