/**
 * API keys as an organisation manages them (docs/access-control.md#api-keys): creation, listing, revocation, bulk
 * revocation of a creator's keys ({@link dev.bulwark.apikeys.CreatorKeys}) and leak reports, each change with its
 * audit event in the same transaction. Authentication by key stays in access. Depends on access, audit, tenancy and
 * shared.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "access", "audit"})
package dev.bulwark.apikeys;
