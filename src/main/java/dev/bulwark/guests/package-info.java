/**
 * The guest portal (docs/guests.md): guests of a project invited by its members, magic links mailed to them (stored as
 * hashes, valid ten minutes, used once, consumed only by the confirmation page's POST), guest sessions (a cookie in one
 * browser, revocable at once) that read the project's effective documents and nothing else. Guests act in the audit
 * chain as actors of their own type. Depends on access, audit, identity (mail), keys (the sealed address), tenancy,
 * web (the page's nonce, the public origin), workspace (the effective documents) and shared.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "identity", "web", "workspace"})
package dev.bulwark.guests;
