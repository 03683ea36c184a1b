package dev.bulwark.access;

import java.util.UUID;

import dev.bulwark.tenancy.Role;

/** An authenticated API key: its organisation, its creator, its role and optional project scope. */
public record ApiKeyPrincipal(UUID keyId, UUID orgId, UUID creatorId, Role role, UUID projectId) {
}
