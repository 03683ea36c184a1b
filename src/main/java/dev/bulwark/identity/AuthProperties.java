package dev.bulwark.identity;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in, tokens, sessions and lockout.
 *
 * @param issuer             the {@code iss} of access tokens; set it per environment
 * @param audience           the {@code aud} of access tokens; set it per environment
 * @param signingAlgorithm   how access tokens are signed: ES256, or RS256, or HS256 (a shared secret, never published)
 * @param accessTokenTtl     how long an access token is valid (1 minute to 1 hour)
 * @param sessionIdleTtl     a session ends when its refresh token is unused this long
 * @param sessionAbsoluteTtl a session ends this long after sign-in in any case
 * @param keyDir             where the token signing keys live (mode 600)
 * @param stepUpWindow       sensitive actions need a factor verified this recently (signing in counts)
 * @param lockout            the per-email lockout after failed sign-ins
 */
@ConfigurationProperties("bulwark.auth")
public record AuthProperties(
        @DefaultValue("http://localhost:8080") String issuer,
        @DefaultValue("bulwark-api") String audience,
        @DefaultValue("ES256") SigningAlgorithm signingAlgorithm,
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("24h") Duration sessionIdleTtl,
        @DefaultValue("14d") Duration sessionAbsoluteTtl,
        @DefaultValue("./var/keys") Path keyDir,
        @DefaultValue("10m") Duration stepUpWindow,
        @DefaultValue Lockout lockout) {

    /** How access tokens are signed. */
    public enum SigningAlgorithm {
        ES256, RS256, HS256
    }

    /**
     * Consecutive failures per email before a lock, and how long locks last (doubling from first to max).
     *
     * @param threshold consecutive failed sign-ins of one email address that lock it
     * @param firstLock how long the first lock lasts; each further lock doubles it
     * @param maxLock   the longest a lock lasts
     */
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
