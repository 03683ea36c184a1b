package dev.bulwark.tenancy;

import java.time.Duration;

/**
 * What an organisation requires of its members, how recent a factor its sensitive actions need, and how long its
 * API keys may live (null: no cap).
 */
public record OrganisationPolicy(boolean requireMfa, boolean requireVerifiedEmail, Duration stepUpWindow,
                                 Integer apiKeyMaxLifetimeDays) {

    public static final OrganisationPolicy DEFAULT = new OrganisationPolicy(false, false, Duration.ofMinutes(10), null);
}
