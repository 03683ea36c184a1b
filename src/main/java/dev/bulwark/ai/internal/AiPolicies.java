package dev.bulwark.ai.internal;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Each organisation's AI policy: whether AI is on, which providers it allows, in which regions (none: any), and the
 * auto-send threshold (recorded for products; the gateway itself never sends on its own). No row: the default, AI off.
 * Read by any member, replaced by an OWNER or ADMIN in person with step-up; only configured providers may be named.
 */
@Service
public class AiPolicies {

    /** A policy as the API shows it; {@code updatedAt} null while the organisation has the default. */
    public record Policy(boolean enabled, List<String> providers, List<String> regions, BigDecimal autoSendThreshold,
                         Instant updatedAt) {

        public static final Policy DEFAULT = new Policy(false, List.of(), List.of(), null, null);

        public Policy {
            providers = List.copyOf(providers);
            regions = List.copyOf(regions);
        }

        /** Whether {@code region} (a provider's) is allowed: any when the list is empty; compared without case. */
        boolean allowsRegion(String region) {
            return regions.isEmpty() || regions.contains(region.toLowerCase(Locale.ROOT));
        }
    }

    /** The details of {@code ai.policy.updated} (docs/audit-events.md). */
    static final String ENABLED = "enabled";
    static final String PROVIDERS = "providers";
    static final String REGIONS = "regions";
    static final String AUTO_SEND_THRESHOLD = "autoSendThreshold";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final RecentFactor recentFactor;
    private final AuditLog audit;
    private final Providers providers;
    private final AdmissionCache admissions;

    AiPolicies(JdbcClient jdbc, TenantScope tenantScope, RecentFactor recentFactor, AuditLog audit, Providers providers,
               AdmissionCache admissions) {
        this.admissions = admissions;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.recentFactor = recentFactor;
        this.audit = audit;
        this.providers = providers;
    }

    public Policy get(Caller caller) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> read(caller.orgId()));
    }

    /** The organisation's policy, in the caller's tenant-bound transaction. */
    Policy read(UUID org) {
        return jdbc.sql("""
                        SELECT enabled, providers, regions, auto_send_threshold, updated_at FROM ai_policies WHERE tenant_id = :org
                        """)
                .param("org", org)
                .query(AiPolicies::policy)
                .optional()
                .orElse(Policy.DEFAULT);
    }

    /** The policy and the organisation's sealed key for one provider, as one statement reads them. */
    record Admission(Policy policy, UUID keyId, byte[] sealedKey) {
    }

    /**
     * The organisation's policy and its own sealed key for {@code providerId}: from this instance's memory when it
     * holds them ({@link AdmissionCache}), else in one round trip. Outside a transaction only.
     */
    Admission admission(UUID org, String providerId) {
        if (org == null || TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the AI admission runs in a statement of its own, outside a transaction");
        }
        return admissions.get(org, providerId, () -> readAdmission(org, providerId));
    }

    /**
     * The admission from the database, in one round trip: the statement binds the tenant itself (migration V59,
     * {@code ai_admission}), in an implicit transaction of its own. Outside a transaction only: inside one, the binding
     * would outlive the statement.
     */
    Admission readAdmission(UUID org, String providerId) {
        return jdbc.sql("SELECT * FROM ai_admission(:org, :provider)")
                .param("org", org)
                .param("provider", providerId)
                .query((rs, row) -> new Admission(rs.getBoolean("has_policy") ? policy(rs, row) : Policy.DEFAULT,
                        rs.getObject("key_id", UUID.class), rs.getBytes("key_ct")))
                .single();
    }

    /**
     * Replaces the policy (step-up). Providers must be configured ones (400 naming the field otherwise); duplicates are
     * dropped, regions are kept in lower case.
     */
    public Policy set(Caller caller, boolean enabled, List<String> providerIds, List<String> regions, BigDecimal autoSendThreshold) {
        List<String> unknown = providerIds.stream().filter(id -> providers.find(id).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(PROVIDERS, "names no configured provider: " + String.join(", ", unknown));
        }
        recentFactor.require(caller);
        List<String> allowed = List.copyOf(new LinkedHashSet<>(providerIds));
        List<String> where = new ArrayList<>(new LinkedHashSet<>(regions.stream().map(r -> r.strip().toLowerCase(Locale.ROOT)).toList()));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Policy next = new Policy(enabled, allowed, where, autoSendThreshold == null ? null : autoSendThreshold.stripTrailingZeros(), now);
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Policy before = jdbc.sql("""
                            SELECT enabled, providers, regions, auto_send_threshold, updated_at FROM ai_policies
                            WHERE tenant_id = :org FOR UPDATE
                            """)
                    .param("org", caller.orgId())
                    .query(AiPolicies::policy)
                    .optional()
                    .orElse(Policy.DEFAULT);
            jdbc.sql("""
                            INSERT INTO ai_policies (tenant_id, enabled, providers, regions, auto_send_threshold, updated_at, updated_by)
                            VALUES (:org, :enabled, :providers, :regions, :threshold, :now, :actor)
                            ON CONFLICT (tenant_id) DO UPDATE SET enabled = :enabled, providers = :providers, regions = :regions,
                                auto_send_threshold = :threshold, updated_at = :now, updated_by = :actor
                            """)
                    .param("org", caller.orgId())
                    .param("enabled", next.enabled())
                    .param("providers", next.providers().toArray(String[]::new))
                    .param("regions", next.regions().toArray(String[]::new))
                    .param("threshold", next.autoSendThreshold(), java.sql.Types.NUMERIC)
                    .param("now", Timestamp.from(now))
                    .param("actor", caller.userId())
                    .update();
            admissions.changedInTransaction(caller.orgId());
            audit.callerAction(caller, AuditType.AI_POLICY_UPDATED, Entity.organisation(caller.orgId()), details(before),
                    details(next));
            return next;
        });
    }

    private static Map<String, Object> details(Policy policy) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(ENABLED, policy.enabled());
        details.put(PROVIDERS, policy.providers());
        details.put(REGIONS, policy.regions());
        details.put(AUTO_SEND_THRESHOLD, policy.autoSendThreshold() == null ? null : policy.autoSendThreshold().toPlainString());
        return details;
    }

    private static Policy policy(ResultSet rs, int row) throws SQLException {
        Timestamp updated = rs.getTimestamp("updated_at");
        BigDecimal threshold = rs.getBigDecimal("auto_send_threshold");
        return new Policy(rs.getBoolean("enabled"), strings(rs.getArray("providers")), strings(rs.getArray("regions")),
                threshold == null ? null : threshold.stripTrailingZeros(), updated == null ? null : updated.toInstant());
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
