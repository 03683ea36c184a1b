package dev.bulwark.trust.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.ai.AiAssurance;
import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.egress.EgressProbe;
import dev.bulwark.recovery.DrillReport;
import dev.bulwark.tenancy.DatabaseBackups;
import dev.bulwark.tenancy.DatabaseSupervision;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.identity.MfaStatus;
import dev.bulwark.identity.PasskeyProperties;
import dev.bulwark.identity.PasswordHashingParameters;
import dev.bulwark.guests.GuestAssurance;
import dev.bulwark.trust.Check;
import dev.bulwark.webhooks.WebhookSigning;
import dev.bulwark.web.HttpProperties;
import dev.bulwark.web.TlsProbe;

import static dev.bulwark.trust.internal.Controls.map;

/**
 * The verdicts of the checks that judge configuration and the application's own answers, as pure functions of what
 * was read, so each one is tested failing as well as passing (ConfigChecksTest). A configured number is judged against
 * the range a sane deployment keeps it in ({@link Bound}), never by its mere presence; docs/trust-center.md gives each
 * range its reason.
 */
final class ConfigChecks {

    static final List<String> HEADERS = List.of("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
            "Referrer-Policy", "Cross-Origin-Resource-Policy", "Cross-Origin-Opener-Policy", "Permissions-Policy");

    /** The public learns that the root key is protected; how and where it is held is for the operators. */
    static Check.Result rootKey(String form) {
        boolean protectedKey = !form.equals("LOCAL_UNSEALED");
        Map<String, Object> evidence = map("rootKeyProtected", protectedKey, "accepted",
                "a KMS key, or a local keyset sealed by a passphrase");
        return (protectedKey ? Check.Result.pass(evidence) : Check.Result.fail(evidence)).forOperators(map("rootKeyForm", form));
    }

    /**
     * Argon2id at no less than OWASP's first setting (m = 19 MiB, t = 2, p = 1), and no more than a sign-in can
     * afford under load: past 256 MiB or ten passes a burst of sign-ins becomes a denial of service.
     */
    static Check.Result passwordHashing(PasswordHashingParameters p) {
        return Bound.verdict(map("algorithm", p.algorithm()), p.algorithm().equals("argon2id"), List.of(
                Bound.count("memoryKiB", p.memoryKiB(), 19_456, 262_144),
                Bound.count("iterations", p.iterations(), 2, 10),
                Bound.count("parallelism", p.parallelism(), 1, 8),
                Bound.count("saltBytes", p.saltBytes(), 16, 64),
                Bound.count("hashBytes", p.hashBytes(), 32, 64)));
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

    /** Webhook deliveries are signed as Standard Webhooks v1 says, verified by its reference library on a canary. */
    static Check.Result webhookSigning(WebhookSigning.SelfTest test) {
        Map<String, Object> evidence = map("scheme", "Standard Webhooks v1 (HMAC-SHA256)", "verifiedWith",
                "com.standardwebhooks:standardwebhooks", "currentSecretVerifies", test.currentSecretVerifies(),
                "previousSecretVerifiesDuringRotation", test.previousSecretVerifies(), "tamperedBodyRefused",
                test.tamperedBodyRefused(), "otherSecretRefused", test.otherSecretRefused(), "noPersonalDataInBody",
                test.noPersonalData());
        return test.passed() ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /**
     * Magic links of the guest portal stored hashed, used once, and guest sessions revocable at once, as the live probe
     * on a synthetic guest of the platform organisation saw them (guests/GuestAssurance).
     */
    static Check.Result guestLinks(GuestAssurance.Probe probe) {
        Map<String, Object> evidence = map("storedValueIsNotTheToken", probe.storedNotToken(), "storedValueIsSha256OfToken",
                probe.storedIsSha256(), "linkSignsInOnce", probe.signsInOnce(), "revocationEndsSessionAtOnce",
                probe.revocationEndsSession());
        boolean passed = probe.storedNotToken() && probe.storedIsSha256() && probe.signsInOnce() && probe.revocationEndsSession();
        return passed ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /** The electronic-signature canary (docs/signatures.md): sealed evidence verifies, and every mutation is refused. */
    static Check.Result signatures(dev.bulwark.signatures.SignatureSelfTest.SelfTest test) {
        Map<String, Object> evidence = map("seal", "PAdES B-B, ECDSA P-256, the platform organisation's seal key",
                "verifiedWith", "the offline verifier (signature-verify)", "sealedEvidenceVerifies", test.sealedEvidenceVerifies(),
                "changedByteRefused", test.changedByteRefused(), "signatureMovedToAnotherVersionRefused", test.movedSignatureRefused(),
                "otherCertificateRefused", test.otherCertificateRefused());
        return test.passed() ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
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

    /**
     * A lock after at most ten failures, a first lock long enough to slow a guesser (30 s to an hour), and locks
     * that grow to between 15 minutes and a day: shorter lets a guesser through all day, longer locks the owner out.
     */
    static Check.Result lockout(AuthProperties.Lockout lockout) {
        return Bound.verdict(map(), true, List.of(
                Bound.count("bulwark.auth.lockout.threshold", lockout.threshold(), 1, 10),
                Bound.duration("bulwark.auth.lockout.first-lock", lockout.firstLock(), Duration.ofSeconds(30), Duration.ofHours(1)),
                Bound.duration("bulwark.auth.lockout.max-lock", lockout.maxLock(), Duration.ofMinutes(15), Duration.ofDays(1))));
    }

    /** An asymmetric algorithm, and a lifetime of one to fifteen minutes: a stolen token is worth little for long. */
    static Check.Result accessTokens(AuthProperties.SigningAlgorithm algorithm, Duration lifetime) {
        return Bound.verdict(map("algorithm", algorithm.name()), algorithm != AuthProperties.SigningAlgorithm.HS256, List.of(
                Bound.duration("bulwark.auth.access-token-ttl", lifetime, Duration.ofMinutes(1), Duration.ofMinutes(15))));
    }

    /**
     * A session ends after at most a day unused and 30 days in all (ASVS 5 V7.3.1, V7.3.2), and sensitive actions
     * need a factor verified within the 10 minutes of docs/api.md.
     */
    static Check.Result sessions(Duration idle, Duration absolute, Duration stepUpWindow) {
        return Bound.verdict(map(), true, List.of(
                Bound.duration("bulwark.auth.session-idle-ttl", idle, Duration.ofMinutes(5), Duration.ofDays(1)),
                Bound.duration("bulwark.auth.session-absolute-ttl", absolute, Duration.ofHours(1), Duration.ofDays(30)),
                Bound.duration("bulwark.auth.step-up-window", stepUpWindow, Duration.ofMinutes(1), Duration.ofMinutes(10))));
    }

    /** The enforcer finished within two of its intervals, and runs at least daily: retention periods are in days. */
    static Check.Result enforcerRan(Optional<Instant> lastFinished, Duration interval, Instant now) {
        boolean ran = lastFinished.isPresent() && lastFinished.get().isAfter(now.minus(interval.multipliedBy(2)));
        return Bound.verdict(map("lastFinished", lastFinished.map(Instant::toString).orElse("never")), ran, List.of(
                Bound.duration("bulwark.privacy.enforcer-interval", interval, Duration.ofMinutes(1), Duration.ofDays(1))));
    }

    /**
     * Request bodies, headers and JSON bounded, and a stalling client cut off, so one client cannot hold the server:
     * bodies up to 10 MB (exports stream out, nothing streams in), headers up to 64 KB, JSON up to 64 deep, a string
     * no longer than a body, stalls up to one (headers) and two (body) minutes.
     */
    static Check.Result requestLimits(HttpProperties http) {
        return Bound.verdict(map(), true, List.of(
                Bound.count("bulwark.http.max-body-size", http.maxBodySize().toBytes(), 1024, 10L * 1024 * 1024),
                Bound.count("bulwark.http.max-header-size", http.maxHeaderSize().toBytes(), 1024, 64L * 1024),
                Bound.count("bulwark.http.max-json-depth", http.maxJsonDepth(), 2, 64),
                Bound.count("bulwark.http.max-json-string-length", http.maxJsonStringLength(), 256, 10L * 1024 * 1024),
                Bound.duration("bulwark.http.header-timeout", http.headerTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                Bound.duration("bulwark.http.body-timeout", http.bodyTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(2))));
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

    /**
     * Every budget within a sane range: sign-in, signup and reset at most 60 a minute per address (the default in
     * docs/api.md is 30; more is a guess a second), a user or key at most 100 a second, an organisation at most 500 a
     * second (ten times the defaults). Zero is refused at start; a budget in the millions is a limit off in all but name.
     */
    static Check.Result rateLimits(RateLimitProperties limits, int signInPerAddress) {
        return Bound.verdict(map(), true, List.of(
                Bound.count("bulwark.http.auth-requests-per-minute", signInPerAddress, 1, 60),
                Bound.count("bulwark.rate-limits.user-per-minute", limits.userPerMinute(), 1, 6_000),
                Bound.count("bulwark.rate-limits.api-key-per-minute", limits.apiKeyPerMinute(), 1, 6_000),
                Bound.count("bulwark.rate-limits.organisation-per-minute", limits.organisationPerMinute(), 1, 30_000)))
                .forOperators(map("store", limits.store().name()));
    }

    /** The security headers of one of the application's own answers. */
    static Check.Result headers(int status, HttpHeaders headers) {
        List<String> missing = HEADERS.stream().filter(h -> headers.firstValue(h).isEmpty()).toList();
        boolean banner = headers.firstValue("Server").isPresent() || headers.firstValue("X-Powered-By").isPresent();
        Map<String, Object> evidence = map("url", "/actuator/health", "status", status, "missing", missing, "banner", banner,
                "contentSecurityPolicy", headers.firstValue("Content-Security-Policy").orElse(""));
        return missing.isEmpty() && !banner ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /**
     * The security.txt the application serves: a contact and a policy, and an expiry more than 30 days ahead and, as
     * RFC 9116 recommends, not more than a year (a file that never expires goes stale unnoticed). A contact or policy
     * at a placeholder address (the defaults, {@link Placeholders}) is not configured: nobody reads what is sent there.
     */
    static Check.Result securityTxt(int status, String body, Instant now) {
        String expires = field(body, "Expires");
        List<String> contacts = body.lines().filter(l -> l.startsWith("Contact: ")).map(l -> l.substring(9).strip()).toList();
        String policy = field(body, "Policy");
        Instant until;
        try {
            until = expires == null ? null : OffsetDateTime.parse(expires).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            until = null;
        }
        boolean placeholder = contacts.stream().anyMatch(Placeholders::isPlaceholder) || (policy != null && Placeholders.isPlaceholder(policy));
        Map<String, Object> evidence = map("status", status, "expires", expires == null ? "missing" : expires,
                "contact", !contacts.isEmpty(), "policy", policy != null, "placeholder", placeholder);
        if (status != 200 || contacts.isEmpty() || policy == null || until == null || !until.isAfter(now.plus(Duration.ofDays(30)))
                || until.isAfter(now.plus(Duration.ofDays(366)))) {
            return Check.Result.fail(evidence);
        }
        return placeholder ? Check.Result.notConfigured(evidence) : Check.Result.pass(evidence);
    }

    private static String field(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + ": ")).map(l -> l.substring(name.length() + 2).strip()).findFirst().orElse(null);
    }

    /**
     * The subprocessors published on the page: each with a name, purpose, data, region and DPA. An empty list is not
     * configured unless the operator said there are none ({@code bulwark.trust.no-subprocessors}): an empty list is
     * as often a list nobody wrote as a platform with no third party.
     */
    static Check.Result subprocessors(List<dev.bulwark.trust.TrustProperties.Subprocessor> listed, boolean declaredNone) {
        List<String> incomplete = listed.stream()
                .filter(s -> blank(s.name()) || blank(s.purpose()) || blank(s.data()) || blank(s.region()) || blank(s.dpa()))
                .map(s -> blank(s.name()) ? "(no name)" : s.name())
                .toList();
        Map<String, Object> evidence = map("listed", listed.size(), "declaredNone", declaredNone, "incomplete", incomplete);
        if (listed.isEmpty()) {
            return declaredNone ? Check.Result.pass(evidence) : Check.Result.notConfigured(evidence);
        }
        return incomplete.isEmpty() ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /**
     * Checkpoints are fresh when no chain's oldest unsigned event waited more than three checkpoint intervals, and the
     * interval is at most five minutes: a longer one leaves a window in which a rewrite is not yet pinned by a
     * signature. {@code waiting}: per chain behind its checkpoint, when its oldest unsigned event occurred.
     */
    static Check.Result checkpointsFresh(Map<UUID, Instant> waiting, Duration interval, Instant now) {
        Instant bound = now.minus(interval.multipliedBy(3));
        List<Instant> late = waiting.values().stream().filter(at -> at.isBefore(bound)).sorted().toList();
        // Public evidence: how many chains are late, never which organisations, nor how many have chains at all.
        Map<String, Object> evidence = map("late", late.size(), "oldestLateSince", late.isEmpty() ? "none" : late.getFirst().toString());
        return Bound.verdict(evidence, late.isEmpty(), List.of(
                        Bound.duration("bulwark.audit.checkpoint-interval", interval, Duration.ofSeconds(1), Duration.ofMinutes(5))))
                .forOperators(map("chainsBehind", waiting.size()));
    }

    /** An organisation's data key is overdue when its primary has served longer than {@code maxAge}; since when, if so. */
    static Optional<String> keyOverdue(Instant since, Duration maxAge, Instant now) {
        return since.isBefore(now.minus(maxAge)) ? Optional.of("primary since " + since) : Optional.empty();
    }

    /** A data key serves at most two years (NIST SP 800-57 Part 1's longest originator-usage period for such keys). */
    static Bound keyMaxAge(Duration maxAge) {
        return Bound.duration("bulwark.keys.max-age", maxAge, Duration.ofDays(1), Duration.ofDays(730));
    }

    /**
     * A sweep passes with no open finding, its cycle (the one under way and the last complete) within
     * {@code scanCycle}, that bound at most a week (a claim "every row is checked" that waits longer says little),
     * and any other bound of the check. {@code operatorEvidence} holds the sizes read, for the operators.
     */
    static Check.Result swept(int open, Sweeps.Cycle cycle, Duration scanCycle, Instant now, Map<String, Object> evidence,
                              Map<String, Object> operatorEvidence, Bound... more) {
        Map<String, Object> shown = new LinkedHashMap<>(evidence);
        shown.put("cycle", cycle.evidence(scanCycle, now));
        List<Bound> bounds = new ArrayList<>(List.of(more));
        bounds.add(Bound.duration("bulwark.trust.scan-cycle", scanCycle, Duration.ofMinutes(1), Duration.ofDays(7)));
        return Bound.verdict(shown, open == 0 && cycle.within(scanCycle, now), bounds).forOperators(operatorEvidence);
    }

    /**
     * AI off unless enabled: an organisation id without a policy reads {@code enabled: false} and the gateway's
     * decision refuses its call to every provider with {@code ai-disabled}, before any provider is reached (the
     * decision runs before the egress call); and every organisation swept that has no policy of its own reads AI off
     * ({@code open} counts those that do not).
     */
    static Check.Result aiOffByDefault(AiAssurance.Unconfigured unconfigured, int open, Sweeps.Cycle cycle, Duration scanCycle,
                                       Instant now, long organisationsWithAiEnabled) {
        boolean refused = unconfigured.decisions().values().stream().allMatch("ai-disabled"::equals);
        Map<String, Object> evidence = map("defaultState", unconfigured.enabled() ? "enabled:true" : "enabled:false",
                "decisionWithoutPolicy", unconfigured.decisions(), "organisationsWithoutPolicyReadingEnabled", open);
        return swept(open + (refused && !unconfigured.enabled() ? 0 : 1), cycle, scanCycle, now, evidence,
                map("organisationsWithAiEnabled", organisationsWithAiEnabled));
    }

    /**
     * Prompts sanitised before they leave: a canary prompt with a Stripe-shaped key, a Luhn-valid card number, an IBAN
     * and an email went through the production sanitiser and wire format; none of the originals may appear in what
     * would be sent, and the email's placeholder must come back as the email.
     */
    static Check.Result aiPromptsSanitised(AiAssurance.Canary canary) {
        Map<String, Object> evidence = map("planted", canary.planted(), "leaked", canary.leaked(),
                "personalPlaceholderRestored", canary.personalRestored(), "sanitiserFailed", canary.sanitiserFailed());
        boolean passed = !canary.sanitiserFailed() && canary.leaked().isEmpty() && canary.personalRestored()
                && canary.planted().containsAll(List.of("secret", "card", "iban", "email"));
        return passed ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    /**
     * Whether an organisation's oldest usage record outlived its {@code ai.usage} retention: older than the period and
     * two enforcer intervals (the enforcer runs at least that often). Empty when within.
     */
    static Optional<String> usageOverdue(Optional<Instant> oldest, int retentionDays, Duration enforcerInterval, Instant now) {
        if (oldest.isEmpty()) {
            return Optional.empty();
        }
        Instant limit = now.minus(Duration.ofDays(retentionDays)).minus(enforcerInterval.multipliedBy(2));
        return oldest.get().isBefore(limit)
                ? Optional.of("oldest usage record older than " + retentionDays + " days")
                : Optional.empty();
    }

    /**
     * The AI providers as published (id, kind, region, models; never keys or URLs): each names a region and at least
     * one model, so the subprocessors list says where prompts go. Not configured when there is none.
     */
    static Check.Result aiProviders(List<AiAssurance.PublishedProvider> providers) {
        List<Map<String, Object>> shown = providers.stream()
                .map(p -> map("id", p.id(), "kind", p.kind(), "region", p.region(), "models", p.models()))
                .toList();
        List<String> incomplete = providers.stream()
                .filter(p -> p.region() == null || p.region().isBlank() || p.models() == null || p.models().isEmpty()
                        || p.kind() == null || p.kind().isBlank())
                .map(AiAssurance.PublishedProvider::id)
                .toList();
        Map<String, Object> evidence = map("providers", shown, "incomplete", incomplete);
        if (providers.isEmpty()) {
            return Check.Result.notConfigured(evidence);
        }
        return incomplete.isEmpty() ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
    }

    private ConfigChecks() {
    }

    /**
     * The embedded database's supervision: fails while it is restarting or has given up (the alert the operators and
     * the trust page see), shows the restarts since the instance started; an external PostgreSQL is its platform's
     * to restart, and an embedded one this platform cannot supervise (not Linux, or turned off) is said so.
     */
    static Check.Result database(DatabaseSupervision database) {
        Map<String, Object> details = database.details();
        Map<String, Object> evidence = new java.util.LinkedHashMap<>();
        evidence.put("state", database.state());
        if (details.containsKey("restarts")) {
            evidence.put("restartsSinceStart", details.get("restarts"));
        }
        if (!database.supervised()) {
            return Check.Result.notConfigured(evidence).forOperators(details);
        }
        return (database.state().equals("running") ? Check.Result.pass(evidence) : Check.Result.fail(evidence)).forOperators(details);
    }

    /**
     * Outbound calls cannot reach internal addresses: egress refused every vector the probe sent (loopback under many
     * spellings, the metadata addresses) before connecting, and its loopback listeners accepted no connection.
     */
    static Check.Result egress(EgressProbe.Observed observed) {
        boolean holds = observed.notRefused().isEmpty() && observed.connectionsSeen() == 0;
        return holds ? Check.Result.pass(observed.evidence()) : Check.Result.fail(observed.evidence());
    }

    /**
     * {@code sso.enforced-refuses-passwords}: a password sign-in at a verified domain of an organisation that enforces
     * single sign-on answered 403 {@code sso-required}, and the same domain unverified was not enforced.
     */
    static Check.Result sso(dev.bulwark.sso.SsoProbe.Observed observed) {
        boolean holds = observed.enforcedRefused() && !observed.unverifiedEnforced();
        return (holds ? Check.Result.pass(observed.evidence()) : Check.Result.fail(observed.evidence()))
                .forOperators(Map.of("organisationsWithVerifiedDomains", observed.enforcingOrganisations()));
    }

    /** How much later than its schedule a base backup may finish: a large database takes a while to copy. */
    static final Duration BACKUP_GRACE = Duration.ofHours(1);
    /** A drill counts for this long. */
    static final Duration DRILL_VALID_FOR = Duration.ofDays(7);

    /**
     * {@code backup.fresh}: a base backup exists and (with a schedule) the last one is not overdue by more than
     * {@link #BACKUP_GRACE}; with WAL archiving, the last attempt to archive did not fail and no WAL written since the last
     * archived segment is older than the archive timeout plus a margin (the timeout again, at least a minute).
     */
    static Check.Result backupFresh(DatabaseBackups backups, Instant now) {
        if (!backups.configured()) {
            return Check.Result.notConfigured(map("configured", false));
        }
        Map<String, Object> evidence = new java.util.LinkedHashMap<>();
        List<String> problems = new java.util.ArrayList<>();
        Map<String, Object> operators = new java.util.LinkedHashMap<>();
        var last = backups.lastBackup();
        evidence.put("lastBackupAt", last.map(b -> b.finishedAt().toString()).orElse("none"));
        if (last.isEmpty()) {
            problems.add("no base backup has been taken");
        } else {
            var due = backups.dueAfter(last.get().finishedAt());
            due.ifPresent(d -> evidence.put("nextBackupDue", d.toString()));
            if (due.isPresent() && now.isAfter(due.get().plus(BACKUP_GRACE))) {
                problems.add("the scheduled base backup is overdue");
            }
        }
        DatabaseBackups.ArchiveStatus archive = backups.archive();
        evidence.put("walArchiving", archive.on());
        if (archive.on()) {
            Duration limit = archive.timeout().plus(max(archive.timeout(), Duration.ofMinutes(1)));
            evidence.put("archiveTimeoutSeconds", archive.timeout().toSeconds());
            evidence.put("lastArchivedWal", archive.lastArchivedWal());
            evidence.put("lastArchivedAt", archive.lastArchivedAt() == null ? null : archive.lastArchivedAt().toString());
            evidence.put("lastArchiveFailureAt", archive.lastFailedAt() == null ? null : archive.lastFailedAt().toString());
            evidence.put("walNotYetArchivedBytes", archive.pendingBytes());
            if (archive.problem() != null) {
                problems.add(archive.problem());
            }
            if (archive.lastFailedAt() != null
                    && (archive.lastArchivedAt() == null || archive.lastFailedAt().isAfter(archive.lastArchivedAt()))) {
                problems.add("the last attempt to archive WAL segment " + archive.lastFailedWal() + " failed");
            }
            if (archive.pendingBytes() > 0 && (archive.lastArchivedAt() == null
                    ? archive.lastFailedAt() != null
                    : Duration.between(archive.lastArchivedAt(), now).compareTo(limit) > 0)) {
                problems.add("WAL written since the last archived segment is older than " + limit.toSeconds() + " s");
            }
        }
        backups.offsiteCopy().ifPresent(copy -> {
            Map<String, Object> s3 = new java.util.LinkedHashMap<>();
            s3.put("lastBackupCopied", copy.lastBackup());
            s3.put("lastBackupCopiedAt", copy.lastBackupAt() == null ? null : copy.lastBackupAt().toString());
            s3.put("lastWalCopied", copy.lastWal());
            s3.put("lastWalCopiedAt", copy.lastWalAt() == null ? null : copy.lastWalAt().toString());
            s3.put("lastCompleteAt", copy.lastCompleteAt() == null ? null : copy.lastCompleteAt().toString());
            s3.put("lastFailureAt", copy.lastFailureAt() == null ? null : copy.lastFailureAt().toString());
            s3.put("failures", copy.failures());
            evidence.put("s3Copy", s3);
            if (copy.failing()) {
                problems.add("the copy to S3 failed");
                operators.put("s3CopyFailure", copy.lastFailure());
                operators.put("s3Destination", copy.destination());
            } else if (copy.lastCompleteAt() == null) {
                problems.add("the copy to S3 has not completed a round yet");
            }
        });
        evidence.put("problems", problems);
        return problems.isEmpty() ? Check.Result.pass(evidence) : Check.Result.fail(evidence).forOperators(operators);
    }

    /** {@code backup.drill}: the newest drill passed, its report's signature verifies, and it is at most 7 days old. */
    static Check.Result backupDrill(java.util.Optional<DrillReport.Read> latest, Instant now) {
        if (latest.isEmpty()) {
            return Check.Result.notConfigured(map("drilled", false));
        }
        DrillReport r = latest.get().report();
        boolean recent = !r.drilledAt().isBefore(now.minus(DRILL_VALID_FOR));
        Map<String, Object> evidence = map("drilledAt", r.drilledAt().toString(), "valid", r.valid(),
                "signatureVerifies", latest.get().signed(), "withinDays", DRILL_VALID_FOR.toDays(), "recent", recent,
                "restoredTo", r.restoredTo() == null ? null : r.restoredTo().toString(), "eventsVerified", r.eventsVerified(),
                "problems", r.problems().size());
        return r.valid() && latest.get().signed() && recent ? Check.Result.pass(evidence)
                : Check.Result.fail(evidence).forOperators(map("problems", r.problems(), "backup", r.backup(), "orgs", r.orgs()));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
