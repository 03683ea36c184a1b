package dev.bulwark.tenancy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Who belongs to which organisation, and the access rule of every org-scoped request: an organisation the caller
 * is not a member of does not exist for them (404); a member without the permission is refused (403). Read live
 * from the database on every request, so a removal or role change takes effect on the very next one. Members are
 * listed, changed and removed by the organisations module.
 */
@Service
public class Memberships {

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
}
