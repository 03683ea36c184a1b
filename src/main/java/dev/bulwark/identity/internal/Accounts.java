package dev.bulwark.identity.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.identity.Profile;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

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

    private final Users users;
    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final SecondFactors factors;

    Accounts(Users users, JdbcClient jdbc, TenantScope tenantScope, SecondFactors factors) {
        this.users = users;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.factors = factors;
    }

    public Me me(UUID userId) {
        Profile profile = users.profile(userId).orElseThrow(() -> new UnauthenticatedException(AuthService.INVALID_TOKEN));
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
