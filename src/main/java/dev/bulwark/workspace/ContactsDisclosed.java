package dev.bulwark.workspace;

import java.util.List;
import java.util.UUID;

/**
 * Published synchronously, inside the reading transaction, once per request that returned contacts' personal data:
 * which organisation, who read, and exactly the contacts returned. The one observation point of contact reads.
 */
public record ContactsDisclosed(UUID orgId, UUID userId, List<UUID> contactIds) {
}
