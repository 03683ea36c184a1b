/** The tamper-evident audit log: per-tenant hash chains (docs/audit-chain.md), verification, query and export. Depends on tenancy and shared only, so every other module may record. */
package dev.bulwark.audit;
