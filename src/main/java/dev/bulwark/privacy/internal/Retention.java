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
import dev.bulwark.privacy.PrivacyProperties;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.tenancy.DataClass;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention policies (one period per data class, seeded with docs/api.md's defaults) and legal hold, which suspends every
 * purge of the organisation. Each change is audited in its own transaction.
 */
@Service
public class Retention {

    /** A data class's retention period. */
    public record Policy(String dataClass, int retentionDays, Instant updatedAt) {
    }

    /** Whether the organisation is on legal hold, and since when. */
    public record LegalHold(boolean active, Instant since) {
    }

    /** The details of {@code retention.policy.updated}: the data class and its period, before and after. */
    static final String DATA_CLASS = "dataClass";
    static final String RETENTION_DAYS = "retentionDays";
    /** The detail of {@code retention.legal_hold.updated}: whether the hold was on, before and after. */
    static final String ACTIVE = "active";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final RecentFactor recentFactor;
    private final PrivacyProperties properties;

    Retention(JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions, AuditLog audit,
              RecentFactor recentFactor, PrivacyProperties properties) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.audit = audit;
        this.recentFactor = recentFactor;
        this.properties = properties;
    }

    public List<Policy> policies(UUID org) {
        return tenantScope.inTenant(org, null, () -> jdbc.sql("""
                        SELECT data_class, retention_days, updated_at FROM retention_policies WHERE tenant_id = :org ORDER BY data_class
                        """)
                .param("org", org)
                .query((rs, n) -> new Policy(rs.getString(1), rs.getInt(2), rs.getTimestamp(3).toInstant()))
                .list());
    }

    /**
     * Sets {@code dataClass}'s period: 404 for an unknown class, 400 for the audit log below the legal minimum
     * ({@code bulwark.privacy.audit-minimum-days}). Audited with the period before and after.
     */
    public Policy update(Caller caller, String dataClassId, int days) {
        DataClass dataClass = DataClass.of(dataClassId)
                .orElseThrow(() -> new NotFoundException("There is no such data class."));
        if (dataClass == DataClass.AUDIT_LOG && days < properties.auditMinimumDays()) {
            throw new InvalidInputException("retentionDays", "must be at least " + properties.auditMinimumDays()
                    + " for audit.log (the legal minimum)");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return transactions.execute(s -> tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Integer before = jdbc.sql("""
                            SELECT retention_days FROM retention_policies WHERE tenant_id = :org AND data_class = :class FOR UPDATE
                            """)
                    .param("org", caller.orgId())
                    .param("class", dataClass.id())
                    .query(Integer.class)
                    .optional()
                    .orElseThrow(() -> new NotFoundException("There is no such data class."));
            jdbc.sql("""
                            UPDATE retention_policies SET retention_days = :days, updated_at = :now, updated_by = :by
                            WHERE tenant_id = :org AND data_class = :class
                            """)
                    .param("org", caller.orgId())
                    .param("class", dataClass.id())
                    .param("days", days)
                    .param("now", Timestamp.from(now))
                    .param("by", caller.userId())
                    .update();
            audit.callerAction(caller, AuditType.RETENTION_POLICY_UPDATED, new Entity("retention_policy", dataClass.id()),
                    Map.of(RETENTION_DAYS, before), Map.of(DATA_CLASS, dataClass.id(), RETENTION_DAYS, days));
            return new Policy(dataClass.id(), days, now);
        }));
    }

    public LegalHold legalHold(UUID org) {
        return tenantScope.inTenant(org, null, () -> jdbc.sql("SELECT legal_hold_since FROM organisations WHERE id = :org")
                .param("org", org)
                .query((rs, n) -> {
                    Timestamp since = rs.getTimestamp(1);
                    return new LegalHold(since != null, since == null ? null : since.toInstant());
                })
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such organisation.")));
    }

    /** Puts the organisation on legal hold, or lifts it (OWNER, step-up); audited. */
    public LegalHold setLegalHold(Caller caller, boolean active, String reason) {
        recentFactor.require(caller);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        transactions.executeWithoutResult(s -> tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            boolean was = jdbc.sql("SELECT legal_hold_since IS NOT NULL FROM organisations WHERE id = :org FOR UPDATE")
                    .param("org", caller.orgId())
                    .query(Boolean.class)
                    .single();
            jdbc.sql("""
                            UPDATE organisations SET legal_hold_since = CASE WHEN :active THEN coalesce(legal_hold_since, :now) END
                            WHERE id = :org
                            """)
                    .param("org", caller.orgId())
                    .param("active", active)
                    .param("now", Timestamp.from(now))
                    .update();
            audit.callerAction(caller, AuditType.RETENTION_LEGAL_HOLD_UPDATED, Entity.organisation(caller.orgId()), reason,
                    Map.of(ACTIVE, was), Map.of(ACTIVE, active));
        }));
        return legalHold(caller.orgId());
    }
}
