package dev.bulwark.trust.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.identity.MfaStatus;
import dev.bulwark.identity.PasskeyProperties;
import dev.bulwark.identity.PasswordHashingParameters;
import dev.bulwark.trust.Check;
import dev.bulwark.web.TlsProbe;

import static dev.bulwark.trust.internal.Controls.map;

/**
 * The verdicts of the checks that judge configuration and the application's own answers, as pure functions of what
 * was read, so each one is tested failing as well as passing (ConfigChecksTest).
 */
final class ConfigChecks {

    static final List<String> HEADERS = List.of("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
            "Referrer-Policy", "Cross-Origin-Resource-Policy", "Cross-Origin-Opener-Policy", "Permissions-Policy");

    /** A budget above this many requests a minute limits nothing in practice. */
    static final int UNLIMITED = 1_000_000;

    static Check.Result rootKey(String form) {
        Map<String, Object> evidence = map("rootKey", form);
        return form.equals("LOCAL_UNSEALED") ? Check.Result.fail(evidence) : Check.Result.pass(evidence);
    }

    static Check.Result passwordHashing(PasswordHashingParameters p) {
        Map<String, Object> evidence = map("algorithm", p.algorithm(), "memoryKiB", p.memoryKiB(), "iterations", p.iterations(),
                "parallelism", p.parallelism());
        return p.algorithm().equals("argon2id") && p.memoryKiB() >= 19_456 && p.iterations() >= 2
                ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /**
     * Second factors work: the authenticator-app factor passes its live exercise, and passkeys have a relying party
     * whose origins are HTTPS (plain HTTP only on the loopback host) on the relying party's domain.
     */
    static Check.Result mfa(MfaStatus.TotpSelfTest totp, PasskeyProperties passkeys) {
        List<String> badOrigins = passkeys.origins().stream().filter(o -> !originFits(o, passkeys.rpId())).toList();
        Map<String, Object> evidence = map("authenticatorApp", map("rfc6238Vector", totp.rfcVector(),
                        "currentCodeAccepted", totp.currentCodeAccepted(), "replayRefused", totp.replayRefused(),
                        "wrongCodeRefused", totp.wrongCodeRefused()),
                "passkeys", map("relyingParty", passkeys.rpId(), "origins", passkeys.origins(), "originsRefused", badOrigins),
                "organisationsMayRequire", true);
        return totp.passed() && !passkeys.rpId().isBlank() && !passkeys.origins().isEmpty() && badOrigins.isEmpty()
                ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    private static boolean originFits(String origin, String rpId) {
        try {
            java.net.URI uri = java.net.URI.create(origin);
            String host = uri.getHost();
            if (host == null || uri.getPath() != null && !uri.getPath().isEmpty()) {
                return false;
            }
            boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
            boolean secure = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback;
            return secure && (host.equals(rpId) || host.endsWith("." + rpId));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static Check.Result lockout(AuthProperties.Lockout lockout) {
        Map<String, Object> evidence = map("threshold", lockout.threshold(), "firstLock", lockout.firstLock().toString(),
                "maxLock", lockout.maxLock().toString());
        return lockout.threshold() >= 1 && lockout.threshold() <= 10 && lockout.firstLock().compareTo(Duration.ofSeconds(30)) >= 0
                ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    static Check.Result accessTokens(AuthProperties.SigningAlgorithm algorithm, Duration lifetime) {
        Map<String, Object> evidence = map("algorithm", algorithm.name(), "lifetime", lifetime.toString());
        return algorithm != AuthProperties.SigningAlgorithm.HS256 && lifetime.compareTo(Duration.ofMinutes(15)) <= 0
                ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    static Check.Result enforcerRan(Optional<Instant> lastFinished, Duration interval, Instant now) {
        Map<String, Object> evidence = map("lastFinished", lastFinished.map(Instant::toString).orElse("never"), "interval",
                interval.toString());
        return lastFinished.isPresent() && lastFinished.get().isAfter(now.minus(interval.multipliedBy(2)))
                ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /**
     * The running HTTPS connector: Tomcat enabled TLS 1.3 and 1.2 only with forward-secret AEAD suites, a client's first
     * choice gets TLS 1.3, TLS 1.2 gets such a suite, and a TLS 1.2 client offering only other suites is refused.
     */
    static Check.Result tls(Optional<TlsProbe.Observed> observed) {
        if (observed.isEmpty()) {
            return Check.Result.notConfigured(map("reason", "TLS is terminated in front of the application (bulwark.tls.enabled=false)"));
        }
        TlsProbe.Observed o = observed.get();
        List<String> badProtocols = o.enabledProtocols().stream().filter(p -> !List.of("TLSv1.3", "TLSv1.2").contains(p)).toList();
        List<String> badCiphers = o.enabledCiphers().stream().filter(c -> !TlsProbe.forwardSecretAead(c)).toList();
        boolean preferred = o.preferred().completed() && "TLSv1.3".equals(o.preferred().protocol());
        boolean tls12 = o.tls12().completed() && TlsProbe.forwardSecretAead(o.tls12().suite());
        boolean weakRefused = o.weak() == null || !o.weak().completed();
        Map<String, Object> evidence = map("port", o.port(), "enabledProtocols", o.enabledProtocols(),
                "enabledCiphers", o.enabledCiphers(), "preferredHandshake", describe(o.preferred()),
                "tls12Handshake", describe(o.tls12()), "weakSuitesOffered", o.weakOffered().size(),
                "weakHandshake", o.weak() == null ? "not offered: this client has no weak suite enabled" : describe(o.weak()));
        boolean pinned = !o.enabledProtocols().isEmpty() && !o.enabledCiphers().isEmpty() && badProtocols.isEmpty() && badCiphers.isEmpty();
        return pinned && preferred && tls12 && weakRefused ? Check.Result.pass(evidence)
                : Check.Result.fail(evidence);
    }

    private static String describe(TlsProbe.Handshake h) {
        return h.completed() ? h.protocol() + " " + h.suite() : "refused (" + h.refusal() + ")";
    }

    static Check.Result rateLimits(RateLimitProperties limits, int signInPerAddress) {
        Map<String, Object> evidence = map("userPerMinute", limits.userPerMinute(), "apiKeyPerMinute", limits.apiKeyPerMinute(),
                "organisationPerMinute", limits.organisationPerMinute(), "signInPerAddressPerMinute", signInPerAddress,
                "store", limits.store().name());
        // Zero is refused at start; a budget in the millions a minute is a limit switched off in all but name.
        int loosest = Math.max(Math.max(limits.userPerMinute(), limits.apiKeyPerMinute()),
                Math.max(limits.organisationPerMinute(), signInPerAddress));
        return loosest <= UNLIMITED ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /** The security headers of one of the application's own answers. */
    static Check.Result headers(int status, HttpHeaders headers) {
        List<String> missing = HEADERS.stream().filter(h -> headers.firstValue(h).isEmpty()).toList();
        boolean banner = headers.firstValue("Server").isPresent() || headers.firstValue("X-Powered-By").isPresent();
        Map<String, Object> evidence = map("url", "/actuator/health", "status", status, "missing", missing, "banner", banner,
                "contentSecurityPolicy", headers.firstValue("Content-Security-Policy").orElse(""));
        return missing.isEmpty() && !banner ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /** The security.txt the application serves: a contact, and an expiry more than 30 days ahead. */
    static Check.Result securityTxt(int status, String body, Instant now) {
        String expires = body.lines().filter(l -> l.startsWith("Expires: ")).map(l -> l.substring(9).strip()).findFirst().orElse(null);
        boolean contact = body.lines().anyMatch(l -> l.startsWith("Contact: "));
        Instant until;
        try {
            until = expires == null ? null : OffsetDateTime.parse(expires).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            until = null;
        }
        Map<String, Object> evidence = map("status", status, "expires", expires == null ? "missing" : expires, "contact", contact);
        return status == 200 && contact && until != null && until.isAfter(now.plus(Duration.ofDays(30)))
                ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /**
     * Checkpoints are fresh when no chain's oldest unsigned event waited more than three checkpoint intervals.
     * {@code waiting}: per chain behind its checkpoint, when its oldest unsigned event occurred.
     */
    static Check.Result checkpointsFresh(Map<java.util.UUID, Instant> waiting, Duration interval, Instant now) {
        Instant bound = now.minus(interval.multipliedBy(3));
        List<Instant> late = waiting.values().stream().filter(at -> at.isBefore(bound)).sorted().toList();
        // Public evidence: how many chains, never which organisations.
        Map<String, Object> evidence = map("chainsBehind", waiting.size(), "interval", interval.toString(), "late", late.size(),
                "oldestLateSince", late.isEmpty() ? "none" : late.getFirst().toString());
        return late.isEmpty() ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /** An organisation's data key is overdue when its primary has served longer than {@code maxAge}; since when, if so. */
    static java.util.Optional<String> keyOverdue(Instant since, Duration maxAge, Instant now) {
        return since.isBefore(now.minus(maxAge)) ? java.util.Optional.of("primary since " + since) : java.util.Optional.empty();
    }

    private ConfigChecks() {
    }
}
