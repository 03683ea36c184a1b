/** The tamper-evident audit log: per-tenant hash chains (docs/audit-chain.md), verification, query and export. Depends on tenancy, keys (payloads are encrypted) and shared, so every other module may record. */
package dev.bulwark.audit;
