package dev.bulwark.tenancy;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What a role may do in its organisation: the role table of docs/api.md, in one place. */
public enum Permission {
    READ_ORGANISATION(Role.VIEWER, Role.MEMBER, Role.ADMIN, Role.OWNER, Role.AUDITOR),
    READ_WORKSPACE(Role.VIEWER, Role.MEMBER, Role.ADMIN, Role.OWNER, Role.AUDITOR),
    WRITE_WORKSPACE(Role.MEMBER, Role.ADMIN, Role.OWNER),
    MANAGE_MEMBERS(Role.ADMIN, Role.OWNER),
    MANAGE_API_KEYS(Role.ADMIN, Role.OWNER),
    MANAGE_RETENTION(Role.ADMIN, Role.OWNER),
    MANAGE_WEBHOOKS(Role.ADMIN, Role.OWNER),
    READ_AUDIT(Role.ADMIN, Role.OWNER, Role.AUDITOR),
    PRIVACY_REQUESTS(Role.OWNER),
    EXPORT_ORGANISATION(Role.OWNER),
    DELETE_ORGANISATION(Role.OWNER),
    MANAGE_OWNERS(Role.OWNER),
    MANAGE_KEYS(Role.OWNER),
    MANAGE_SECURITY_POLICY(Role.OWNER),
    USE_AI(Role.MEMBER, Role.ADMIN, Role.OWNER),
    MANAGE_AI(Role.ADMIN, Role.OWNER),
    MANAGE_AI_KEYS(Role.OWNER),
    MANAGE_SSO(Role.OWNER);

    private final Set<Role> roles;

    Permission(Role first, Role... rest) {
        this.roles = EnumSet.of(first, rest);
    }

    public boolean grantedTo(Role role) {
        return roles.contains(role);
    }

    /**
     * Whether an API key may hold this at all, whatever its role (docs/api.md): a key never grants or removes
     * the OWNER role, never changes the organisation's security policy or its keys. A leaked key must not be able to
     * lock the owners out, weaken the policy that protects them, or take the organisation's data keys away. Nor does a
     * key change where the organisation's data may be sent (the AI policy, the organisation's own provider keys): a
     * leaked key must not be able to route prompts to a provider account its holder reads. A new permission over
     * owners, the policy, single sign-on, keys or where data goes belongs in this list.
     */
    public boolean heldByKeys() {
        return switch (this) {
            case MANAGE_OWNERS, MANAGE_KEYS, MANAGE_SECURITY_POLICY, MANAGE_AI, MANAGE_AI_KEYS, MANAGE_SSO -> false;
            default -> true;
        };
    }

    /** Whether a member of {@code role} holds this, in person ({@code keyRole} null) or through a key of {@code keyRole}. */
    public boolean grantedTo(Role role, Role keyRole) {
        return grantedTo(role) && (keyRole == null || heldByKeys() && grantedTo(keyRole));
    }

    /** The roles granted this permission, in the order of {@link Role}. */
    public Set<Role> roles() {
        return Collections.unmodifiableSet(roles);
    }
}
