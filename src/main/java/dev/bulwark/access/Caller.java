package dev.bulwark.access;

import java.util.UUID;

import dev.bulwark.tenancy.Role;

/**
 * Who makes an organisation-scoped request, as checked by {@link Requires}: the organisation of the path, the acting
 * user, and their role there when the check ran.
 */
public record Caller(UUID orgId, UUID userId, Role role) {
}
