package dev.bulwark.trust;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import dev.bulwark.privacy.internal.RetentionEnforcer;
import dev.bulwark.trust.internal.TrustRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 (in part), acceptance 1 and 2 on an application of its own (a fresh database, a sealed root key): on a
 * healthy system every check passes; breaking each condition on purpose flips exactly the matching check to fail
 * within one run, and mending it flips it back; {@code /api/v1/trust} answers the shape docs/api.md gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustCenterTest {

    /** Rows the ciphertext sweep reads a run here: small, so that a few thousand rows take several runs. */
    private static final int SCAN_BUDGET = 500;

    private ConfigurableApplicationContext app;
    private Path dir;
    private TrustRunner runner;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("bulwark-trust-");
        app = new SpringApplicationBuilder(BulwarkApplication.class, HeaderStripper.class).run("--server.port=0",
                "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"), "--bulwark.keys.root-passphrase=trust-center-test-passphrase",
                "--bulwark.trust.scan-rows-per-run=" + SCAN_BUDGET,
                // The suite's lifted sign-in budget and hourly checkpoints are out of the bounds the checks judge
                // (src/test/resources/config/application.yml): this application runs with sane values.
                "--bulwark.http.auth-requests-per-minute=30", "--bulwark.audit.checkpoint-interval=1m",
                // The default security.txt contact and policy are placeholders, shown as not configured.
                "--bulwark.security-txt.contact=mailto:security@trust-center-test.eu",
                "--bulwark.security-txt.policy=https://trust-center-test.eu/security-policy",
                "--bulwark.trust.subprocessors[0].name=Postmark & Co <b>", "--bulwark.trust.subprocessors[0].purpose=Transactional email",
                "--bulwark.trust.subprocessors[0].data=Email addresses", "--bulwark.trust.subprocessors[0].region=EU (Frankfurt)",
                "--bulwark.trust.subprocessors[0].dpa=Signed 2026-01-10",
                "--bulwark.trust.subprocessors[1].name=Hetzner", "--bulwark.trust.subprocessors[1].purpose=Hosting",
                "--bulwark.trust.subprocessors[1].data=All customer data, encrypted", "--bulwark.trust.subprocessors[1].region=EU (Nuremberg)",
                "--bulwark.trust.subprocessors[1].dpa=Signed 2025-11-02");
        runner = app.getBean(TrustRunner.class);
        base = "http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port");
        // Some data to check: an organisation with a contact, a chain, an enforcer run.
        String email = "trust-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String signup = post("/api/v1/signup", null, "{\"email\":\"" + email + "\",\"password\":\"" + IntegrationTest.STRONG_PASSWORD
                + "\",\"name\":\"T\",\"organisationName\":\"Trust Org\"}").body();
        String org = json.readTree(signup).get("organisationId").asString();
        String token = json.readTree(post("/api/v1/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\"}").body()).get("accessToken").asString();
        assertThat(post("/api/v1/orgs/" + org + "/contacts", token, "{\"name\":\"Checked\",\"email\":\"c@example.com\"}").statusCode())
                .isEqualTo(201);
        app.getBean(RetentionEnforcer.class).runAll(Clock.systemUTC()).orElseThrow();
        this.token = token;
    }

    private String token;

    @AfterAll
    void stop() {
        app.close();
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> checks() {
        runner.runAll();
        Map<String, String> statuses = new HashMap<>();
        runner.view().forEach(c -> c.evidence().forEach((id, shown) -> statuses.put(id, shown.status())));
        return statuses;
    }

    /**
     * Test-only: while {@link #STRIP} names a header, the application's responses lose it — the stand-in for a
     * deployment that broke one (a proxy dropping it, a filter misordered).
     */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class HeaderStripper {

        static final java.util.concurrent.atomic.AtomicReference<String> STRIP = new java.util.concurrent.atomic.AtomicReference<>();

        @org.springframework.context.annotation.Bean
        org.springframework.boot.web.servlet.FilterRegistrationBean<jakarta.servlet.Filter> stripper() {
            var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<jakarta.servlet.Filter>(
                    (jakarta.servlet.Filter) (request, response, chain) -> {
                        String strip = STRIP.get();
                        chain.doFilter(request, strip == null ? response : new jakarta.servlet.http.HttpServletResponseWrapper(
                                (jakarta.servlet.http.HttpServletResponse) response) {
                            @Override
                            public void setHeader(String name, String value) {
                                if (!name.equalsIgnoreCase(strip)) {
                                    super.setHeader(name, value);
                                }
                            }
                        });
                    });
            registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    /** After one run, exactly {@code check} fails, and the page lists its control under "What we don't claim". */
    private void onlyFailing(String check, String control) throws Exception {
        assertThat(failing()).containsExactly(check);
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/trust")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page.substring(page.indexOf("id=\"not-claimed\""))).contains("data-control=\"" + control + "\"");
    }

    /** TLS is terminated in front in this test, and it configures no backups (BackupRestoreTest does). */
    private static final Set<String> NOT_CONFIGURED_HERE = Set.of("edge.tls", "backup.fresh", "backup.drill");

    private Set<String> failing() {
        Map<String, String> statuses = checks();
        return statuses.entrySet().stream().filter(e -> !e.getValue().equals("pass") && !NOT_CONFIGURED_HERE.contains(e.getKey()))
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet());
    }

    private void asSuperuser(String... statements) throws Exception {
        try (Connection c = IntegrationTest.connectAs(dir, "postgres"); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    void aHealthySystemPassesEveryCheckAndEachBrokenConditionFlipsExactlyItsCheck() throws Exception {
        Map<String, String> healthy = checks();
        assertThat(healthy).hasSizeGreaterThanOrEqualTo(18);
        assertThat(healthy.get("edge.tls")).as("TLS is terminated in front in this test").isEqualTo("not_configured");
        assertThat(healthy.get("backup.fresh")).as("no backups configured in this test").isEqualTo("not_configured");
        assertThat(healthy.get("backup.drill")).isEqualTo("not_configured");
        assertThat(failing()).as("a healthy system: %s", runner.view()).isEmpty();
        // Every organisation's chain is verified over a cycle, the platform's own (all-zero id) included.
        long organisations;
        try (Connection c = IntegrationTest.connectAs(dir, "postgres"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM bulwark.organisations WHERE purged_at IS NULL")) {
            rs.next();
            organisations = rs.getLong(1);
        }
        assertThat(organisations).isGreaterThanOrEqualTo(2);
        assertThat(operatorOnly("audit-integrity", "audit.chains-verify")).containsEntry("chainsVerified", (int) organisations);
        // The chains are verified by the independent offline verifier, not the writer's code.
        assertThat(runner.operatorView().stream().filter(c -> c.id().equals("audit-integrity")).findFirst().orElseThrow()
                .evidence().get("audit.chains-verify").evidence()).containsEntry("verifier", "independent (audit-verify)");

        // Row-level security no longer forced on one tenant table.
        asSuperuser("ALTER TABLE bulwark.contacts NO FORCE ROW LEVEL SECURITY");
        onlyFailing("isolation.rls-catalog", "tenant-isolation");
        asSuperuser("ALTER TABLE bulwark.contacts FORCE ROW LEVEL SECURITY");
        assertThat(failing()).isEmpty();

        // The application's role may now rewrite the audit log.
        asSuperuser("GRANT UPDATE ON bulwark.audit_events TO bulwark_app");
        onlyFailing("audit.append-only", "audit-append-only");
        asSuperuser("REVOKE UPDATE ON bulwark.audit_events FROM bulwark_app");
        assertThat(failing()).isEmpty();

        // A plaintext value stored in an encrypted column, behind the application's back (no audit event names it): the
        // sweep finds it within its cycle, which here, with few rows, is the run under way and the next.
        asSuperuser("UPDATE bulwark.contacts SET name_ct = convert_to('Checked', 'UTF8')");
        for (int run = 0; run < 2 && !failing().contains("encryption.ciphertext-columns"); run++) {
            // the cycle under way may have passed the row already
        }
        onlyFailing("encryption.ciphertext-columns", "field-encryption");
        asSuperuser("UPDATE bulwark.contacts SET name_ct = NULL, name = 'Checked'");
        assertThat(failing()).as("a plaintext column is as bad").containsExactly("encryption.ciphertext-columns");
        app.getBean(dev.bulwark.keys.KeyRotation.class).reencryptAll(orgWithContacts(), 100);
        assertThat(failing()).isEmpty();

        // The enforcer stopped: its last run is older than twice its interval.
        asSuperuser("UPDATE bulwark.retention_runs SET last_finished = now() - interval '3 hours'");
        onlyFailing("retention.enforcer-ran", "retention");
        app.getBean(RetentionEnforcer.class).runAll(Clock.systemUTC()).orElseThrow();
        assertThat(failing()).isEmpty();

        // A security header gone from the application's answers.
        HeaderStripper.STRIP.set("Permissions-Policy");
        try {
            onlyFailing("edge.security-headers", "security-headers");
        } finally {
            HeaderStripper.STRIP.set(null);
        }
        assertThat(failing()).isEmpty();

        // The page shows a failing control under "What we don't claim".
        asSuperuser("GRANT UPDATE ON bulwark.audit_events TO bulwark_app");
        assertThat(failing()).containsExactly("audit.append-only");
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/trust")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String notClaimed = page.substring(page.indexOf("id=\"not-claimed\""));
        assertThat(notClaimed).contains("data-control=\"audit-append-only\"").doesNotContain("data-control=\"tenant-isolation\"");
        asSuperuser("REVOKE UPDATE ON bulwark.audit_events FROM bulwark_app");
        assertThat(failing()).isEmpty();

        // An audit event rewritten behind the application's back; the chain stays failing until the event is put back.
        String event = "FROM bulwark.audit_events WHERE seq = 2 AND tenant_id = '" + orgWithContacts() + "'";
        String type;
        try (Connection c = IntegrationTest.connectAs(dir, "postgres"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT type " + event)) {
            rs.next();
            type = rs.getString(1);
        }
        asSuperuser("UPDATE bulwark.audit_events SET type = 'contact.deleted' " + event.replace("FROM bulwark.audit_events", ""));
        onlyFailing("audit.chains-verify", "audit-integrity");
        assertThat(failing()).containsExactly("audit.chains-verify");
        asSuperuser("UPDATE bulwark.audit_events SET type = '" + type + "' " + event.replace("FROM bulwark.audit_events", ""));
        assertThat(failing()).isEmpty();
    }

    private UUID orgWithContacts() throws Exception {
        try (Connection c = IntegrationTest.connectAs(dir, "postgres"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT tenant_id FROM bulwark.contacts LIMIT 1")) {
            rs.next();
            return rs.getObject(1, UUID.class);
        }
    }

    /**
     * One bad row among thousands in one organisation, old and read last in key order: the sweep finds it within one
     * cycle, whatever its position at the start, keeps failing while it reads healthy rows on, and passes once the row is
     * mended. The public evidence counts the row; it names neither the organisation nor the row.
     */
    @Test
    void theCiphertextSweepFindsOneOldBadRowAmongThousandsWithinACycleAndFailsUntilItIsMended() throws Exception {
        UUID org = orgWithContacts();
        int copies = 3000;
        copyContacts(org, copies);
        String bad = "(SELECT id FROM bulwark.contacts WHERE tenant_id = '" + org + "' ORDER BY id DESC LIMIT 1)";
        UUID badId;
        try (Connection c = IntegrationTest.connectAs(dir, "postgres"); Statement s = c.createStatement();
             var rs = s.executeQuery(bad.substring(1, bad.length() - 1))) {
            rs.next();
            badId = rs.getObject(1, UUID.class);
        }
        try {
            // A cycle starts afresh (other tests leave the sweep anywhere), so the first run cannot reach the last row.
            asSuperuser("UPDATE bulwark.contacts SET notes_ct = '\\x0000'::bytea WHERE tenant_id = '" + org + "' AND id = '" + badId + "'",
                    "DELETE FROM bulwark.trust_sweeps");
            // A cycle reads every row: the one under way when the row went bad, then one whole cycle at most.
            int runsPerCycle = copies / SCAN_BUDGET + 2;
            int runs = 0;
            while (!failing().contains("encryption.ciphertext-columns")) {
                assertThat(++runs).as("found within one cycle").isLessThanOrEqualTo(2 * runsPerCycle);
            }
            assertThat(runs).as("one run reads %d rows, not all of them", SCAN_BUDGET).isPositive();
            // The sweep reads on through healthy rows and starts cycles again; the finding stays until mended.
            for (int i = 0; i < runsPerCycle + 1; i++) {
                assertThat(failing()).containsExactly("encryption.ciphertext-columns");
            }
            assertThat(ciphertextEvidence().get("rowsWithProblems")).isEqualTo(Map.of("contacts", 1));
            Map<String, Object> sizes = operatorOnly("field-encryption", "encryption.ciphertext-columns");
            assertThat(((Number) sizes.get("rowsReadThisRun")).longValue()).isLessThanOrEqualTo(SCAN_BUDGET);
            assertThat(((Number) sizes.get("lastCycleRows")).longValue()).as("a complete cycle read every row")
                    .isGreaterThan(copies);
            String published = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(published).doesNotContain(org.toString()).doesNotContain(badId.toString());

            asSuperuser("UPDATE bulwark.contacts SET notes_ct = NULL WHERE tenant_id = '" + org + "' AND id = '" + badId + "'");
            assertThat(failing()).as("the mended row is read again first").isEmpty();
        } finally {
            asSuperuser("DELETE FROM bulwark.contacts WHERE tenant_id = '" + org + "' AND created_at < now() - interval '1 year'");
        }
    }

    /** A sweep whose cycle took longer than {@code bulwark.trust.scan-cycle} fails: its coverage claim did not hold. */
    @Test
    void aSweepWhoseCycleOutlastsItsBoundFailsUntilACycleFitsAgain() throws Exception {
        runner.runAll();
        asSuperuser("UPDATE bulwark.trust_cursors SET cycle_started_at = now() - interval '2 days' WHERE check_id = 'audit.chains-verify'",
                "UPDATE bulwark.trust_sweeps SET cycle_started_at = now() - interval '2 days'");
        assertThat(failing()).containsExactlyInAnyOrder("audit.chains-verify", "encryption.ciphertext-columns");
        @SuppressWarnings("unchecked")
        Map<String, Object> cycle = (Map<String, Object>) ciphertextEvidence().get("cycle");
        assertThat(cycle).containsEntry("withinBound", false).containsEntry("bound", "PT24H");
        assertThat(java.time.Duration.parse((String) cycle.get("lastTook"))).isGreaterThan(java.time.Duration.ofDays(1));
        assertThat(failing()).as("the next cycle fits").isEmpty();
    }

    /** Copies of a healthy contact's stored values, two years old: the sweep reads the shape of what is stored. */
    private void copyContacts(UUID org, int copies) throws Exception {
        asSuperuser("INSERT INTO bulwark.contacts (tenant_id, id, version, created_at, updated_at, name_ct, email_ct, email_bidx)"
                + " SELECT c.tenant_id, gen_random_uuid(), 1, now() - interval '2 years', now() - interval '2 years', c.name_ct,"
                + " c.email_ct, c.email_bidx FROM (SELECT * FROM bulwark.contacts WHERE tenant_id = '" + org
                + "' AND name_ct IS NOT NULL LIMIT 1) c, generate_series(1, " + copies + ")");
    }

    /**
     * Newest first: a contact written through the API and then spoiled is found by the very next run, with the sweep
     * placed just past it (so that it would not read the row again before the next cycle).
     */
    @Test
    void aRecentWriteIsReadOnTheNextRunWhereverTheSweepIs() throws Exception {
        UUID org = orgWithContacts();
        copyContacts(org, 2000);
        try {
            runner.runAll();
            HttpResponse<String> created = post("/api/v1/orgs/" + org + "/contacts", token, "{\"name\":\"Fresh\",\"notes\":\"n\"}");
            assertThat(created.statusCode()).isEqualTo(201);
            UUID fresh = UUID.fromString(json.readTree(created.body()).get("id").asString());
            asSuperuser("UPDATE bulwark.contacts SET notes_ct = '\\x0000'::bytea WHERE tenant_id = '" + org + "' AND id = '" + fresh + "'",
                    "UPDATE bulwark.trust_sweeps SET tenant_id = '" + org + "', table_index = 1, after_id = '" + fresh + "', after_version = 0");
            assertThat(failing()).containsExactly("encryption.ciphertext-columns");
            @SuppressWarnings("unchecked")
            Map<String, Object> recent = (Map<String, Object>) operatorOnly("field-encryption", "encryption.ciphertext-columns")
                    .get("recentWritesRead");
            assertThat(((Number) recent.get("rows")).intValue()).isPositive();
            assertThat(ciphertextEvidence().get("rowsWithProblems")).isEqualTo(Map.of("contacts", 1));
            asSuperuser("UPDATE bulwark.contacts SET notes_ct = NULL WHERE tenant_id = '" + org + "' AND id = '" + fresh + "'");
            assertThat(failing()).isEmpty();
        } finally {
            asSuperuser("DELETE FROM bulwark.contacts WHERE tenant_id = '" + org + "' AND created_at < now() - interval '1 year'");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> ciphertextEvidence() {
        return runner.view().stream().filter(c -> c.id().equals("field-encryption")).findFirst().orElseThrow()
                .evidence().get("encryption.ciphertext-columns").evidence();
    }

    /** What the operators alone see of one check's evidence. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> operatorOnly(String control, String check) {
        return (Map<String, Object>) runner.operatorView().stream().filter(c -> c.id().equals(control)).findFirst().orElseThrow()
                .evidence().get(check).evidence().get("operatorOnly");
    }

    @Test
    void thePageShowsEveryClaimWithItsStatusUnderAStrictPolicy() throws Exception {
        runner.runAll();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/trust")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        String nonce = csp.replaceAll(".*style-src 'nonce-([^']+)'.*", "$1");
        assertThat(page.body()).contains("<style nonce=\"" + nonce + "\">").doesNotContain("<script");
        for (TrustRunner.ControlView control : runner.view()) {
            assertThat(page.body()).contains("id=\"" + control.id() + "\" data-status=\"" + control.status() + "\"");
            for (String check : control.evidence().keySet()) {
                assertThat(page.body()).as("each check, listed under its control").contains("<code>" + check + "</code>");
            }
            assertThat(page.body()).contains(org.springframework.web.util.HtmlUtils.htmlEscape(control.claim(), "UTF-8"));
        }
        assertThat(page.body()).contains("What we don't claim", "Subprocessors", "/.well-known/security.txt");
        // The subprocessors from configuration, every value escaped.
        assertThat(page.body()).contains("<td>Postmark &amp; Co &lt;b&gt;</td><td>Transactional email</td><td>Email addresses</td>"
                + "<td>EU (Frankfurt)</td><td>Signed 2026-01-10</td>", "<td>Hetzner</td><td>Hosting</td>").doesNotContain("Co <b>");
    }

    @Test
    void everyDocLinkedFromThePageIsServedAndNothingElseIs() throws Exception {
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/trust")).build(), HttpResponse.BodyHandlers.ofString()).body();
        List<String> links = java.util.regex.Pattern.compile("href=\"(/trust/docs/[a-z0-9-]+)\"").matcher(page).results()
                .map(m -> m.group(1)).distinct().toList();
        assertThat(links).contains("/trust/docs/trust-center", "/trust/docs/tenant-isolation", "/trust/docs/encryption");
        for (String link : links) {
            HttpResponse<String> doc = http.send(HttpRequest.newBuilder(URI.create(base + link)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(doc.statusCode()).as(link).isEqualTo(200);
            assertThat(doc.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(doc.body()).as(link).contains("<main id=\"main\" class=\"wrap\"><h1>");
        }
        for (String bad : List.of("nope", "..%2F..%2Fpom", "TRUST-CENTER", "trust-center.md", "a".repeat(41), "%27%20OR%201%3D1")) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/trust/docs/" + bad)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(bad).isIn(400, 404);
            assertThat(refused.body()).as(bad).doesNotContain("<project");
        }
    }

    /** A result older than its check's freshness bound is shown stale, never pass, and the page stops claiming it. */
    @Test
    void aResultPastItsFreshnessBoundShowsStale() throws Exception {
        runner.runAll();
        asSuperuser("UPDATE bulwark.trust_results SET checked_at = now() - interval '31 minutes' WHERE check_id = 'identity.lockout'");
        try {
            TrustRunner.ControlView control = runner.view().stream().filter(c -> c.id().equals("brute-force")).findFirst().orElseThrow();
            assertThat(control.status()).isEqualTo("stale");
            assertThat(control.evidence().get("identity.lockout").status()).isEqualTo("stale");
            String page = http.send(HttpRequest.newBuilder(URI.create(base + "/trust")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("id=\"brute-force\" data-status=\"stale\"");
            assertThat(page.substring(page.indexOf("id=\"not-claimed\""))).contains("data-control=\"brute-force\"");
            JsonNode api = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(api.get("controls").valueStream().filter(c -> c.get("id").asString().equals("brute-force")).findFirst()
                    .orElseThrow().get("status").asString()).isEqualTo("stale");
        } finally {
            runner.runAll();
        }
        assertThat(runner.view().stream().filter(c -> c.id().equals("brute-force")).findFirst().orElseThrow().status()).isEqualTo("pass");
    }

    /**
     * One run at a time across instances: while another holds the lease, a scheduled turn is skipped and a run on
     * demand waits, then runs once the lease is given back. The other instance holds it for an hour and gives it back
     * when this test says so, so nothing here depends on how fast the machine is.
     */
    @Test
    void aRunHeldElsewhereSkipsTheScheduledTurnAndAnOnDemandRunWaitsForIt() throws Exception {
        runner.runAll();
        asSuperuser("UPDATE bulwark.trust_results SET checked_at = now() - interval '20 minutes'",
                "INSERT INTO bulwark.leases (name, held_until) VALUES ('trust-checks', now() + interval '1 hour')"
                        + " ON CONFLICT (name) DO UPDATE SET holder = NULL, held_until = EXCLUDED.held_until");
        try {
            assertThat(runner.runIfFree()).as("the lease is taken").isFalse();
            assertThat(runner.runAll(java.time.Duration.ofMillis(300))).as("a run on demand gives up while it stays taken").isEmpty();
            assertThat(runner.view()).allSatisfy(c -> assertThat(c.checkedAt()).isBefore(java.time.Instant.now().minusSeconds(600)));
            var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> runner.runAll(java.time.Duration.ofMinutes(5)));
            Thread.sleep(300);
            assertThat(waiting).as("waiting for the lease, held for an hour").isNotDone();
            java.time.Instant released = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            // The other instance's run ends: it gives the lease back.
            asSuperuser("DELETE FROM bulwark.leases WHERE name = 'trust-checks' AND holder IS NULL",
                    "UPDATE bulwark.trust_runs SET last_finished = now()");
            assertThat(waiting.get(5, java.util.concurrent.TimeUnit.MINUTES)).as("ran once the lease was given back").isPresent();
            assertThat(runner.view()).allSatisfy(c -> assertThat(c.checkedAt()).isAfterOrEqualTo(released));
        } finally {
            asSuperuser("DELETE FROM bulwark.leases WHERE name = 'trust-checks' AND held_until > now() + interval '30 minutes'");
        }
        assertThat(runner.runIfFree()).as("a finished run gives the lease back").isTrue();
    }

    @Test
    void theEvidenceBundleIsSignedWithThePublishedAuditKey() throws Exception {
        JsonNode evidence = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust/evidence")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String published = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/bulwark-audit-key")).build(),
                HttpResponse.BodyHandlers.ofString()).body().strip();
        assertThat(evidence.get("verifierKey").asString()).isEqualTo(published);
        byte[] typed = java.util.Base64.getDecoder().decode(published.split("\\+", 3)[2]);
        assertThat(typed[0]).isEqualTo((byte) 1);
        byte[] raw = java.util.Arrays.copyOfRange(typed, 1, typed.length);
        byte[] x509 = java.util.HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] der = new byte[x509.length + raw.length];
        System.arraycopy(x509, 0, der, 0, x509.length);
        System.arraycopy(raw, 0, der, x509.length, raw.length);
        java.security.Signature ed = java.security.Signature.getInstance("Ed25519");
        ed.initVerify(java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(der)));
        byte[] payload = java.util.Base64.getDecoder().decode(evidence.get("payload").asString());
        ed.update((evidence.get("context").asString() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ed.update(payload);
        assertThat(ed.verify(java.util.Base64.getDecoder().decode(evidence.get("signature").asString()))).isTrue();
        assertThat(json.readTree(payload).get("controls").size()).isGreaterThanOrEqualTo(12);
        // One byte changed, and it no longer verifies.
        payload[payload.length / 2] ^= 1;
        ed.initVerify(java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(der)));
        ed.update((evidence.get("context").asString() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ed.update(payload);
        assertThat(ed.verify(java.util.Base64.getDecoder().decode(evidence.get("signature").asString()))).isFalse();
    }

    @Test
    void onlyPlatformOperatorsRunTheChecksOnDemand() throws Exception {
        assertThat(post("/api/v1/trust/run", null, "{}").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = post("/api/v1/trust/run", token, "{}");
        assertThat(refused.statusCode()).as("a signed-in user who is no operator").isEqualTo(403);
    }

    /**
     * The build rule: every control has a check (a Control cannot be built without one) and every check a test that
     * makes it fail. Where each check is broken on purpose; a new check without an entry fails this test.
     */
    private static final Map<String, String> BROKEN_BY = Map.ofEntries(
            Map.entry("isolation.rls-catalog", "dev.bulwark.trust.TrustCenterTest#aHealthySystemPassesEveryCheckAndEachBrokenConditionFlipsExactlyItsCheck"),
            Map.entry("isolation.canary", "dev.bulwark.trust.TrustCenterTest#theCanaryFailsWhenAnotherOrganisationsRowsAreVisible"),
            Map.entry("audit.chains-verify", "dev.bulwark.trust.TrustCenterTest#aHealthySystemPassesEveryCheckAndEachBrokenConditionFlipsExactlyItsCheck"),
            Map.entry("audit.append-only", "dev.bulwark.trust.TrustCenterTest#aHealthySystemPassesEveryCheckAndEachBrokenConditionFlipsExactlyItsCheck"),
            Map.entry("encryption.ciphertext-columns", "dev.bulwark.trust.TrustCenterTest#aHealthySystemPassesEveryCheckAndEachBrokenConditionFlipsExactlyItsCheck"),
            Map.entry("audit.checkpoints-fresh", "dev.bulwark.trust.internal.ConfigChecksTest#checkpointsAreLateWhenAnEventWaitedMoreThanThreeIntervals"),
            Map.entry("encryption.key-age", "dev.bulwark.trust.TrustCenterTest#anOverdueDataKeyFailsItsCheck"),
            Map.entry("encryption.root-key", "dev.bulwark.trust.internal.ConfigChecksTest#rootKeyFailsOnTheReadableDevelopmentKeyset"),
            Map.entry("identity.password-hashing", "dev.bulwark.trust.internal.ConfigChecksTest#passwordHashingFailsBelowOwaspsArgon2idCost"),
            Map.entry("identity.mfa", "dev.bulwark.trust.internal.ConfigChecksTest#secondFactorsFailWhenTheAppFactorMisbehavesOrAPasskeyOriginIsNotSecure"),
            Map.entry("identity.lockout", "dev.bulwark.trust.internal.ConfigChecksTest#lockoutFailsWhenTooLenientOrOff"),
            Map.entry("identity.access-tokens", "dev.bulwark.trust.internal.ConfigChecksTest#accessTokensFailWithASharedSecretOrALongLife"),
            Map.entry("identity.sessions", "dev.bulwark.trust.internal.ConfigChecksTest#sessionsFailWhenTheyOutliveTheirBounds"),
            Map.entry("edge.request-limits", "dev.bulwark.trust.internal.ConfigChecksTest#requestLimitsFailWhenABodyOrAStallIsUnbounded"),
            Map.entry("retention.enforcer-ran", "dev.bulwark.trust.TrustCenterTest#aHealthySystemPassesEveryCheckAndEachBrokenConditionFlipsExactlyItsCheck"),
            Map.entry("retention.policies-exist", "dev.bulwark.trust.TrustCenterTest#aMissingRetentionPolicyFailsItsCheck"),
            Map.entry("edge.security-headers", "dev.bulwark.trust.TrustCenterTest#aHealthySystemPassesEveryCheckAndEachBrokenConditionFlipsExactlyItsCheck"),
            Map.entry("edge.security-txt", "dev.bulwark.trust.internal.ConfigChecksTest#securityTxtFailsWithoutAContactOrCloseToExpiry"),
            Map.entry("privacy.subprocessors", "dev.bulwark.trust.internal.ConfigChecksTest#subprocessorsAreNotConfiguredWithoutAListAndFailWhenOneIsIncomplete"),
            Map.entry("edge.tls", "dev.bulwark.trust.internal.ConfigChecksTest#tlsFailsWhenTheLiveConnectorAcceptsAnOldProtocolOrAWeakSuite"),
            Map.entry("access.rate-limits", "dev.bulwark.trust.internal.ConfigChecksTest#rateLimitsFailWhenABudgetIsOff"),
            Map.entry("resilience.database", "dev.bulwark.trust.internal.ConfigChecksTest#theDatabaseCheckFailsWhileItsDatabaseIsDownAndShowsRestarts"),
            Map.entry("egress.internal-addresses", "dev.bulwark.trust.internal.ConfigChecksTest#egressFailsWhenAnInternalAddressIsReachable"),
            Map.entry("sso.enforced-refuses-passwords", "dev.bulwark.trust.internal.ConfigChecksTest#ssoFailsWhenAnEnforcedDomainTakesAPasswordOrAnUnverifiedOneIsEnforced"),
            Map.entry("webhooks.signed", "dev.bulwark.trust.internal.ConfigChecksTest#webhookSigningFailsWhenAnyPartOfTheCanaryMisbehaves"),
            Map.entry("signatures.bound", "dev.bulwark.trust.internal.ConfigChecksTest#signaturesFailWhenAnyPartOfTheCanaryMisbehaves"),
            Map.entry("backup.fresh", "dev.bulwark.trust.internal.ConfigChecksTest#backupFreshnessFailsWhenTheArchiveFailsOrLagsOrTheBackupIsOverdue"),
            Map.entry("backup.drill", "dev.bulwark.trust.internal.ConfigChecksTest#theDrillCheckFailsWhenTheLastDrillFailedIsUnsignedOrOld"),
            Map.entry("ai.off-unless-enabled", "dev.bulwark.trust.internal.ConfigChecksTest#aiOffByDefaultFailsWhenAnOrganisationWithoutPolicyReadsAiOnOrACallOfItIsAdmitted"),
            Map.entry("ai.prompts-sanitised", "dev.bulwark.trust.internal.ConfigChecksTest#aiPromptsSanitisedFailsWhenAnOriginalWouldBeSentOrTheEmailIsNotRestored"),
            Map.entry("ai.usage-retention", "dev.bulwark.trust.TrustCenterTest#anAiUsageRecordPastItsRetentionFailsItsCheck"),
            Map.entry("ai.providers-published", "dev.bulwark.trust.internal.ConfigChecksTest#aiProvidersFailWhenOneIsPublishedWithoutRegionOrModels"),
            Map.entry("guests.links-hashed", "dev.bulwark.trust.internal.GuestLinksCheckTest#guestLinksFailWhenAnyPartOfTheProbeFails"));

    @Test
    void everyControlHasACheckAndEveryCheckATestThatBreaksIt() throws Exception {
        List<Control> controls = app.getBean(dev.bulwark.trust.internal.Controls.class).all();
        assertThat(controls).hasSizeGreaterThanOrEqualTo(12).allSatisfy(c -> assertThat(c.checks()).isNotEmpty());
        Set<String> checks = controls.stream().flatMap(c -> c.checks().stream()).map(Check::id).collect(java.util.stream.Collectors.toSet());
        assertThat(BROKEN_BY.keySet()).as("every check has a test that breaks it, and no test names a check that is gone")
                .containsExactlyInAnyOrderElementsOf(checks);
        for (String test : BROKEN_BY.values()) {
            String[] parts = test.split("#");
            var method = Class.forName(parts[0]).getDeclaredMethod(parts[1]);
            assertThat(method.isAnnotationPresent(Test.class)).as(test).isTrue();
        }
    }

    @Test
    void theCanaryFailsWhenAnotherOrganisationsRowsAreVisible() throws Exception {
        // A policy that lets every tenant see every row of memberships: the probe now sees other organisations' rows.
        asSuperuser("CREATE POLICY leak ON bulwark.memberships USING (true)");
        try {
            Set<String> failing = failing();
            assertThat(failing).contains("isolation.canary");
        } finally {
            asSuperuser("DROP POLICY leak ON bulwark.memberships");
        }
        assertThat(failing()).doesNotContain("isolation.canary");
    }

    @Test
    void anOverdueDataKeyFailsItsCheck() throws Exception {
        UUID org = orgWithContacts();
        asSuperuser("UPDATE bulwark.tenant_keys SET created_at = now() - interval '400 days', rotated_at = NULL WHERE tenant_id = '" + org + "'",
                "DELETE FROM bulwark.trust_cursors");
        try {
            assertThat(failing()).contains("encryption.key-age");
        } finally {
            asSuperuser("UPDATE bulwark.tenant_keys SET created_at = now() WHERE tenant_id = '" + org + "'", "DELETE FROM bulwark.trust_cursors");
        }
        assertThat(failing()).doesNotContain("encryption.key-age");
    }

    @Test
    void anAiUsageRecordPastItsRetentionFailsItsCheck() throws Exception {
        UUID org = orgWithContacts();
        UUID row = UUID.randomUUID();
        asSuperuser("INSERT INTO bulwark.ai_usage (tenant_id, id, feature, model, input_tokens, output_tokens, occurred_at)"
                + " VALUES ('" + org + "', '" + row + "', 'trust test', 'stub-chat', 0, 0, now() - interval '200 days')", "DELETE FROM bulwark.trust_cursors");
        try {
            assertThat(failing()).contains("ai.usage-retention");
        } finally {
            asSuperuser("DELETE FROM bulwark.ai_usage WHERE id = '" + row + "'", "DELETE FROM bulwark.trust_cursors");
        }
        assertThat(failing()).doesNotContain("ai.usage-retention");
    }

    @Test
    void theAiControlsPassLiveAndThePagePublishesTheProvidersWithoutKeysOrUrls() throws Exception {
        Map<String, String> checks = checks();
        assertThat(checks).containsEntry("ai.off-unless-enabled", "pass").containsEntry("ai.prompts-sanitised", "pass")
                .containsEntry("ai.providers-published", "pass");
        var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/trust")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("AI providers", "stub-openai", "stub-anthropic", "stub-claude")
                .doesNotContain("platform-openai-key-0001", "127.0.0.1:27808");
    }

    @Test
    void aMissingRetentionPolicyFailsItsCheck() throws Exception {
        UUID org = orgWithContacts();
        asSuperuser("DELETE FROM bulwark.retention_policies WHERE tenant_id = '" + org + "' AND data_class = 'ai.usage'");
        try {
            app.getBean(dev.bulwark.trust.internal.TrustRunner.class);
            asSuperuser("DELETE FROM bulwark.trust_cursors");
            assertThat(failing()).contains("retention.policies-exist");
        } finally {
            asSuperuser("INSERT INTO bulwark.retention_policies (tenant_id, data_class, retention_days, updated_at) VALUES ('" + org
                    + "', 'ai.usage', 90, now())");
        }
        asSuperuser("DELETE FROM bulwark.trust_cursors");
        assertThat(failing()).doesNotContain("retention.policies-exist");
    }

    /** Issue 10, acceptance 3: Debian's headless Chromium loads /trust, finds every claim and status, logs no error. */
    @Test
    void aRealBrowserShowsEveryClaimAndStatusWithNoCspViolationOrConsoleError() {
        runner.runAll();
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(Path.of("/usr/bin/chromedriver")).as("Debian's chromium-driver (.ci/run installs it)").exists();
        org.openqa.selenium.chrome.ChromeOptions options = new org.openqa.selenium.chrome.ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability(org.openqa.selenium.chrome.ChromeOptions.LOGGING_PREFS, logs);
        org.openqa.selenium.chrome.ChromeDriverService service = new org.openqa.selenium.chrome.ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        org.openqa.selenium.WebDriver browser = new org.openqa.selenium.chrome.ChromeDriver(service, options);
        try {
            browser.get(base + "/trust");
            assertThat(browser.getTitle()).isEqualTo("Bulwark trust center");
            for (TrustRunner.ControlView control : runner.view()) {
                org.openqa.selenium.WebElement shown = browser.findElement(org.openqa.selenium.By.id(control.id()));
                assertThat(shown.getAttribute("data-status")).isEqualTo(control.status());
                assertThat(shown.getText()).contains(control.claim(), control.title());
            }
            // The nonce'd style block applied (a blocked one would leave the default font).
            String font = (String) ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeScript("return getComputedStyle(document.body).fontFamily");
            assertThat(font).contains("system-ui");
            List<String> problems = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                            || e.getMessage().contains("Content Security Policy"))
                    .map(e -> e.getLevel() + " " + e.getMessage()).toList();
            assertThat(problems).as("console errors and CSP violations").isEmpty();
        } finally {
            browser.quit();
        }
    }

    /**
     * The public answers — the API, the page and the signed bundle — give no tenant count (the number of
     * organisations, under any name) and nothing of how or where keys are stored; the operators' view still holds both.
     */
    @Test
    void thePublicAnswersNameNoTenantCountAndNoKeyStorage() throws Exception {
        // Grow the platform to a number of organisations that no figure of the public evidence equals by chance: a
        // figure that is the count would follow it there.
        runner.runAll();
        Set<Long> figures = publicFigures();
        int organisations = (int) count("SELECT count(*) FROM bulwark.organisations WHERE purged_at IS NULL");
        int target = organisations;
        while (figures.contains((long) target) || figures.contains((long) target - 1)) {
            target++;
        }
        assertThat(target - organisations).as("signups within the per-address budget").isLessThan(20);
        for (int i = organisations; i < target; i++) {
            post("/api/v1/signup", null, "{\"email\":\"count-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com\",\"password\":\""
                    + IntegrationTest.STRONG_PASSWORD + "\",\"name\":\"C\",\"organisationName\":\"Counted\"}");
        }
        organisations = (int) count("SELECT count(*) FROM bulwark.organisations WHERE purged_at IS NULL");
        assertThat(organisations).isEqualTo(target);
        asSuperuser("DELETE FROM bulwark.trust_cursors");
        runner.runAll();
        assertThat(publicFigures()).as("no figure is the organisation count").doesNotContain((long) organisations, (long) organisations - 1);

        String api = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/trust")).build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonNode bundle = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust/evidence")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String signed = new String(java.util.Base64.getDecoder().decode(bundle.get("payload").asString()), java.nio.charset.StandardCharsets.UTF_8);
        // Keys as the JSON (\"key\":) and the page (key: ) show them; "otherOrganisationsRowsVisible" is a verdict, not a count.
        java.util.regex.Pattern counts = java.util.regex.Pattern.compile(
                "\\b(otherOrganisations|organisations|chainsVerified|chainsBehind|eventsChecked|rootKeyForm)\"?:");
        for (String answer : List.of(api, page, signed)) {
            assertThat(counts.matcher(answer).find()).as("a count of organisations or chains in %s", answer).isFalse();
            assertThat(answer).doesNotContain("LOCAL_SEALED", "LOCAL_UNSEALED", "local-kms", "kms://", dir.toString(), "/keys",
                    "operatorOnly");
        }
        // The operators still see them.
        assertThat(operatorOnly("tenant-isolation", "isolation.canary")).containsEntry("otherOrganisations", organisations - 1);
        assertThat(operatorOnly("root-key", "encryption.root-key")).containsEntry("rootKeyForm", "LOCAL_SEALED");
    }

    /** Every number in the public evidence of {@code GET /api/v1/trust}. */
    private Set<Long> publicFigures() throws Exception {
        Set<Long> figures = new java.util.TreeSet<>();
        numbersIn(json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust")).build(),
                HttpResponse.BodyHandlers.ofString()).body()), figures);
        return figures;
    }

    private static void numbersIn(JsonNode node, Set<Long> into) {
        if (node.isNumber()) {
            into.add(node.asLong());
        }
        node.forEach(child -> numbersIn(child, into));
    }

    private long count(String sql) throws Exception {
        try (Connection c = IntegrationTest.connectAs(dir, "postgres"); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theTrustApiAnswersTheDocumentedShape() throws Exception {
        runner.runAll();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode controls = json.readTree(response.body()).get("controls");
        assertThat(controls.size()).isGreaterThanOrEqualTo(12);
        for (JsonNode control : controls) {
            assertThat(control.get("id").asString()).matches("[a-z-]+");
            assertThat(control.get("title").asString()).isNotBlank();
            assertThat(control.get("claim").asString()).endsWith(".");
            assertThat(control.get("status").asString()).isIn("pass", "fail", "stale", "not_configured");
            assertThat(control.get("checkedAt").isNull()).isFalse();
            assertThat(control.get("evidence").size()).isPositive();
            assertThat(control.get("mapsTo").size()).isPositive();
        }
        assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
        List<String> ids = controls.valueStream().map(c -> c.get("id").asString()).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }
}
