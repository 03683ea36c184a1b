package dev.bulwark.tenancy;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What a role may do in its organisation: CONTRACT.md's role table, in one place. */
public enum Permission {
    READ_ORGANISATION(Role.VIEWER, Role.MEMBER, Role.ADMIN, Role.OWNER, Role.AUDITOR),
    READ_WORKSPACE(Role.VIEWER, Role.MEMBER, Role.ADMIN, Role.OWNER, Role.AUDITOR),
    WRITE_WORKSPACE(Role.MEMBER, Role.ADMIN, Role.OWNER),
    MANAGE_MEMBERS(Role.ADMIN, Role.OWNER),
    MANAGE_API_KEYS(Role.ADMIN, Role.OWNER),
    MANAGE_RETENTION(Role.ADMIN, Role.OWNER),
    READ_AUDIT(Role.ADMIN, Role.OWNER, Role.AUDITOR),
    PRIVACY_REQUESTS(Role.OWNER),
    EXPORT_ORGANISATION(Role.OWNER),
    DELETE_ORGANISATION(Role.OWNER),
    MANAGE_OWNERS(Role.OWNER),
    MANAGE_KEYS(Role.OWNER),
    MANAGE_SECURITY_POLICY(Role.OWNER);

    private final Set<Role> roles;

    Permission(Role first, Role... rest) {
        this.roles = EnumSet.of(first, rest);
    }

    public boolean grantedTo(Role role) {
        return roles.contains(role);
    }

    /** The roles granted this permission, in the order of {@link Role}. */
    public Set<Role> roles() {
        return Collections.unmodifiableSet(roles);
    }
}
