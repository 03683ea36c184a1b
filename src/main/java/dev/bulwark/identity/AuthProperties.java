package dev.bulwark.identity;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Sign-in, tokens, sessions and lockout. */
@ConfigurationProperties("bulwark.auth")
public record AuthProperties(
        // The "iss" and "aud" of access tokens; set both per environment.
        @DefaultValue("http://localhost:8080") String issuer,
        @DefaultValue("bulwark-api") String audience,
        // ES256 by default; RS256 or HS256 (a shared secret, never published) by choice.
        @DefaultValue("ES256") SigningAlgorithm signingAlgorithm,
        @DefaultValue("15m") Duration accessTokenTtl,
        // A session ends when its refresh token is unused this long, and in any case after the absolute lifetime.
        @DefaultValue("24h") Duration sessionIdleTtl,
        @DefaultValue("14d") Duration sessionAbsoluteTtl,
        // Where the JWT signing keys live (mode 600); until the encryption work seals them under the root key.
        @DefaultValue("./var/keys") Path keyDir,
        // Sensitive actions need a factor verified this recently (signing in counts).
        @DefaultValue("10m") Duration stepUpWindow,
        @DefaultValue Lockout lockout) {

    /** How access tokens are signed. */
    public enum SigningAlgorithm {
        ES256, RS256, HS256
    }

    /** Consecutive failures per email before a lock, and how long locks last (doubling from first to max). */
    public record Lockout(
            @DefaultValue("5") int threshold,
            @DefaultValue("1m") Duration firstLock,
            @DefaultValue("1h") Duration maxLock) {
    }

    public AuthProperties {
        if (accessTokenTtl.compareTo(Duration.ofMinutes(1)) < 0 || accessTokenTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("bulwark.auth.access-token-ttl must be between 1 minute and 1 hour");
        }
        if (sessionIdleTtl.compareTo(sessionAbsoluteTtl) > 0) {
            throw new IllegalArgumentException("bulwark.auth.session-idle-ttl must not exceed session-absolute-ttl");
        }
        if (lockout.threshold() < 1 || lockout.firstLock().isNegative() || lockout.firstLock().compareTo(lockout.maxLock()) > 0) {
            throw new IllegalArgumentException("bulwark.auth.lockout: threshold >= 1 and first-lock <= max-lock");
        }
        if (issuer.isBlank() || audience.isBlank()) {
            throw new IllegalArgumentException("bulwark.auth.issuer and audience must be set");
        }
    }
}
