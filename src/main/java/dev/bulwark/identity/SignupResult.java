package dev.bulwark.identity;

import java.util.UUID;

/** The account and organisation a signup created. */
public record SignupResult(UUID userId, UUID organisationId) {
}
