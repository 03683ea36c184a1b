package dev.bulwark.identity.internal;

import java.util.UUID;

import dev.bulwark.access.RecentFactor;
import dev.bulwark.tenancy.Memberships;
import org.springframework.stereotype.Component;

/** Step-up for the access module: the session's last verified factor, within the organisation's own window. */
@Component
class OrganisationStepUp implements RecentFactor {

    private final AuthService auth;
    private final Memberships memberships;

    OrganisationStepUp(AuthService auth, Memberships memberships) {
        this.auth = auth;
        this.memberships = memberships;
    }

    @Override
    public void require(UUID orgId, UUID userId, UUID sessionId) {
        auth.requireRecentFactor(userId, sessionId, memberships.policy(orgId).stepUpWindow());
    }
}
