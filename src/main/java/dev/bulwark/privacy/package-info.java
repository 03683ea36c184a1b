/**
 * Privacy and retention (docs/privacy.md): retention policies and their enforcer, legal hold, the data subject's
 * rights of access and erasure, the organisation's full export, and organisation deletion with crypto-shredding.
 * Depends on tenancy, keys, audit, workspace, access and shared.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "workspace", "web"})
package dev.bulwark.privacy;
