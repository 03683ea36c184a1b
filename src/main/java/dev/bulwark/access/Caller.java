package dev.bulwark.access;

import java.util.UUID;

import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;

/**
 * Who makes an organisation-scoped request, as checked by {@link Requires}. A person acts with their own role; an
 * API key acts for its creator, with the creator's live role capped by the key's role ({@code cap}), so a key never
 * does more than its creator could do right now. {@code userId} is the acting person (the creator, for a key).
 *
 * @param sessionId    the person's session (null for a key)
 * @param cap          the key's role (null for a person)
 * @param apiKeyId     the key (null for a person)
 * @param projectScope the one project a scoped key reaches (null: the whole organisation)
 */
public record Caller(UUID orgId, UUID userId, UUID sessionId, Role role, Role cap, UUID apiKeyId, UUID projectScope) {

    public static Caller person(UUID orgId, UUID userId, UUID sessionId, Role role) {
        return new Caller(orgId, userId, sessionId, role, null, null, null);
    }

    public boolean isApiKey() {
        return apiKeyId != null;
    }

    /**
     * Whether this caller holds {@code permission}: the role grants it and, for a key, the key's role too, and the
     * permission is one keys may hold at all ({@link Permission#heldByKeys()}).
     */
    public boolean may(Permission permission) {
        return permission.grantedTo(role, cap);
    }
}
