/**
 * Organisations as their members run them (docs/authentication.md#organisations-and-members): reading one, members and
 * their roles, invitations (and joining by one at signup, for identity through {@code InvitedSignup}), the security
 * policy and the organisation's keys; each change with its audit event in the same transaction. Depends on identity,
 * access, audit, keys, tenancy and shared; nothing depends on it.
 */
package dev.bulwark.organisations;
