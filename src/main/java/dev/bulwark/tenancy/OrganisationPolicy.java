package dev.bulwark.tenancy;

import java.time.Duration;

/** What an organisation requires of its members, and how recent a factor its sensitive actions need. */
public record OrganisationPolicy(boolean requireMfa, boolean requireVerifiedEmail, Duration stepUpWindow) {

    public static final OrganisationPolicy DEFAULT = new OrganisationPolicy(false, false, Duration.ofMinutes(10));
}
