package dev.bulwark.guests;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest portal over real HTTP (docs/guests.md): GET of a magic link does not use it, the page's POST uses it once;
 * links expire after ten minutes and guest access at its end (time moved by an injected clock, never waited for);
 * revocation ends the session at once; a guest sees only its project's effective documents; the guest cookie opens
 * nothing else; the sign-in refuses other origins and a missing or foreign page field; bad input changes nothing.
 */
@Import(GuestPortalTest.Clocks.class)
class GuestPortalTest extends IntegrationTest {

    private static final String AGENT = "GuestPortalTest/1 (a browser)";
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static final Pattern LINK = Pattern.compile("(/portal/magic\\?token=[A-Za-z0-9_-]{43})");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"");

    /** The application's clock, moved forward by the tests (never back, so audit times stay in order). */
    static final class MovableClock extends Clock {

        private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

        void advance(Duration by) {
            ahead.accumulateAndGet(by, Duration::plus);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead.get());
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @Autowired
    private MovableClock clock;

    @Autowired
    private GuestAssurance assurance;

    // ---- fixtures --------------------------------------------------------------------------------------------------

    private record Shared(Tenant tenant, UUID project, UUID effective, UUID draft) {
    }

    /** An organisation with a project holding one effective and one draft document. */
    private Shared sharedProject() throws SQLException {
        Tenant t = newTenant();
        UUID project = project(t, "Client files");
        UUID effective = document(t, project, "Signed policy", "<p>the effective text</p>");
        UUID draft = document(t, project, "Draft policy", "<p>the draft text</p>");
        makeEffective(effective);
        return new Shared(t, project, effective, draft);
    }

    private UUID project(Tenant t, String name) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + t.id() + "/projects", t.owner(), "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(body(created).get("id").asString());
    }

    private UUID document(Tenant t, UUID project, String title, String html) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + t.id() + "/projects/" + project + "/documents", t.owner(),
                json.writeValueAsString(Map.of("title", title, "body", html)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(body(created).get("id").asString());
    }

    /**
     * A fixture: the document as promoted. Promotion itself (signatures, approvals) is tested in
     * signatures/SignaturesTest; here the superuser sets the state with triggers off for this session only, since the
     * trigger that asks for an approval signature would need a whole signing ceremony.
     */
    private static void makeEffective(UUID document) throws SQLException {
        try (Connection c = connectAs("postgres")) {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = replica");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE bulwark.documents SET status = 'effective', effective_version = version WHERE id = ?")) {
                ps.setObject(1, document);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
    }

    private String guestsPath(Tenant t, UUID project) {
        return "/api/v1/orgs/" + t.id() + "/projects/" + project + "/guests";
    }

    /** Invites a fresh address; returns its guest id and address. */
    private Map.Entry<UUID, String> invite(Tenant t, UUID project, String extra) {
        String email = uniqueEmail();
        HttpResponse<String> created = call("POST", guestsPath(t, project), t.owner(),
                "{\"email\":\"" + email + "\"" + (extra == null ? "" : "," + extra) + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode guest = body(created);
        assertThat(guest.get("email").asString()).isEqualTo(email);
        assertThat(guest.get("projectId").asString()).isEqualTo(project.toString());
        return Map.entry(UUID.fromString(guest.get("id").asString()), email);
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + "token=".length());
    }

    /** What the confirmation page gave the browser: its form cookie and its CSRF field. */
    private record Page(int status, String html, String formCookie, String csrf) {
    }

    private Page open(String link) {
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri(link)).header("User-Agent", AGENT).header("Accept", BROWSER_ACCEPT)
                .GET().build());
        String cookie = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-bulwark-guest-form="))
                .findFirst().map(c -> c.substring(c.indexOf('=') + 1, c.indexOf(';'))).orElse(null);
        Matcher m = CSRF.matcher(page.body());
        return new Page(page.statusCode(), page.body(), cookie, m.find() ? m.group(1) : null);
    }

    private HttpResponse<String> confirm(String token, Page page, String... headers) {
        return confirm(form("token", token, "csrf", page.csrf()), page.formCookie(), headers);
    }

    private HttpResponse<String> confirm(String formBody, String formCookie, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/portal/magic"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", AGENT)
                .header("Accept", BROWSER_ACCEPT)
                .POST(HttpRequest.BodyPublishers.ofString(formBody));
        boolean origin = false;
        for (int i = 0; i < headers.length; i += 2) {
            origin |= headers[i].equalsIgnoreCase("Origin") || headers[i].equalsIgnoreCase("X-No-Origin");
        }
        if (!origin) {
            b.header("Origin", "http://localhost:" + port);
        }
        if (formCookie != null) {
            b.header("Cookie", "__Host-bulwark-guest-form=" + formCookie);
        }
        for (int i = 0; i < headers.length; i += 2) {
            if (!headers[i].equals("X-No-Origin")) {
                b.header(headers[i], headers[i + 1]);
            }
        }
        return send(b.build());
    }

    private static String form(String... pairs) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                parts.add(pairs[i] + "=" + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
            }
        }
        return String.join("&", parts);
    }

    /**
     * The link of a mail to {@code email} sent after the one carrying {@code previous}: the outbox sends after commit, so
     * the new mail is waited for (with a deadline only a mail that never comes reaches).
     */
    private static String newLink(String email, String previous) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String link = mailedTo(email, LINK.pattern());
            if (!link.equals(previous)) {
                return link;
            }
            assertThat(System.nanoTime()).as("a new link mailed to " + email).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Signs in with the first link mailed to {@code email}; returns the guest session cookie's value. */
    private String signIn(String email) {
        return signInWith(mailedTo(email, LINK.pattern()));
    }

    private String signInWith(String link) {
        Page page = open(link);
        assertThat(page.status()).as(page.html()).isEqualTo(200);
        HttpResponse<String> signedIn = confirm(token(link), page);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        return sessionCookie(signedIn);
    }

    private static String sessionCookie(HttpResponse<String> signedIn) {
        String header = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-bulwark-guest="))
                .findFirst().orElseThrow();
        return header.substring(header.indexOf('=') + 1, header.indexOf(';'));
    }

    private HttpResponse<String> asGuest(String path, String session) {
        return asGuest("GET", path, session, AGENT);
    }

    private HttpResponse<String> asGuest(String method, String path, String session, String agent) {
        return send(HttpRequest.newBuilder(uri(path)).header("Cookie", "__Host-bulwark-guest=" + session).header("User-Agent", agent)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static long count(String sql, Object... args) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ---- the link ----------------------------------------------------------------------------------------------------

    @Test
    void aGetShowsTheButtonWithoutUsingTheLinkAndThePostUsesItOnce() throws Exception {
        Shared s = sharedProject();
        var guest = invite(s.tenant(), s.project(), null);
        String link = mailedTo(guest.getValue(), LINK.pattern());

        // A mail scanner following the link, twice: the page, and the link still unused.
        Page first = open(link);
        Page second = open(link);
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(first.html()).contains("<form method=\"post\" action=\"/portal/magic\">", "<button type=\"submit\">")
                .doesNotContain("<script");
        assertThat(count("SELECT count(*) FROM bulwark.guest_links WHERE guest_id = ? AND used_at IS NULL", guest.getKey())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM bulwark.guest_sessions WHERE guest_id = ?", guest.getKey())).isZero();
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri(link)).GET().build());
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("script-src 'nonce-", "form-action 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.body()).contains("<style nonce=\"" + policy.replaceAll(".*style-src 'nonce-([^']+)'.*", "$1") + "\">");
        String formCookie = page.headers().allValues("Set-Cookie").getFirst();
        assertThat(formCookie).startsWith("__Host-bulwark-guest-form=").contains("HttpOnly", "Secure", "SameSite=Strict", "Path=/");

        // The button: the link is used, a session cookie starts.
        HttpResponse<String> signedIn = confirm(token(link), second);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/api/v1/portal/documents");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-bulwark-guest=")).findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=");
        String session = sessionCookie(signedIn);

        // Used: a second POST, and the page, answer 401; no second session.
        assertThat(confirm(token(link), first).statusCode()).isEqualTo(401);
        assertThat(open(link).status()).isEqualTo(401);
        assertThat(count("SELECT count(*) FROM bulwark.guest_sessions WHERE guest_id = ?", guest.getKey())).isEqualTo(1);

        // The session reads the project's effective documents.
        JsonNode listed = body(asGuest("/api/v1/portal/documents", session));
        assertThat(listed.get("items")).hasSize(1);
        assertThat(listed.get("items").get(0).get("id").asString()).isEqualTo(s.effective().toString());
        JsonNode one = body(asGuest("/api/v1/portal/documents/" + s.effective(), session));
        assertThat(one.get("title").asString()).isEqualTo("Signed policy");
        assertThat(one.get("body").asString()).contains("the effective text");
        assertThat(asGuest("/api/v1/portal/documents/" + s.draft(), session).statusCode()).as("a draft").isEqualTo(404);

        // Stored hashed: neither the link's nor the session's token, each stored as its SHA-256.
        byte[] linkHash = bytes("SELECT token_hash FROM bulwark.guest_links WHERE guest_id = ?", guest.getKey());
        assertThat(linkHash).isEqualTo(MessageDigest.getInstance("SHA-256").digest(token(link).getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(token(link).getBytes(StandardCharsets.UTF_8));
        byte[] sessionHash = bytes("SELECT token_hash FROM bulwark.guest_sessions WHERE guest_id = ?", guest.getKey());
        assertThat(sessionHash).isEqualTo(MessageDigest.getInstance("SHA-256").digest(session.getBytes(StandardCharsets.UTF_8)));
        assertThat(databaseDump()).doesNotContain(token(link)).doesNotContain(session).doesNotContain(guest.getValue());

        // Audited: invited by the owner, signed in by the guest as an actor of its own type.
        var invited = auditEvents(s.tenant().id(), "guest.invited");
        assertThat(invited).hasSize(1);
        assertThat(invited.getFirst().get("actor_type")).isEqualTo("user");
        assertThat(String.valueOf(invited.getFirst().get("after"))).doesNotContain(guest.getValue()).doesNotContain(token(link));
        var signedInEvents = auditEvents(s.tenant().id(), "guest.signed_in");
        assertThat(signedInEvents).hasSize(1);
        assertThat(signedInEvents.getFirst().get("actor_type")).isEqualTo("guest");
        assertThat(signedInEvents.getFirst().get("actor_id")).isEqualTo(guest.getKey());
        assertThat(signedInEvents.getFirst().get("entity_type")).isEqualTo("guest");
    }

    /** The page field for a form cookie and a token, as the page computes it: an attacker without the cookie cannot. */
    private static String csrf(String formCookie, String token) {
        try {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(("guest-form\n" + formCookie + "\n" + token).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String sql, Object arg) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    @Test
    void aLinkExpiresAfterTenMinutesAndAFreshOneSignsIn() throws Exception {
        Shared s = sharedProject();
        var guest = invite(s.tenant(), s.project(), null);
        String link = mailedTo(guest.getValue(), LINK.pattern());
        Page page = open(link);
        assertThat(page.status()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(10).plusSeconds(5));
        assertThat(open(link).status()).as("the page of an expired link").isEqualTo(401);
        assertThat(confirm(token(link), page).statusCode()).as("an expired link").isEqualTo(401);
        assertThat(count("SELECT count(*) FROM bulwark.guest_sessions WHERE guest_id = ?", guest.getKey())).isZero();

        HttpResponse<String> fresh = call("POST", guestsPath(s.tenant(), s.project()) + "/" + guest.getKey() + "/link", s.tenant().owner(), null);
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(202);
        String second = newLink(guest.getValue(), link);
        String session = signInWith(second);
        assertThat(asGuest("/api/v1/portal/documents", session).statusCode()).isEqualTo(200);
        assertThat(eventsOfType(s.tenant().id(), "guest.invited")).isEqualTo(2);
    }

    @Test
    void guestAccessEndsAtItsExpiryAndTheSessionWithIt() throws Exception {
        Shared s = sharedProject();
        Instant until = clock.instant().plus(Duration.ofHours(2));
        var guest = invite(s.tenant(), s.project(), "\"expiresAt\":\"" + until + "\"");
        String session = signIn(guest.getValue());
        assertThat(asGuest("/api/v1/portal/documents", session).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofHours(2).plusMinutes(1));
        assertThat(asGuest("/api/v1/portal/documents", session).statusCode()).isEqualTo(401);
        HttpResponse<String> fresh = call("POST", guestsPath(s.tenant(), s.project()) + "/" + guest.getKey() + "/link", s.tenant().owner(), null);
        assertThat(fresh.statusCode()).isEqualTo(409);
        assertThat(body(fresh).get("type").asString()).endsWith("guest-inactive");
    }

    @Test
    void revocationEndsTheSessionAtOnce() throws Exception {
        Shared s = sharedProject();
        var guest = invite(s.tenant(), s.project(), null);
        String first = mailedTo(guest.getValue(), LINK.pattern());
        String session = signInWith(first);
        assertThat(asGuest("/api/v1/portal/documents", session).statusCode()).isEqualTo(200);
        // A second, unused link mailed before the revocation.
        assertThat(call("POST", guestsPath(s.tenant(), s.project()) + "/" + guest.getKey() + "/link", s.tenant().owner(), null)
                .statusCode()).isEqualTo(202);
        String unused = newLink(guest.getValue(), first);
        Page unusedPage = open(unused);
        assertThat(unusedPage.status()).isEqualTo(200);

        HttpResponse<String> revoked = call("DELETE", guestsPath(s.tenant(), s.project()) + "/" + guest.getKey(), s.tenant().owner(), null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
        // The very next request: no grace period, no cached session.
        assertThat(asGuest("/api/v1/portal/documents", session).statusCode()).isEqualTo(401);
        assertThat(asGuest("/api/v1/portal/documents/" + s.effective(), session).statusCode()).isEqualTo(401);
        assertThat(confirm(token(unused), unusedPage).statusCode()).as("a link mailed before the revocation").isEqualTo(401);

        JsonNode listed = body(call("GET", guestsPath(s.tenant(), s.project()), s.tenant().owner(), null));
        assertThat(listed.get("items")).hasSize(1);
        JsonNode revokedAt = listed.get("items").get(0).get("revokedAt");
        assertThat(revokedAt).isNotNull();
        assertThat(revokedAt.isNull()).isFalse();
        var events = auditEvents(s.tenant().id(), "guest.revoked");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("actor_type")).isEqualTo("user");
        assertThat(String.valueOf(events.getFirst().get("after"))).contains("\"sessionsEnded\":1");
    }

    // ---- what a guest sees ------------------------------------------------------------------------------------------

    @Test
    void aGuestOfOneProjectSeesNothingOfAnotherNorOfAnotherOrganisation() throws Exception {
        Shared s = sharedProject();
        UUID otherProject = project(s.tenant(), "Another client");
        UUID otherDocument = document(s.tenant(), otherProject, "Not shared", "<p>another client's text</p>");
        makeEffective(otherDocument);
        Shared foreign = sharedProject();

        var guest = invite(s.tenant(), s.project(), null);
        String session = signIn(guest.getValue());
        HttpResponse<String> list = asGuest("/api/v1/portal/documents", session);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(s.effective().toString()).doesNotContain(otherDocument.toString())
                .doesNotContain(s.draft().toString()).doesNotContain(foreign.effective().toString());
        assertThat(asGuest("/api/v1/portal/documents/" + otherDocument, session).statusCode()).isEqualTo(404);
        assertThat(asGuest("/api/v1/portal/documents/" + foreign.effective(), session).statusCode()).isEqualTo(404);
        assertThat(asGuest("/api/v1/portal/documents/" + UUID.randomUUID(), session).statusCode()).isEqualTo(404);
        assertThat(asGuest("/api/v1/portal/documents/not-an-id", session).statusCode()).isEqualTo(400);
        assertThat(asGuest("/api/v1/portal/documents?cursor=%25%25bad", session).statusCode()).isEqualTo(400);
    }

    @Test
    void theGuestCookieOpensNothingElse() throws Exception {
        Shared s = sharedProject();
        var guest = invite(s.tenant(), s.project(), null);
        String session = signIn(guest.getValue());
        String org = "/api/v1/orgs/" + s.tenant().id();
        for (String path : List.of("/api/v1/me", org, org + "/projects", org + "/projects/" + s.project() + "/documents",
                org + "/projects/" + s.project() + "/documents/" + s.effective(), org + "/projects/" + s.project() + "/guests",
                org + "/audit/events", "/api/v1/trust/operator")) {
            assertThat(asGuest(path, session).statusCode()).as(path).isIn(401, 404);
        }
        assertThat(asGuest("DELETE", org + "/projects/" + s.project() + "/guests/" + guest.getKey(), session, AGENT).statusCode())
                .isIn(401, 404);
        // As a bearer token it is no credential either.
        HttpResponse<String> bearer = send(HttpRequest.newBuilder(uri(org + "/projects")).header("Authorization", "Bearer " + session).GET().build());
        assertThat(bearer.statusCode()).isEqualTo(401);
        // Another browser presenting the cookie: refused (the session is bound to the browser that signed in).
        assertThat(asGuest("GET", "/api/v1/portal/documents", session, "Another/2").statusCode()).isEqualTo(401);
        // No cookie, a malformed one, a well-formed unknown one.
        assertThat(get("/api/v1/portal/documents").statusCode()).isEqualTo(401);
        assertThat(asGuest("/api/v1/portal/documents", "nonsense").statusCode()).isEqualTo(401);
        assertThat(asGuest("/api/v1/portal/documents", "A".repeat(43)).statusCode()).isEqualTo(401);
        // A member's own access token reads nothing on the portal.
        assertThat(call("GET", "/api/v1/portal/documents", s.tenant().owner(), null).statusCode()).isEqualTo(401);
        assertThat(count("SELECT count(*) FROM bulwark.guests WHERE id = ? AND revoked_at IS NULL", guest.getKey())).isEqualTo(1);
    }

    // ---- the sign-in form's defences ----------------------------------------------------------------------------------

    @Test
    void theSignInRefusesOtherOriginsAndAMissingOrForeignPageField() throws Exception {
        Shared s = sharedProject();
        var guest = invite(s.tenant(), s.project(), null);
        String link = mailedTo(guest.getValue(), LINK.pattern());
        String token = token(link);
        Page page = open(link);
        Page otherBrowser = open(link);

        assertThat(confirm(token, page, "Origin", "https://evil.example").statusCode()).as("another origin").isEqualTo(403);
        assertThat(confirm(token, page, "Origin", "null").statusCode()).as("an opaque origin").isEqualTo(403);
        assertThat(confirm(token, page, "X-No-Origin", "").statusCode()).as("no Origin nor Referer").isEqualTo(403);
        assertThat(confirm(token, page, "Sec-Fetch-Site", "cross-site").statusCode()).as("marked cross-site").isEqualTo(403);
        assertThat(confirm(form("token", token), page.formCookie()).statusCode()).as("no field").isEqualTo(403);
        assertThat(confirm(form("token", token, "csrf", page.csrf()), (String) null).statusCode()).as("no form cookie").isEqualTo(403);
        assertThat(confirm(form("token", token, "csrf", page.csrf()), otherBrowser.formCookie()).statusCode())
                .as("another browser's cookie").isEqualTo(403);
        assertThat(confirm(form("token", token, "csrf", "x" + page.csrf()), page.formCookie()).statusCode()).as("a wrong field")
                .isEqualTo(403);
        HttpResponse<String> json = send(HttpRequest.newBuilder(uri("/portal/magic")).header("Content-Type", "application/json")
                .header("Origin", "http://localhost:" + port).POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build());
        assertThat(json.statusCode()).as("not a form").isEqualTo(415);
        // Every refusal left the link unused and started nothing.
        assertThat(count("SELECT count(*) FROM bulwark.guest_sessions WHERE guest_id = ?", guest.getKey())).isZero();
        assertThat(eventsOfType(s.tenant().id(), "guest.signed_in")).isZero();

        // The same page's field with a Referer of this origin (no Origin) signs in.
        HttpResponse<String> signedIn = confirm(token, page, "X-No-Origin", "", "Referer", "http://localhost:" + port + link);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    }

    @Test
    void malformedUnknownOrMissingTokensAnswer401AndChangeNothing() {
        for (String link : List.of("/portal/magic", "/portal/magic?token=", "/portal/magic?token=short",
                "/portal/magic?token=" + "A".repeat(43), "/portal/magic?token=%3Cscript%3E")) {
            HttpResponse<String> page = get(link, "Accept", BROWSER_ACCEPT);
            assertThat(page.statusCode()).as(link).isEqualTo(401);
            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(page.body()).as(link).contains("This link is not valid").doesNotContain("<script>");
            // Any other client: the same refusal as a problem.
            HttpResponse<String> problem = get(link);
            assertThat(problem.statusCode()).as(link).isEqualTo(401);
            assertThat(problem.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(body(problem).get("type").asString()).endsWith("magic-link-invalid");
        }
        Page none = new Page(0, "", "form", csrf("form", "A".repeat(43)));
        assertThat(confirm("A".repeat(43), none).statusCode()).isEqualTo(401);
    }

    // ---- managing guests ----------------------------------------------------------------------------------------------

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        Shared s = sharedProject();
        String path = guestsPath(s.tenant(), s.project());
        List<String> before = tenantRows(s.tenant().id());
        for (String bad : List.of("{}", "{\"email\":\"\"}", "{\"email\":\"not an address\"}", "{\"email\":\"a@b\"}",
                "{\"email\":\"" + "a".repeat(250) + "@example.com\"}", "{\"email\":42}", "{\"email\":\"x@example.com\",\"role\":\"OWNER\"}",
                "{\"email\":\"x@example.com\",\"expiresAt\":\"yesterday\"}",
                "{\"email\":\"x@example.com\",\"expiresAt\":\"" + clock.instant().minusSeconds(60) + "\"}",
                "{\"email\":\"x@example.com\",\"expiresAt\":\"" + clock.instant().plus(Duration.ofDays(400)) + "\"}", "[]", "nonsense")) {
            HttpResponse<String> refused = call("POST", path, s.tenant().owner(), bad);
            assertThat(refused.statusCode()).as(bad + ": " + refused.body()).isEqualTo(400);
        }
        assertThat(call("POST", guestsPath(s.tenant(), UUID.randomUUID()), s.tenant().owner(), "{\"email\":\"x@example.com\"}")
                .statusCode()).as("an unknown project").isEqualTo(404);
        assertThat(call("POST", "/api/v1/orgs/" + s.tenant().id() + "/projects/not-a-uuid/guests", s.tenant().owner(),
                "{\"email\":\"x@example.com\"}").statusCode()).isEqualTo(400);
        assertThat(call("DELETE", path + "/" + UUID.randomUUID(), s.tenant().owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("POST", path + "/" + UUID.randomUUID() + "/link", s.tenant().owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", path + "?limit=0", s.tenant().owner(), null).statusCode()).isEqualTo(400);
        assertThat(call("GET", path + "?cursor=%25%25", s.tenant().owner(), null).statusCode()).isEqualTo(400);
        assertThat(tenantRows(s.tenant().id())).isEqualTo(before);
    }

    @Test
    void membersAndAboveInviteInPersonAndOtherOrganisationsGet404() throws Exception {
        Shared s = sharedProject();
        String path = guestsPath(s.tenant(), s.project());
        String body = "{\"email\":\"" + uniqueEmail() + "\"}";
        assertThat(call("POST", path, joined(s.tenant().id(), "MEMBER"), body).statusCode()).isEqualTo(201);
        assertThat(call("POST", path, joined(s.tenant().id(), "ADMIN"), "{\"email\":\"" + uniqueEmail() + "\"}").statusCode()).isEqualTo(201);
        Person viewer = joined(s.tenant().id(), "VIEWER");
        assertThat(call("POST", path, viewer, body).statusCode()).isEqualTo(403);
        assertThat(call("GET", path, viewer, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", path, joined(s.tenant().id(), "AUDITOR"), body).statusCode()).isEqualTo(403);
        // An API key never shares documents with an outsider, whatever its role.
        HttpResponse<String> key = call("POST", "/api/v1/orgs/" + s.tenant().id() + "/api-keys", s.tenant().owner(),
                "{\"name\":\"ci\",\"role\":\"ADMIN\"}");
        String[] keyAuth = {"Authorization", "Bearer " + body(key).get("key").asString()};
        assertThat(call("POST", path, null, body, keyAuth).statusCode()).isEqualTo(403);
        assertThat(call("GET", path, null, null, keyAuth).statusCode()).isEqualTo(200);

        // Another organisation: its owner with this organisation's ids, and with its own org and this project.
        var guest = invite(s.tenant(), s.project(), null);
        Tenant other = newTenant();
        List<String> before = tenantRows(s.tenant().id());
        String otherPath = guestsPath(other, s.project());
        for (String[] c : List.of(new String[] {"POST", path, body}, new String[] {"GET", path, null},
                new String[] {"POST", path + "/" + guest.getKey() + "/link", null}, new String[] {"DELETE", path + "/" + guest.getKey(), null},
                new String[] {"POST", otherPath, body}, new String[] {"GET", otherPath, null},
                new String[] {"POST", otherPath + "/" + guest.getKey() + "/link", null},
                new String[] {"DELETE", otherPath + "/" + guest.getKey(), null})) {
            assertThat(call(c[0], c[1], other.owner(), c[2]).statusCode()).as(c[0] + " " + c[1]).isEqualTo(404);
        }
        assertThat(tenantRows(s.tenant().id())).isEqualTo(before);
        // A guest of another project of the same organisation is not this project's.
        UUID second = project(s.tenant(), "Second");
        assertThat(call("DELETE", guestsPath(s.tenant(), second) + "/" + guest.getKey(), s.tenant().owner(), null).statusCode()).isEqualTo(404);
    }

    // ---- the trust center's probe ------------------------------------------------------------------------------------

    @Test
    void theTrustProbeSeesTheLinkStoredHashedUsedOnceAndTheSessionRevokedAndLeavesNothing() throws Exception {
        long guestsBefore = count("SELECT count(*) FROM bulwark.guests WHERE tenant_id = ?", PLATFORM_ORG);
        long projectsBefore = count("SELECT count(*) FROM bulwark.projects WHERE tenant_id = ?", PLATFORM_ORG);
        long eventsBefore = count("SELECT count(*) FROM bulwark.audit_events WHERE tenant_id = ?", PLATFORM_ORG);
        GuestAssurance.Probe probe = assurance.probe();
        assertThat(probe).isEqualTo(new GuestAssurance.Probe(true, true, true, true));
        assertThat(count("SELECT count(*) FROM bulwark.guests WHERE tenant_id = ?", PLATFORM_ORG)).isEqualTo(guestsBefore);
        assertThat(count("SELECT count(*) FROM bulwark.projects WHERE tenant_id = ?", PLATFORM_ORG)).isEqualTo(projectsBefore);
        assertThat(count("SELECT count(*) FROM bulwark.audit_events WHERE tenant_id = ?", PLATFORM_ORG)).isEqualTo(eventsBefore);
    }
}
