/**
 * Electronic signatures (21 CFR Part 11; docs/signatures.md): the signing ceremony with re-authentication, the
 * append-only signature records bound to a document version's SHA-256, the approvals promotion needs, each
 * organisation's seal key and the sealed evidence PDF.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "identity", "workspace", "verifier"})
package dev.bulwark.signatures;
