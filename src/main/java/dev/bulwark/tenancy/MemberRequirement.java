package dev.bulwark.tenancy;

import java.util.Optional;
import java.util.UUID;

/**
 * A condition an organisation's policy may put on its members, checked on every org-scoped request. Implemented by
 * the module that knows the fact (identity knows who has MFA or a verified email), so tenancy needs no dependency on it.
 */
public interface MemberRequirement {

    /** Why {@code userId} may not act in an organisation with {@code policy} now, or empty when they may. */
    Optional<String> unmet(UUID userId, OrganisationPolicy policy);
}
