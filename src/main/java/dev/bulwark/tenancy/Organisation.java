package dev.bulwark.tenancy;

import java.time.Instant;
import java.util.UUID;

/** A tenant: every customer record belongs to exactly one. */
public record Organisation(UUID id, String name, Instant createdAt) {
}
