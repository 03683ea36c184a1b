package dev.bulwark.access;

/**
 * Step-up, as the access module needs it (creating an API key is a sensitive action): implemented by identity, which
 * owns sessions and factors. Throws the step-up problem unless the session verified a factor recently enough for the
 * organisation's policy.
 */
public interface RecentFactor {

    /** Step-up for {@code caller}, a person: within the step-up window of the policy the gate read. */
    void require(Caller caller);
}
