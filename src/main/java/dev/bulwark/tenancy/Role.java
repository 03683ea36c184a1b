package dev.bulwark.tenancy;

/** A member's (or an API key's) role in one organisation; the role table of docs/api.md gives each its permissions. */
public enum Role {
    OWNER,
    ADMIN,
    MEMBER,
    VIEWER,
    AUDITOR
}
