package dev.bulwark.workspace;

import java.util.UUID;

/**
 * Published (as a Spring application event, in the changing transaction) when a contact of {@code org} is created,
 * changed, deleted or erased: for caches built from the organisation's contacts, such as the AI gateway's matcher of
 * known people. Another instance learns nothing from it; such caches also expire on their own.
 */
public record ContactsChanged(UUID org) {
}
