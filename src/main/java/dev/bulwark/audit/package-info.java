/**
 * The tamper-evident audit log: per-tenant hash chains (docs/audit-chain.md), verification, query and export, and
 * {@link dev.bulwark.audit.Audited}, every state-changing endpoint's declaration of the events it records. Depends on
 * access (its endpoints are guarded; {@link dev.bulwark.audit.Actor#of} reads a caller), tenancy, keys (payloads are
 * encrypted) and shared, so every module above access may record.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "web"})
package dev.bulwark.audit;
