/**
 * Single sign-on per organisation through OpenID Connect (docs/sso.md): each organisation's client at its identity
 * provider (the secret under the organisation's keys), its email domains proven by a DNS TXT record, the sign-in flow
 * (authorization code with PKCE, state bound to the browser, nonce; the ID token checked against the provider's keys),
 * accounts made or linked by the provider's issuer and subject, and the enforcement that refuses passwords for an
 * enforcing organisation's domains ({@link dev.bulwark.identity.SsoEnforcement}). Discovery, tokens and keys come
 * through egress. Depends on identity (accounts, sessions), access, audit, keys, tenancy, egress, web and shared.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "identity", "egress", "web"})
package dev.bulwark.sso;
