/**
 * Organisations as their members run them (docs/authentication.md#organisations-and-members): reading one, members and
 * their roles, invitations (and joining by one at signup, for identity through {@code InvitedSignup}), the security
 * policy and the organisation's keys; each change with its audit event in the same transaction. Depends on identity,
 * access, audit, keys, tenancy and shared; nothing depends on it.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "identity"})
package dev.bulwark.organisations;
