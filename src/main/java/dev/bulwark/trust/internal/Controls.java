package dev.bulwark.trust.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import dev.bulwark.ai.AiAssurance;
import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.audit.AuditIntegrity;
import dev.bulwark.egress.EgressProbe;
import dev.bulwark.guests.GuestAssurance;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.identity.MfaStatus;
import dev.bulwark.identity.PasswordHashingParameters;
import dev.bulwark.keys.KeyStatus;
import dev.bulwark.privacy.RetentionStatus;
import dev.bulwark.shared.ModuleTables;
import dev.bulwark.recovery.DrillReports;
import dev.bulwark.recovery.IndependentChainCheck;
import dev.bulwark.tenancy.DatabaseBackups;
import dev.bulwark.tenancy.DatabaseSupervision;
import dev.bulwark.tenancy.IsolationCatalog;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.trust.Check;
import dev.bulwark.trust.Control;
import dev.bulwark.trust.TrustProperties;
import dev.bulwark.web.HttpProperties;
import dev.bulwark.web.SelfRequests;
import dev.bulwark.web.TlsProbe;
import dev.bulwark.webhooks.WebhookSigning;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The registry of controls and their checks (docs/trust-center.md). Each check reads the live system — the database
 * catalogue, the chains, stored ciphertexts, the running configuration, the application's own HTTP answers — and
 * returns its evidence. Checks that read data work in slices and resume where they stopped (trust_cursors), so every
 * organisation is covered over a cycle while one run stays short.
 */
@Component
public class Controls {

    static final Duration FRESH = Duration.ofMinutes(30);
    static final int SLICE = 100;

    private final List<Control> all;
    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Environment environment;
    private final SelfRequests selfRequests;
    private final Sweeps sweeps;
    private final TrustProperties properties;
    private final AiAssurance ai;
    /** The checks' calls to this very application, on loopback: a busy instance may take seconds, and that is no failure. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Where personal data is stored encrypted: every row is read once a cycle, a budget of rows a run. */
    private final List<Sweeps.Scanned> encrypted;

    Controls(JdbcClient jdbc, TenantScope tenantScope, IsolationCatalog catalog, AuditIntegrity audit, KeyStatus keys,
             AuthProperties auth, MfaStatus mfa, RetentionStatus retention, HttpProperties httpProperties, TlsProbe tlsProbe,
             RateLimitProperties rateLimits, Environment environment, SelfRequests selfRequests, Sweeps sweeps,
             TrustProperties properties, List<ModuleTables> modules, DatabaseSupervision database,
             EgressProbe egressProbe, WebhookSigning webhookSigning, DatabaseBackups backups, DrillReports drills,
             AiAssurance ai, IndependentChainCheck independent, GuestAssurance guests, dev.bulwark.sso.SsoProbe ssoProbe,
             dev.bulwark.signatures.SignatureSelfTest signatureSelfTest) {
        this.jdbc = jdbc;
        this.encrypted = Sweeps.Scanned.of(modules);
        this.sweeps = sweeps;
        this.properties = properties;
        this.selfRequests = selfRequests;
        this.tenantScope = tenantScope;
        this.environment = environment;
        this.ai = ai;
        List<Control> controls = new ArrayList<>();
        controls.add(new Control("tenant-isolation", "Data isolation", "Tenant isolation in the database",
                "Every table holding an organisation's data has row-level security forced with its policy, the application's"
                        + " database role owns nothing and cannot bypass it, and a live probe sees no other organisation's rows.",
                List.of("SOC 2 CC6.1", "ASVS 5 V8.2.2", "ASVS 5 V8.4.1"), List.of(
                check("isolation.rls-catalog", () -> {
                    var violations = catalog.violations();
                    Map<String, Object> evidence = map("tenantTables", catalog.tenantTables().size(), "violations",
                            violations.stream().map(Object::toString).toList());
                    return violations.isEmpty() ? Check.Result.pass(evidence) : Check.Result.fail(evidence);
                }),
                check("isolation.canary", this::canary))));
        controls.add(new Control("audit-integrity", "Audit", "Tamper-evident audit log",
                "Every organisation's audit chain verifies end to end against its hashes and signed checkpoints.",
                List.of("SOC 2 CC7.2", "ASVS 5 V16.4.2"), List.of(check("audit.chains-verify", () -> chains(independent)),
                check("audit.checkpoints-fresh", this::checkpoints))));
        controls.add(new Control("audit-append-only", "Audit", "Audit log is append-only",
                "The application's database role can add audit events and read them, never change or delete one.",
                List.of("SOC 2 CC7.2", "ASVS 5 V16.4.2"), List.of(check("audit.append-only", () -> {
                    Map<String, Boolean> held = audit.forbiddenPrivileges();
                    Map<String, Object> evidence = map("privilegesOnAuditEvents", held);
                    return held.containsValue(true) ? Check.Result.fail(evidence) : Check.Result.pass(evidence);
                }))));
        controls.add(new Control("field-encryption", "Encryption", "Personal data encrypted in the application",
                "Contacts' names, emails, phones and notes, interactions' subjects and bodies, documents' bodies and every"
                        + " version's, are stored only as ciphertexts under the organisation's own key, and accounts' emails and"
                        + " names under the platform's.",
                List.of("SOC 2 CC6.7", "ASVS 5 V14.2.4"), List.of(check("encryption.ciphertext-columns", this::ciphertexts))));
        controls.add(new Control("root-key", "Encryption", "Root key protected",
                "The root key that wraps every organisation's keys is held in a KMS or sealed by a passphrase, never left"
                        + " as a readable development keyset, and no organisation's data key serves longer than two years.",
                List.of("SOC 2 CC6.1", "ASVS 5 V11.1.1"), List.of(check("encryption.root-key", () -> ConfigChecks.rootKey(keys.rootKeyForm())),
                check("encryption.key-age", this::keyAges))));
        controls.add(new Control("password-storage", "Identity", "Passwords stored with Argon2id",
                "Passwords are hashed with Argon2id at no less than OWASP's recommended cost and no more than a sign-in can"
                        + " afford, never stored or logged.",
                List.of("SOC 2 CC6.1", "ASVS 5 V11.4.2"), List.of(check("identity.password-hashing",
                        () -> ConfigChecks.passwordHashing(PasswordHashingParameters.CURRENT)))));
        controls.add(new Control("brute-force", "Identity", "Sign-in lockout",
                "After at most ten failed sign-ins an email is locked for a growing period, known or unknown alike.",
                List.of("SOC 2 CC6.1", "ASVS 5 V6.3.1"), List.of(check("identity.lockout", () -> ConfigChecks.lockout(auth.lockout())))));
        controls.add(new Control("multi-factor", "Identity", "Second factors for every account",
                "Every account can add an authenticator app, whose each code is accepted once, or a passkey bound to this"
                        + " site, and an organisation can require a second factor of all its members.",
                // Not V6.3.3: a second factor is offered to every account and may be required by an organisation, not
                // required by the platform (docs/asvs.md).
                List.of("SOC 2 CC6.1", "ASVS 5 V6.5.1"), List.of(check("identity.mfa", () -> ConfigChecks.mfa(mfa.totp(), mfa.passkeys())))));
        controls.add(new Control("session-tokens", "Identity", "Short-lived signed access tokens and bounded sessions",
                "Access tokens are signed with an asymmetric algorithm and live at most 15 minutes; a session ends after at"
                        + " most a day unused and 30 days in all, and sensitive actions need a factor verified within 10 minutes.",
                List.of("SOC 2 CC6.1", "ASVS 5 V9.1.2", "ASVS 5 V7.3.1", "ASVS 5 V7.3.2"), List.of(check("identity.access-tokens",
                        () -> ConfigChecks.accessTokens(auth.signingAlgorithm(), auth.accessTokenTtl())),
                check("identity.sessions", () -> ConfigChecks.sessions(auth.sessionIdleTtl(), auth.sessionAbsoluteTtl(),
                        auth.stepUpWindow())))));
        controls.add(new Control("retention", "Privacy", "Retention enforced",
                "Data past its organisation's retention period is purged by a job that runs at least daily, and every"
                        + " organisation has its policies.",
                List.of("SOC 2 C1.2", "SOC 2 P4.2"), List.of(
                check("retention.enforcer-ran",
                        () -> ConfigChecks.enforcerRan(retention.lastFinished(), retention.interval(), Instant.now())),
                check("retention.policies-exist", this::policies))));
        controls.add(new Control("security-headers", "HTTP edge", "Security headers on every response",
                "Every response carries a strict Content-Security-Policy, anti-framing, no-sniff, referrer, isolation and"
                        + " permissions headers.",
                List.of("ASVS 5 V3.4.3", "ASVS 5 V3.4.4", "ASVS 5 V3.4.5", "ASVS 5 V3.4.6"),
                List.of(check("edge.security-headers", this::headers))));
        controls.add(new Control("vulnerability-disclosure", "HTTP edge", "A way to report vulnerabilities",
                "security.txt names a contact and a policy and is never expired, about to be, or set to outlive a year.",
                List.of("SOC 2 CC2.3"), List.of(check("edge.security-txt", this::securityTxt))));
        controls.add(new Control("transport-encryption", "HTTP edge", "TLS pinned in the application",
                "When the application terminates TLS itself, only TLS 1.3 and 1.2 with forward-secret AEAD suites are accepted,"
                        + " as a live handshake with it shows.",
                List.of("SOC 2 CC6.7", "ASVS 5 V12.1.1", "ASVS 5 V12.1.2"),
                List.of(check("edge.tls", () -> ConfigChecks.tls(tlsProbe.observe())))));
        controls.add(new Control("request-limits", "HTTP edge", "Bounded requests",
                "Request bodies, headers and JSON nesting have size limits and a client that stalls is cut off, so one"
                        + " client cannot hold the server.",
                List.of("ASVS 5 V2.4.1", "ASVS 5 V15.2.2"),
                List.of(check("edge.request-limits", () -> ConfigChecks.requestLimits(httpProperties)))));
        controls.add(new Control("rate-limiting", "Access", "Rate limits",
                "Every caller — address, user, API key and organisation — has a request budget within a sane range, and"
                        + " sign-in is budgeted per address.",
                List.of("ASVS 5 V2.4.1"), List.of(check("access.rate-limits",
                        () -> ConfigChecks.rateLimits(rateLimits, httpProperties.authRequestsPerMinute())))));
        controls.add(new Control("database-availability", "Resilience", "A database that comes back by itself",
                "The embedded PostgreSQL is supervised: when it dies it is restarted without restarting the application,"
                        + " requests answer 503 with Retry-After meanwhile, and this check fails while it is down or when its"
                        + " restarts keep failing. Restarts since the instance started are shown.",
                List.of("SOC 2 A1.2"), List.of(check("resilience.database", () -> ConfigChecks.database(database)))));
        controls.add(new Control("outbound-internal", "Egress", "Outbound calls cannot reach internal addresses",
                "Every outbound call to a destination a user names is refused before connecting when its host is, spells or"
                        + " resolves to a loopback, private, link-local, metadata or other non-global address, as a live probe"
                        + " of a loopback listener shows.",
                List.of("ASVS 5 V1.3.6"), List.of(check("egress.internal-addresses", () -> {
                    try {
                        return ConfigChecks.egress(egressProbe.observe());
                    } catch (Exception e) {
                        return unreadable(e);
                    }
                }))));
        controls.add(new Control("sso-enforced", "Identity", "Single sign-on replaces passwords where it is enforced",
                "When an organisation enforces single sign-on for its verified domains, password sign-in, password reset and"
                        + " sign-up by invitation refuse its addresses, as a live probe shows: a synthetic organisation setting,"
                        + " rolled back, whose enforced domain refuses a password sign-in through the real sign-in path.",
                List.of("SOC 2 CC6.1"), List.of(check("sso.enforced-refuses-passwords", () -> {
                    try {
                        return ConfigChecks.sso(ssoProbe.observe());
                    } catch (Exception e) {
                        return unreadable(e);
                    }
                }))));
        controls.add(new Control("webhooks-signed", "Integrations", "Webhooks are signed",
                "Every webhook delivery is signed as Standard Webhooks v1 publishes it, with a secret only its organisation"
                        + " holds (and the previous one for a day after a rotation), carries no personal data, and a changed"
                        + " body fails verification, as a canary delivery verified with the reference library shows.",
                List.of("SOC 2 CC6.7"), List.of(check("webhooks.signed",
                        () -> ConfigChecks.webhookSigning(webhookSigning.run())))));
        controls.add(new Control("electronic-signatures", "Records", "Electronic signatures bound to their records",
                "A signature binds its signer to one version of one record by the record's SHA-256, and the evidence PDF is"
                        + " sealed by the organisation's key: a synthetic record signed and sealed in the platform organisation"
                        + " verifies offline, and a changed byte, a signature moved to another version or another certificate"
                        + " fails verification (21 CFR 11.70).",
                List.of("21 CFR 11.70", "21 CFR 11.50"), List.of(check("signatures.bound",
                        () -> {
                            try {
                                return ConfigChecks.signatures(signatureSelfTest.run());
                            } catch (Exception e) {
                                return unreadable(e);
                            }
                        }))));
        controls.add(new Control("backups", "Resilience", "Backups that restore",
                "Base backups are taken on their schedule and every WAL segment reaches the archive within the archive"
                        + " timeout, so the database can be restored to any moment since the oldest backup kept; a"
                        + " disaster-recovery drill restored a backup and the archive, verified every organisation's audit"
                        + " chain against the checkpoints copied outside the database, and passed within the last 7 days.",
                List.of("SOC 2 A1.2", "SOC 2 A1.3"), List.of(
                check("backup.fresh", () -> ConfigChecks.backupFresh(backups, Instant.now())),
                check("backup.drill", () -> ConfigChecks.backupDrill(drills.latest(), Instant.now())))));
        controls.add(new Control("ai-off-by-default", "AI", "AI off unless enabled",
                "An organisation that has not enabled AI has it off: with no policy of its own it reads enabled false"
                        + " through the gateway's own code, and the gateway refuses its calls as ai-disabled before any provider"
                        + " is reached.",
                List.of("SOC 2 CC6.1"), List.of(check("ai.off-unless-enabled", this::aiOffByDefault))));
        controls.add(new Control("ai-prompts-sanitised", "AI", "Prompts sanitised before they leave",
                "Secrets, card numbers, IBANs and emails in a prompt are replaced by placeholders before it is sent to an AI"
                        + " provider, and personal placeholders come back as the originals, as a live canary prompt through the"
                        + " production sanitiser shows.",
                List.of("SOC 2 C1.1", "SOC 2 P4.1"), List.of(check("ai.prompts-sanitised",
                        () -> ConfigChecks.aiPromptsSanitised(ai.sanitiserCanary())))));
        controls.add(new Control("ai-usage-retention", "AI", "AI usage purged after its retention",
                "Every organisation's AI usage records are deleted once older than its ai.usage retention (90 days unless it"
                        + " set another).",
                List.of("SOC 2 C1.2", "SOC 2 P4.2"), List.of(check("ai.usage-retention", () -> usageRetention(retention)))));
        controls.add(new Control("ai-providers-published", "AI", "AI providers published",
                "The AI providers prompts may be sent to are listed on this page as subprocessors, with their kind, region"
                        + " and models.",
                List.of("SOC 2 P6.1"), List.of(check("ai.providers-published", () -> ConfigChecks.aiProviders(ai.providers())))));
        controls.add(new Control("guest-links-hashed", "Identity", "Guest magic links stored hashed, guest sessions revocable",
                "A guest portal's magic link is stored only as the SHA-256 of its 256-bit token, signs in once, and revoking"
                        + " the guest ends the session it started at once, as a live probe on a synthetic guest shows.",
                List.of("SOC 2 CC6.1", "ASVS 5 V7.4.1"), List.of(check("guests.links-hashed",
                        () -> ConfigChecks.guestLinks(guests.probe())))));
        controls.add(new Control("subprocessors", "Privacy", "Subprocessors published",
                "Every third party that processes customer data is listed on this page with its purpose, the data it"
                        + " receives, its region and its data processing agreement.",
                List.of("SOC 2 P6.1", "SOC 2 CC9.2"), List.of(check("privacy.subprocessors",
                        () -> ConfigChecks.subprocessors(properties.subprocessors(), properties.noSubprocessors())))));
        this.all = List.copyOf(controls);
    }

    public List<Control> all() {
        return all;
    }

    private static Check check(String id, Supplier<Check.Result> run) {
        return new Check() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public Duration freshFor() {
                return FRESH;
            }

            @Override
            public Result run() {
                return run.get();
            }
        };
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** Bound to the platform organisation, its own rows are visible and no other organisation's are. */
    private Check.Result canary() {
        long organisations = jdbc.sql("SELECT count(*) FROM organisations").query(Long.class).single();
        UUID platform = Organisation.PLATFORM_ID;
        long[] seen = tenantScope.inTenant(platform, null, () -> new long[] {
                jdbc.sql("SELECT count(*) FROM retention_policies").query(Long.class).single(),
                jdbc.sql("SELECT count(*) FROM retention_policies WHERE tenant_id <> :probe").param("probe", platform).query(Long.class).single(),
                jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id <> :probe").param("probe", platform).query(Long.class).single()});
        Map<String, Object> evidence = map("probeOrganisation", platform.toString(), "ownRowsVisible", seen[0],
                "otherOrganisationsRowsVisible", seen[1] + seen[2]);
        // How many organisations there are is the platform's business, not the public's.
        return (seen[0] > 0 && seen[1] + seen[2] == 0 ? Check.Result.pass(evidence) : Check.Result.fail(evidence))
                .forOperators(map("otherOrganisations", organisations - 1));
    }

    /**
     * A slice of organisations' chains verified end to end, and every chain found broken verified again until mended. The
     * verification is the independent verifier's ({@code audit-verify}), on each chain exported as the export endpoint
     * writes it, against the database's newest checkpoint and the copies outside it: not the writer's own code.
     */
    private Check.Result chains(IndependentChainCheck independent) {
        long[] events = {0};
        Sweeps.OrgOutcome outcome = sweeps.organisations("audit.chains-verify", SLICE, tenant -> {
            IndependentChainCheck.Outcome v = independent.verify(tenant);
            events[0] += v.checked();
            return v.valid() ? Optional.empty() : Optional.of("invalid at seq " + v.firstInvalidSeq());
        });
        return ConfigChecks.swept(outcome.open(), outcome.cycle(), properties.scanCycle(), Instant.now(),
                map("chainsInvalid", outcome.open(), "verifier", "independent (audit-verify)"),
                map("chainsVerified", outcome.checked(), "eventsChecked", events[0]));
    }

    /**
     * Every row of {@link #encrypted} (every encrypted tenant and global table the modules declare) holds ciphertexts of Tink's shape and no plaintext: rows found wrong are read again
     * first, then the sweep reads on; a cycle that takes longer than {@code bulwark.trust.scan-cycle} fails too.
     */
    private Check.Result ciphertexts() {
        Sweeps.RowOutcome outcome = sweeps.rows("encryption.ciphertext-columns", encrypted, properties.scanRowsPerRun());
        Map<String, Object> evidence = map("tables", encrypted.stream().map(Sweeps.Scanned::table).toList(),
                "rowsWithProblems", outcome.openByTable(),
                "lastCycleCompletedAt", outcome.lastCycleCompletedAt() == null ? "none yet" : outcome.lastCycleCompletedAt().toString());
        // How many rows the platform holds is for the operators.
        Map<String, Object> sizes = map("recentWritesRead", map("auditEvents", outcome.recentEvents(), "rows", outcome.recentRows()),
                "rowsReadThisRun", outcome.rowsRead(), "cycleRowsSoFar", outcome.cycleRows(),
                "lastCycleRows", outcome.lastCycleRows() == null ? 0 : outcome.lastCycleRows());
        return ConfigChecks.swept(outcome.open(), outcome.cycle(), properties.scanCycle(), Instant.now(), evidence, sizes);
    }

    /** Chains behind their last checkpoint, and when each one's oldest unsigned event occurred (100 at most a run). */
    private Check.Result checkpoints() {
        record Behind(UUID tenant, long from) {
        }
        List<Behind> behind = jdbc.sql("""
                        SELECT h.tenant_id, coalesce(c.tree_size, 0) + 1 FROM audit_heads h LEFT JOIN audit_checkpointed c USING (tenant_id)
                        WHERE h.seq > coalesce(c.tree_size, 0) ORDER BY h.tenant_id LIMIT :limit
                        """)
                .param("limit", SLICE)
                .query((rs, n) -> new Behind(rs.getObject(1, UUID.class), rs.getLong(2)))
                .list();
        Map<UUID, Instant> waiting = new LinkedHashMap<>();
        for (Behind b : behind) {
            tenantScope.inTenant(b.tenant(), null, () -> jdbc.sql("SELECT occurred_at FROM audit_events WHERE tenant_id = :t AND seq = :seq")
                    .param("t", b.tenant()).param("seq", b.from())
                    .query((rs, n) -> rs.getTimestamp(1).toInstant())
                    .optional()
                    .ifPresent(at -> waiting.put(b.tenant(), at)));
        }
        return ConfigChecks.checkpointsFresh(waiting, environment.getProperty("bulwark.audit.checkpoint-interval", Duration.class,
                Duration.ofSeconds(10)), Instant.now());
    }

    /** In a slice of organisations, and those found overdue before: whether each one's data key served too long. */
    private Check.Result keyAges() {
        Duration maxAge = environment.getProperty("bulwark.keys.max-age", Duration.class, Duration.ofDays(365));
        Instant now = Instant.now();
        Sweeps.OrgOutcome outcome = sweeps.organisations("encryption.key-age", SLICE, org -> tenantScope.inTenant(org, null,
                () -> jdbc.sql("SELECT coalesce(rotated_at, created_at) FROM tenant_keys WHERE tenant_id = :org AND destroyed_at IS NULL")
                        .param("org", org)
                        .query((rs, n) -> rs.getTimestamp(1).toInstant())
                        .optional()
                        .flatMap(since -> ConfigChecks.keyOverdue(since, maxAge, now))));
        return ConfigChecks.swept(outcome.open(), outcome.cycle(), properties.scanCycle(), now, map("overdue", outcome.open()),
                map("organisations", outcome.checked()), ConfigChecks.keyMaxAge(maxAge));
    }

    /** Every organisation has a retention policy for each of the six data classes. */
    private Check.Result policies() {
        Sweeps.OrgOutcome outcome = sweeps.organisations("retention.policies-exist", SLICE, org -> {
            long n = tenantScope.inTenant(org, null, () -> jdbc.sql("SELECT count(*) FROM retention_policies WHERE tenant_id = :org")
                    .param("org", org).query(Long.class).single());
            return n < 6 ? Optional.of(n + " of 6 policies") : Optional.empty();
        });
        return ConfigChecks.swept(outcome.open(), outcome.cycle(), properties.scanCycle(), Instant.now(),
                map("missingPolicies", outcome.open()), map("organisations", outcome.checked()));
    }

    /** A synthetic organisation without policy is refused as ai-disabled; a slice of organisations without one read AI off. */
    private Check.Result aiOffByDefault() {
        AiAssurance.Unconfigured unconfigured = ai.unconfiguredOrganisation();
        long[] enabled = {0};
        Sweeps.OrgOutcome outcome = sweeps.organisations("ai.off-unless-enabled", SLICE, org -> {
            AiAssurance.OrgPolicy policy = ai.policyOf(org);
            if (policy.enabled()) {
                enabled[0]++;
            }
            return !policy.explicit() && policy.enabled() ? Optional.of("AI on without a policy") : Optional.empty();
        });
        return ConfigChecks.aiOffByDefault(unconfigured, outcome.open(), outcome.cycle(), properties.scanCycle(), Instant.now(),
                enabled[0]);
    }

    /** In a slice of organisations: the oldest usage record within the organisation's ai.usage retention. */
    private Check.Result usageRetention(RetentionStatus retention) {
        Instant now = Instant.now();
        Sweeps.OrgOutcome outcome = sweeps.organisations("ai.usage-retention", SLICE, org -> {
            Integer days = tenantScope.inTenant(org, null, () -> jdbc.sql(
                            "SELECT retention_days FROM retention_policies WHERE tenant_id = :org AND data_class = 'ai.usage'")
                    .param("org", org).query(Integer.class).optional().orElse(null));
            if (days == null) {
                return Optional.of("no ai.usage retention policy");
            }
            return ConfigChecks.usageOverdue(ai.oldestUsage(org), days, retention.interval(), now);
        });
        return ConfigChecks.swept(outcome.open(), outcome.cycle(), properties.scanCycle(), now,
                map("organisationsOverdue", outcome.open()), map("organisations", outcome.checked()));
    }

    private HttpResponse<String> self(String path) throws Exception {
        String port = environment.getProperty("local.server.port");
        if (port == null) {
            throw new IllegalStateException("the application is not listening yet");
        }
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header(SelfRequests.HEADER, selfRequests.token()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Check.Result headers() {
        try {
            HttpResponse<String> r = self("/actuator/health");
            return ConfigChecks.headers(r.statusCode(), r.headers());
        } catch (Exception e) {
            return unreadable(e);
        }
    }

    private Check.Result securityTxt() {
        try {
            HttpResponse<String> r = self("/.well-known/security.txt");
            return ConfigChecks.securityTxt(r.statusCode(), r.body(), Instant.now());
        } catch (Exception e) {
            return unreadable(e);
        }
    }

    /** A check that could not run fails; what went wrong, which may name a host or a path, is for the operators. */
    static Check.Result unreadable(Exception e) {
        return Check.Result.fail(map("error", "the check could not run")).forOperators(map("exception", e.toString()));
    }
}
