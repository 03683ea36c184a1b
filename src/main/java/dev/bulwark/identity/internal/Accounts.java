package dev.bulwark.identity.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.Memberships;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The signed-in user's own view of their account (GET /api/v1/me). */
@Service
public class Accounts {

    /** One organisation the user belongs to, with their role there. */
    public record MembershipView(UUID organisationId, String organisationName, String role) {
    }

    /** {@code /me} (docs/api.md). */
    public record Me(UUID id, String email, String name, boolean emailVerified, boolean mfaEnabled,
                     List<MembershipView> memberships) {
    }

    /** A member as the organisation's members see them (docs/api.md). */
    public record MemberView(UUID userId, String email, String name, Role role) {
    }

    private final Users users;
    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Memberships memberships;
    private final AuthService auth;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final SecondFactors factors;
    private final PolicyRequirements requirements;

    Accounts(Users users, JdbcClient jdbc, TenantScope tenantScope, Memberships memberships, AuthService auth,
             AuditLog audit, TransactionTemplate transactions, SecondFactors factors, PolicyRequirements requirements) {
        this.factors = factors;
        this.requirements = requirements;
        this.users = users;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.memberships = memberships;
        this.auth = auth;
        this.audit = audit;
        this.transactions = transactions;
    }

    public Page<MemberView> members(UUID orgId, UUID actorId, PageRequest request) {
        memberships.require(orgId, actorId, Permission.READ_ORGANISATION);
        Page<Memberships.Member> members = memberships.list(orgId, actorId, request);
        Map<UUID, Users.Profile> profiles = users.profiles(members.items().stream().map(Memberships.Member::userId).toList());
        // A membership always has its user (foreign key with cascade), so no item is dropped here.
        return new Page<>(members.items().stream().map(m -> view(profiles.get(m.userId()), m.role())).toList(),
                members.nextCursor());
    }

    /**
     * Visibility (404) and permission (403) first, then step-up (a person; keys never step up), then the change and
     * its event in one transaction.
     */
    public MemberView changeRole(Caller caller, UUID userId, Role newRole, ClientInfo client) {
        UUID orgId = caller.orgId();
        UUID actorId = caller.userId();
        memberships.require(orgId, actorId, Permission.MANAGE_MEMBERS);
        if (!caller.isApiKey()) {
            auth.requireRecentFactor(actorId, caller.sessionId(), memberships.policy(orgId).stepUpWindow());
        }
        return transactions.execute(s -> {
            Role previous = memberships.changeRole(orgId, actorId, caller.cap(), userId, newRole);
            if (previous != newRole) {
                audit.callerAction(caller, AuditType.MEMBER_ROLE_CHANGED, Entity.of("member", userId),
                        Map.of("role", previous.name()), Map.of("role", newRole.name()));
            }
            return view(users.profile(userId).orElseThrow(), newRole);
        });
    }

    /** Removes a member, or lets the caller leave (a person only). Their access ends with this transaction. */
    public void removeMember(Caller caller, UUID userId, ClientInfo client) {
        UUID orgId = caller.orgId();
        UUID actorId = caller.userId();
        boolean leaving = !caller.isApiKey() && actorId.equals(userId);
        // Leaving is always possible, even for a member who no longer meets the organisation's policy.
        if (leaving) {
            memberships.roleOf(orgId, actorId).orElseThrow(() -> new NotFoundException("There is no such organisation."));
        } else {
            memberships.require(orgId, actorId, Permission.MANAGE_MEMBERS);
            if (!caller.may(Permission.MANAGE_MEMBERS)) {
                // Decided before the target is looked up: a key below ADMIN learns nothing about who is a member.
                throw new ForbiddenException("This API key's role does not allow this.");
            }
        }
        transactions.executeWithoutResult(s -> {
            Role previous = memberships.remove(orgId, actorId, caller.cap(), userId);
            audit.callerAction(caller, AuditType.MEMBER_REMOVED, Entity.of("member", userId),
                    Map.of("role", previous.name()), Map.of("left", leaving));
        });
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
    public OrganisationPolicy setPolicy(Caller caller, OrganisationPolicy policy, ClientInfo client) {
        UUID orgId = caller.orgId();
        UUID actorId = caller.userId();
        memberships.require(orgId, actorId, Permission.MANAGE_SECURITY_POLICY);
        // The gate refuses keys already (no key holds the permission); kept here so no other path lets one through.
        if (!caller.may(Permission.MANAGE_SECURITY_POLICY)) {
            throw new ForbiddenException("An API key never changes the organisation's security policy; sign in as an owner.");
        }
        auth.requireRecentFactor(actorId, caller.sessionId(), memberships.policy(orgId).stepUpWindow());
        requirements.unmet(actorId, policy).ifPresent(reason -> {
            throw new ConflictException("You do not meet this policy yourself: " + reason);
        });
        transactions.executeWithoutResult(s -> {
            memberships.setPolicy(orgId, actorId, policy);
            audit.callerAction(caller, AuditType.ORG_POLICY_UPDATED, Entity.organisation(orgId), Map.of("requireMfa", policy.requireMfa(),
                    "requireVerifiedEmail", policy.requireVerifiedEmail(), "stepUpWindowSeconds", policy.stepUpWindow().toSeconds(),
                    "apiKeyMaxLifetimeDays", policy.apiKeyMaxLifetimeDays() == null ? "none" : policy.apiKeyMaxLifetimeDays()));
        });
        return policy;
    }

    private static MemberView view(Users.Profile profile, Role role) {
        return new MemberView(profile.id(), profile.email(), profile.name(), role);
    }

    public Me me(UUID userId) {
        Users.Profile profile = users.profile(userId).orElseThrow(() -> new UnauthenticatedException(AuthService.INVALID_TOKEN));
        // Bound as the user with no tenant: the own-rows policy lets them read their memberships, and only theirs.
        List<MembershipView> memberships = tenantScope.asUser(userId, () -> jdbc.sql("""
                        SELECT m.tenant_id, o.name, m.role FROM memberships m JOIN organisations o ON o.id = m.tenant_id
                        WHERE m.user_id = :user ORDER BY o.created_at, o.id
                        """)
                .param("user", userId)
                .query((rs, n) -> new MembershipView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)))
                .list());
        boolean mfa = tenantScope.asUser(userId, () -> factors.anyEnabled(userId));
        return new Me(profile.id(), profile.email(), profile.name(), profile.emailVerified(), mfa, memberships);
    }
}
