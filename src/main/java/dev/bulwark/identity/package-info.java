/**
 * Who you are (docs/authentication.md): accounts, sign-up, sign-in, access tokens, sessions, lockout, second factors
 * (TOTP, passkeys), step-up, passwords, email verification and mail through an outbox. Depends on apikeys (taking an
 * account back revokes its keys), access, audit, keys, tenancy and shared.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "apikeys"})
package dev.bulwark.identity;
