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
import dev.bulwark.tenancy.Memberships;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.Permission;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** An organisation's security policy: read by any member, replaced by an OWNER in person with step-up. */
@Service
public class OrganisationPolicies {

    /** The details of {@code org.policy.updated} (docs/audit-events.md). */
    static final String REQUIRE_MFA = "requireMfa";
    static final String REQUIRE_VERIFIED_EMAIL = "requireVerifiedEmail";
    static final String STEP_UP_WINDOW_SECONDS = "stepUpWindowSeconds";
    static final String API_KEY_MAX_LIFETIME_DAYS = "apiKeyMaxLifetimeDays";

    private final Memberships memberships;
    private final RecentFactor recentFactor;
    private final List<MemberRequirement> requirements;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    OrganisationPolicies(Memberships memberships, RecentFactor recentFactor, List<MemberRequirement> requirements,
                         AuditLog audit, TransactionTemplate transactions) {
        this.memberships = memberships;
        this.recentFactor = recentFactor;
        this.requirements = requirements;
        this.audit = audit;
        this.transactions = transactions;
    }

    /** The organisation's security policy (any member may read it). */
    public OrganisationPolicy policy(UUID orgId, UUID actorId) {
        memberships.require(orgId, actorId, Permission.READ_ORGANISATION);
        return memberships.policy(orgId);
    }

    /**
     * An OWNER in person, with step-up (never an API key). An owner cannot set a policy they do not meet themselves:
     * they would lock themselves out.
     */
    public OrganisationPolicy setPolicy(Caller caller, OrganisationPolicy policy) {
        UUID orgId = caller.orgId();
        UUID actorId = caller.userId();
        memberships.require(orgId, actorId, Permission.MANAGE_SECURITY_POLICY);
        // The gate refuses keys already (no key holds the permission); kept here so no other path lets one through.
        if (!caller.may(Permission.MANAGE_SECURITY_POLICY)) {
            throw new ForbiddenException("An API key never changes the organisation's security policy; sign in as an owner.");
        }
        recentFactor.require(orgId, actorId, caller.sessionId());
        for (MemberRequirement requirement : requirements) {
            requirement.unmet(actorId, policy).ifPresent(reason -> {
                throw new ConflictException("You do not meet this policy yourself: " + reason);
            });
        }
        transactions.executeWithoutResult(s -> {
            memberships.setPolicy(orgId, actorId, policy);
            audit.callerAction(caller, AuditType.ORG_POLICY_UPDATED, Entity.organisation(orgId), Map.of(
                    REQUIRE_MFA, policy.requireMfa(),
                    REQUIRE_VERIFIED_EMAIL, policy.requireVerifiedEmail(),
                    STEP_UP_WINDOW_SECONDS, policy.stepUpWindow().toSeconds(),
                    API_KEY_MAX_LIFETIME_DAYS, policy.apiKeyMaxLifetimeDays() == null ? "none" : policy.apiKeyMaxLifetimeDays()));
        });
        return policy;
    }
}
