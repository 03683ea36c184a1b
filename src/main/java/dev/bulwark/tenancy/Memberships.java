package dev.bulwark.tenancy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Who belongs to which organisation, and the access rule of every org-scoped request: an organisation the caller
 * is not a member of does not exist for them (404); a member without the permission is refused (403). Read live
 * from the database on every request, so a removal or role change takes effect on the very next one.
 */
@Service
public class Memberships {

    /** One member of an organisation. */
    public record Member(UUID userId, Role role) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final List<MemberRequirement> requirements;

    Memberships(JdbcClient jdbc, TenantScope tenantScope, List<MemberRequirement> requirements) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.requirements = requirements;
    }

    /** The organisation's policy (the defaults when it never set one). Callers check membership first. */
    public OrganisationPolicy policy(UUID orgId) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("""
                        SELECT require_mfa, require_verified_email, step_up_window_seconds, api_key_max_lifetime_days
                        FROM organisation_policies WHERE tenant_id = :org
                        """)
                .param("org", orgId)
                .query((rs, n) -> new OrganisationPolicy(rs.getBoolean(1), rs.getBoolean(2), Duration.ofSeconds(rs.getInt(3)),
                        rs.getObject(4, Integer.class)))
                .optional()
                .orElse(OrganisationPolicy.DEFAULT));
    }

    /** Replaces the organisation's policy. */
    public void setPolicy(UUID orgId, UUID actorId, OrganisationPolicy policy) {
        tenantScope.inTenant(orgId, actorId, () -> jdbc.sql("""
                        INSERT INTO organisation_policies (tenant_id, require_mfa, require_verified_email, step_up_window_seconds,
                                                           api_key_max_lifetime_days, updated_at, updated_by)
                        VALUES (:org, :mfa, :verified, :window, :keyDays, now(), :actor)
                        ON CONFLICT (tenant_id) DO UPDATE SET require_mfa = :mfa, require_verified_email = :verified,
                            step_up_window_seconds = :window, api_key_max_lifetime_days = :keyDays, updated_at = now(),
                            updated_by = :actor
                        """)
                .param("org", orgId)
                .param("mfa", policy.requireMfa())
                .param("verified", policy.requireVerifiedEmail())
                .param("window", (int) policy.stepUpWindow().toSeconds())
                .param("keyDays", policy.apiKeyMaxLifetimeDays(), java.sql.Types.INTEGER)
                .param("actor", actorId)
                .update());
    }

    public Optional<Role> roleOf(UUID orgId, UUID userId) {
        return tenantScope.inTenant(orgId, userId, () -> jdbc.sql("""
                        SELECT m.role FROM memberships m JOIN organisations o ON o.id = m.tenant_id AND o.disabled_at IS NULL
                        WHERE m.tenant_id = :org AND m.user_id = :user
                        """)
                .param("org", orgId)
                .param("user", userId)
                .query(String.class)
                .optional()
                .map(Role::valueOf));
    }

    /**
     * The caller's role in {@code orgId} if it grants {@code permission} and the caller meets the organisation's
     * policy (MFA, verified email); 404 for non-members, 403 otherwise. One query reads the role and the policy.
     */
    public Role require(UUID orgId, UUID userId, Permission permission) {
        return require(orgId, userId, permission, false);
    }

    /**
     * As {@link #require(UUID, UUID, Permission)}; an organisation whose deletion is pending answers 404 unless
     * {@code whileDeletionPending} (cancelling the deletion).
     */
    public Role require(UUID orgId, UUID userId, Permission permission, boolean whileDeletionPending) {
        record Access(Role role, OrganisationPolicy policy) {
        }
        Access access = tenantScope.inTenant(orgId, userId, () -> jdbc.sql("""
                        SELECT m.role, coalesce(p.require_mfa, false), coalesce(p.require_verified_email, false),
                               coalesce(p.step_up_window_seconds, :defaultWindow), p.api_key_max_lifetime_days
                        FROM memberships m LEFT JOIN organisation_policies p ON p.tenant_id = m.tenant_id
                        JOIN organisations o ON o.id = m.tenant_id AND o.purged_at IS NULL
                        WHERE m.tenant_id = :org AND m.user_id = :user AND (o.disabled_at IS NULL OR :whileDeleting)
                        """)
                .param("org", orgId)
                .param("user", userId)
                .param("whileDeleting", whileDeletionPending)
                .param("defaultWindow", (int) OrganisationPolicy.DEFAULT.stepUpWindow().toSeconds())
                .query((rs, n) -> new Access(Role.valueOf(rs.getString(1)),
                        new OrganisationPolicy(rs.getBoolean(2), rs.getBoolean(3), Duration.ofSeconds(rs.getInt(4)),
                                rs.getObject(5, Integer.class))))
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such organisation.")));
        if (!permission.grantedTo(access.role())) {
            throw new ForbiddenException("Your role in this organisation does not allow this.");
        }
        for (MemberRequirement requirement : requirements) {
            requirement.unmet(userId, access.policy()).ifPresent(reason -> {
                throw new ForbiddenException(reason);
            });
        }
        return access.role();
    }

    /** One page of the organisation's members, oldest membership first. */
    public Page<Member> list(UUID orgId, UUID actorId, PageRequest request) {
        record Row(Member member, PageRequest.Position position) {
        }
        return tenantScope.inTenant(orgId, actorId, () -> request.fetch(jdbc.sql("""
                        SELECT user_id, role, created_at FROM memberships
                        WHERE tenant_id = :org AND (created_at, user_id) > (:afterAt, :afterId)
                        ORDER BY created_at, user_id LIMIT :limit
                        """)
                .param("org", orgId),
                (rs, n) -> new Row(new Member(rs.getObject("user_id", UUID.class), Role.valueOf(rs.getString("role"))),
                        new PageRequest.Position(rs.getTimestamp("created_at").toInstant(), rs.getObject("user_id", UUID.class))),
                Row::position, Row::member));
    }

    /**
     * Gives {@code userId} a new role, as {@code actorId} (MANAGE_MEMBERS), whose rights are capped by {@code cap}
     * when they act through an API key (null: no cap). Only an OWNER in person touches OWNER roles (granting or
     * taking one), never through a key; the last OWNER is never demoted. Returns the previous role.
     */
    public Role changeRole(UUID orgId, UUID actorId, Role cap, UUID userId, Role newRole) {
        return tenantScope.inTenant(orgId, actorId, () -> {
            Role current = lockedRole(orgId, userId);
            Role actorRole = actorRole(orgId, actorId, cap, Permission.MANAGE_MEMBERS);
            if ((current == Role.OWNER || newRole == Role.OWNER) && !Permission.MANAGE_OWNERS.grantedTo(actorRole, cap)) {
                throw new ForbiddenException(cap == null ? "Only an owner can grant or take the owner role."
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
            return current;
        });
    }

    /**
     * Removes {@code userId} as {@code actorId} (MANAGE_MEMBERS, capped by {@code cap} for an API key), or lets a
     * member leave (actor = user, in person). The last OWNER stays; only an OWNER in person removes an owner.
     */
    public Role remove(UUID orgId, UUID actorId, Role cap, UUID userId) {
        return tenantScope.inTenant(orgId, actorId, () -> {
            Role current = lockedRole(orgId, userId);
            boolean leaving = cap == null && actorId.equals(userId);
            Role actorRole = leaving ? current : actorRole(orgId, actorId, cap, Permission.MANAGE_MEMBERS);
            if (current == Role.OWNER && !leaving && !Permission.MANAGE_OWNERS.grantedTo(actorRole, cap)) {
                throw new ForbiddenException(cap == null ? "Only an owner can remove an owner."
                        : "An API key never removes an owner; sign in as an owner.");
            }
            if (current == Role.OWNER && otherOwners(orgId, userId) == 0) {
                throw new ConflictException("The last owner cannot leave or be removed; make another member owner first.");
            }
            jdbc.sql("DELETE FROM memberships WHERE tenant_id = :org AND user_id = :user")
                    .param("org", orgId)
                    .param("user", userId)
                    .update();
            return current;
        });
    }

    /** The actor's role, read (and locked) inside the changing transaction, so it cannot be stale or supplied. */
    private Role actorRole(UUID orgId, UUID actorId, Role cap, Permission needed) {
        Role role = jdbc.sql("SELECT role FROM memberships WHERE tenant_id = :org AND user_id = :user FOR SHARE")
                .param("org", orgId)
                .param("user", actorId)
                .query(String.class)
                .optional()
                .map(Role::valueOf)
                .orElseThrow(() -> new NotFoundException("There is no such organisation."));
        if (!needed.grantedTo(role, cap)) {
            throw new ForbiddenException("Your role in this organisation does not allow this.");
        }
        return role;
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
}
