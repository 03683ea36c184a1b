package dev.bulwark.organisations.internal;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.Profile;
import dev.bulwark.identity.UserDirectory;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An organisation's members: listed by any member; a role changed (MANAGE_MEMBERS and step-up; owner roles only by an
 * OWNER in person, never below one owner); a member removed, or leaving. Each change and its audit event commit
 * together; the access check reads memberships live, so a change takes effect on the very next request.
 */
@Service
public class Members {

    /** A member as the organisation's members see them (docs/api.md). */
    public record MemberView(UUID userId, String email, String name, Role role) {
    }

    /** The details of the members' events (docs/audit-events.md). */
    static final String ROLE = "role";
    static final String LEFT = "left";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final UserDirectory users;
    private final RecentFactor recentFactor;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    Members(JdbcClient jdbc, TenantScope tenantScope, UserDirectory users, RecentFactor recentFactor,
            AuditLog audit, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.users = users;
        this.recentFactor = recentFactor;
        this.audit = audit;
        this.transactions = transactions;
    }

    /** One page of the organisation's members, oldest membership first. */
    public Page<MemberView> list(UUID orgId, UUID actorId, PageRequest request) {
        record Row(UUID userId, Role role, Instant createdAt) {
        }
        Page<Row> page = tenantScope.inTenant(orgId, actorId, () -> request.fetch(jdbc.sql("""
                        SELECT user_id, role, created_at FROM memberships
                        WHERE tenant_id = :org AND (created_at, user_id) > (:afterAt, :afterId)
                        ORDER BY created_at, user_id LIMIT :limit
                        """).param("org", orgId),
                (rs, n) -> new Row(rs.getObject("user_id", UUID.class), Role.valueOf(rs.getString("role")),
                        rs.getTimestamp("created_at").toInstant()),
                r -> new PageRequest.Position(r.createdAt(), r.userId())));
        Map<UUID, Profile> profiles = users.profiles(page.items().stream().map(Row::userId).toList());
        // A membership always has its user (foreign key with cascade), so no item is dropped here.
        return new Page<>(page.items().stream().map(r -> view(profiles.get(r.userId()), r.role())).toList(), page.nextCursor());
    }

    /**
     * For a caller the gate admitted with MANAGE_MEMBERS: step-up (a person; keys never step up), then the change and
     * its event, in the request's transaction. Only an OWNER in person touches OWNER roles (granting or taking one), never through
     * a key; the last OWNER is never demoted.
     */
    public MemberView changeRole(Caller caller, UUID userId, Role newRole) {
        UUID orgId = caller.orgId();
        if (!caller.isApiKey()) {
            recentFactor.require(caller);
        }
        return transactions.execute(s -> tenantScope.inTenant(orgId, caller.userId(), () -> {
            Role current = lockedRole(orgId, userId);
            if ((current == Role.OWNER || newRole == Role.OWNER) && !caller.may(Permission.MANAGE_OWNERS)) {
                throw new ForbiddenException(caller.cap() == null ? "Only an owner can grant or take the owner role."
                        : "An API key never grants or takes the owner role; sign in as an owner.");
            }
            if (current == Role.OWNER && newRole != Role.OWNER && otherOwners(orgId, userId) == 0) {
                throw new ConflictException("The last owner cannot be demoted; make another member owner first.");
            }
            jdbc.sql("UPDATE memberships SET role = :role WHERE tenant_id = :org AND user_id = :user")
                    .param("role", newRole.name())
                    .param("org", orgId)
                    .param("user", userId)
                    .update();
            if (current != newRole) {
                audit.callerAction(caller, AuditType.MEMBER_ROLE_CHANGED, member(userId), Map.of(ROLE, current.name()),
                        Map.of(ROLE, newRole.name()));
            }
            return view(users.profile(userId).orElseThrow(), newRole);
        }));
    }

    /**
     * Removes a member (MANAGE_MEMBERS, an owner only by an OWNER in person), or lets the caller leave (a person only).
     * The last OWNER stays. Their access ends with this transaction.
     */
    public void remove(Caller caller, UUID userId) {
        UUID orgId = caller.orgId();
        UUID actorId = caller.userId();
        boolean leaving = !caller.isApiKey() && actorId.equals(userId);
        // Leaving is always possible, even for a member who no longer meets the organisation's policy (the endpoint
        // does not enforce it). Removing another member needs MANAGE_MEMBERS, decided before the target is looked up:
        // a caller without it learns nothing about who is a member.
        if (!leaving) {
            if (!caller.may(Permission.MANAGE_MEMBERS)) {
                throw new ForbiddenException(caller.isApiKey() ? "This API key's role does not allow this."
                        : "Your role in this organisation does not allow this.");
            }
            caller.requirePolicyMet();
        }
        transactions.executeWithoutResult(s -> tenantScope.inTenant(orgId, actorId, () -> {
            Role current = lockedRole(orgId, userId);
            if (current == Role.OWNER && !leaving && !caller.may(Permission.MANAGE_OWNERS)) {
                throw new ForbiddenException(caller.cap() == null ? "Only an owner can remove an owner."
                        : "An API key never removes an owner; sign in as an owner.");
            }
            if (current == Role.OWNER && otherOwners(orgId, userId) == 0) {
                throw new ConflictException("The last owner cannot leave or be removed; make another member owner first.");
            }
            jdbc.sql("DELETE FROM memberships WHERE tenant_id = :org AND user_id = :user")
                    .param("org", orgId)
                    .param("user", userId)
                    .update();
            audit.callerAction(caller, AuditType.MEMBER_REMOVED, member(userId), Map.of(ROLE, current.name()),
                    Map.of(LEFT, leaving));
            return null;
        }));
    }

    private Role lockedRole(UUID orgId, UUID userId) {
        // Lock every owner row first, so two concurrent demotions cannot both see "another owner remains".
        jdbc.sql("SELECT user_id FROM memberships WHERE tenant_id = :org AND role = 'OWNER' FOR UPDATE")
                .param("org", orgId)
                .query(UUID.class)
                .list();
        return jdbc.sql("SELECT role FROM memberships WHERE tenant_id = :org AND user_id = :user FOR UPDATE")
                .param("org", orgId)
                .param("user", userId)
                .query(String.class)
                .optional()
                .map(Role::valueOf)
                .orElseThrow(() -> new NotFoundException("There is no such member."));
    }

    private long otherOwners(UUID orgId, UUID userId) {
        return jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = :org AND role = 'OWNER' AND user_id <> :user")
                .param("org", orgId)
                .param("user", userId)
                .query(Long.class)
                .single();
    }

    private static Entity member(UUID userId) {
        return Entity.of("member", userId);
    }

    private static MemberView view(Profile profile, Role role) {
        return new MemberView(profile.id(), profile.email(), profile.name(), role);
    }
}
