package dev.bulwark.access;

import java.util.UUID;

/**
 * Step-up, as the access module needs it (creating an API key is a sensitive action): implemented by identity, which
 * owns sessions and factors. Throws the step-up problem unless the session verified a factor recently enough for the
 * organisation's policy.
 */
public interface RecentFactor {

    void require(UUID orgId, UUID userId, UUID sessionId);
}
