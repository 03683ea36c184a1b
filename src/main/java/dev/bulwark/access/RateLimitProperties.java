package dev.bulwark.access;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Request budgets per minute, after authentication: per signed-in user, per API key, and per organisation (all its
 * users and keys together). Sign-in, signup and other anonymous paths have their own per-IP budget
 * ({@code bulwark.http.auth-requests-per-minute}).
 *
 * @param userPerMinute         requests a minute per signed-in user
 * @param apiKeyPerMinute       requests a minute per API key
 * @param organisationPerMinute requests a minute per organisation, all its users and keys together
 * @param store                 where every budget's buckets live, the per-IP sign-in budget's too: {@code in-process}
 *                              or {@code postgresql} (shared by all instances)
 */
@ConfigurationProperties("bulwark.rate-limits")
public record RateLimitProperties(
        @DefaultValue("600") int userPerMinute,
        @DefaultValue("600") int apiKeyPerMinute,
        @DefaultValue("3000") int organisationPerMinute,
        @DefaultValue("in-process") Store store) {

    /** Where buckets live; docs/access-control.md weighs the two. */
    public enum Store {
        /** This instance's memory: no I/O, but n instances may let a client spend up to n budgets. */
        IN_PROCESS,
        /** PostgreSQL, shared by every instance: exact, one short transaction per budget per request. */
        POSTGRESQL
    }

    public RateLimitProperties {
        store = store == null ? Store.IN_PROCESS : store;
        if (userPerMinute < 1 || apiKeyPerMinute < 1 || organisationPerMinute < 1) {
            throw new IllegalArgumentException("bulwark.rate-limits.* must each be at least 1 a minute");
        }
    }
}
