package dev.bulwark.identity.internal;

import java.util.Optional;
import java.util.UUID;

import dev.bulwark.identity.Profile;
import dev.bulwark.tenancy.MemberRequirement;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.stereotype.Component;

/** What identity knows for an organisation's policy: whether a member has a second factor and a verified email. */
@Component
class PolicyRequirements implements MemberRequirement {

    private final SecondFactors factors;
    private final Users users;
    private final TenantScope tenantScope;

    PolicyRequirements(SecondFactors factors, Users users, TenantScope tenantScope) {
        this.factors = factors;
        this.users = users;
        this.tenantScope = tenantScope;
    }

    @Override
    public Optional<String> unmet(UUID userId, OrganisationPolicy policy) {
        if (policy.requireMfa() && !tenantScope.asUser(userId, () -> factors.anyEnabled(userId))) {
            return Optional.of("This organisation requires two-factor authentication: enrol it at /api/v1/me/mfa/totp.");
        }
        if (policy.requireVerifiedEmail() && !users.profile(userId).map(Profile::emailVerified).orElse(false)) {
            return Optional.of("This organisation requires a verified email address: use the link we mailed you.");
        }
        return Optional.empty();
    }
}
