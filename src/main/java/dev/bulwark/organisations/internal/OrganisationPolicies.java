package dev.bulwark.organisations.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.tenancy.MemberRequirement;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.Permission;
import org.springframework.stereotype.Service;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** An organisation's security policy: read by any member, replaced by an OWNER in person with step-up. */
@Service
public class OrganisationPolicies {

    /** The details of {@code org.policy.updated} (docs/audit-events.md). */
    static final String REQUIRE_MFA = "requireMfa";
    static final String REQUIRE_VERIFIED_EMAIL = "requireVerifiedEmail";
    static final String STEP_UP_WINDOW_SECONDS = "stepUpWindowSeconds";
    static final String API_KEY_MAX_LIFETIME_DAYS = "apiKeyMaxLifetimeDays";
    static final String APPROVALS_REQUIRED = "approvalsRequired";
    static final String REQUIRE_SIGNATURE_CERTIFICATION = "requireSignatureCertification";
    /** Approvals a version needs to become effective when the organisation has set none (docs/signatures.md). */
    public static final int DEFAULT_APPROVALS = 1;

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final RecentFactor recentFactor;
    private final List<MemberRequirement> requirements;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    OrganisationPolicies(JdbcClient jdbc, TenantScope tenantScope, RecentFactor recentFactor, List<MemberRequirement> requirements,
                         AuditLog audit, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.recentFactor = recentFactor;
        this.requirements = requirements;
        this.audit = audit;
        this.transactions = transactions;
    }

    /** The organisation's security policy (any member may read it), as the gate read it in this request. */
    public OrganisationPolicy policy(Caller caller) {
        return caller.policy();
    }

    /** How many distinct approval signatures a document version needs to become effective (1-5, default 1). */
    public int approvalsRequired(UUID orgId) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("SELECT approvals_required FROM organisation_policies WHERE tenant_id = :org")
                .param("org", orgId)
                .query(Integer.class)
                .optional()
                .orElse(DEFAULT_APPROVALS));
    }

    /** Whether signing needs the signer's first-use certification (docs/signatures.md; default false). */
    public boolean requiresSignatureCertification(UUID orgId) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("SELECT require_signature_certification FROM organisation_policies WHERE tenant_id = :org")
                .param("org", orgId)
                .query(Boolean.class)
                .optional()
                .orElse(false));
    }

    /**
     * An OWNER in person, with step-up (never an API key). An owner cannot set a policy they do not meet themselves:
     * they would lock themselves out.
     */
    public OrganisationPolicy setPolicy(Caller caller, OrganisationPolicy policy, int approvalsRequired,
                                        boolean requireSignatureCertification) {
        UUID orgId = caller.orgId();
        UUID actorId = caller.userId();
        // The gate refuses keys already (no key holds the permission); kept here so no other path lets one through.
        if (!caller.may(Permission.MANAGE_SECURITY_POLICY)) {
            throw new ForbiddenException("An API key never changes the organisation's security policy; sign in as an owner.");
        }
        recentFactor.require(caller);
        for (MemberRequirement requirement : requirements) {
            requirement.unmet(actorId, policy).ifPresent(reason -> {
                throw new ConflictException("You do not meet this policy yourself: " + reason);
            });
        }
        transactions.executeWithoutResult(s -> {
            tenantScope.inTenant(orgId, actorId, () -> jdbc.sql("""
                            INSERT INTO organisation_policies (tenant_id, require_mfa, require_verified_email, step_up_window_seconds,
                                                               api_key_max_lifetime_days, approvals_required,
                                                               require_signature_certification, updated_at, updated_by)
                            VALUES (:org, :mfa, :verified, :window, :keyDays, :approvals, :certification, now(), :actor)
                            ON CONFLICT (tenant_id) DO UPDATE SET require_mfa = :mfa, require_verified_email = :verified,
                                step_up_window_seconds = :window, api_key_max_lifetime_days = :keyDays, approvals_required = :approvals,
                                require_signature_certification = :certification, updated_at = now(),
                                updated_by = :actor
                            """)
                    .param("org", orgId)
                    .param("mfa", policy.requireMfa())
                    .param("verified", policy.requireVerifiedEmail())
                    .param("window", (int) policy.stepUpWindow().toSeconds())
                    .param("keyDays", policy.apiKeyMaxLifetimeDays(), java.sql.Types.INTEGER)
                    .param("approvals", approvalsRequired)
                    .param("certification", requireSignatureCertification)
                    .param("actor", actorId)
                    .update());
            audit.callerAction(caller, AuditType.ORG_POLICY_UPDATED, Entity.organisation(orgId), Map.of(
                    REQUIRE_MFA, policy.requireMfa(),
                    REQUIRE_VERIFIED_EMAIL, policy.requireVerifiedEmail(),
                    STEP_UP_WINDOW_SECONDS, policy.stepUpWindow().toSeconds(),
                    API_KEY_MAX_LIFETIME_DAYS, policy.apiKeyMaxLifetimeDays() == null ? "none" : policy.apiKeyMaxLifetimeDays(),
                    APPROVALS_REQUIRED, approvalsRequired,
                    REQUIRE_SIGNATURE_CERTIFICATION, requireSignatureCertification));
        });
        return policy;
    }
}
