package dev.bulwark.identity.internal;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import org.springframework.stereotype.Component;

/** Step-up for the access module: the session's last verified factor, within the organisation's own window. */
@Component
class OrganisationStepUp implements RecentFactor {

    private final AuthService auth;

    OrganisationStepUp(AuthService auth) {
        this.auth = auth;
    }

    @Override
    public void require(Caller caller) {
        auth.requireRecentFactor(caller.userId(), caller.sessionId(), caller.policy().stepUpWindow());
    }
}
