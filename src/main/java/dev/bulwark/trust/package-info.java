/**
 * The trust center (docs/trust-center.md): controls, each a claim backed by checks that run against the live system,
 * their results with the time they were checked, and what is published from them. Reads every other module through
 * its public types.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "identity", "privacy", "web", "egress", "webhooks", "recovery", "ai", "guests", "sso", "signatures"})
package dev.bulwark.trust;
