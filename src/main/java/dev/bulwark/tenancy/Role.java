package dev.bulwark.tenancy;

/** A member's (or an API key's) role in one organisation; CONTRACT.md's role table gives each its permissions. */
public enum Role {
    OWNER,
    ADMIN,
    MEMBER,
    VIEWER,
    AUDITOR
}
