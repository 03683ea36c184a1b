package dev.bulwark.sso;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.IntegrationTest;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single sign-on against a real OpenID provider (mock-oauth2-server on 127.0.0.1:27811, which the test egress
 * configuration allows) and a real DNS server (a dnsjava responder on a random port, {@code bulwark.dns.servers}):
 * the whole flow, every forgery refused with no session, the enforcement matrix, bad input and other organisations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleSignOnTest extends IntegrationTest {

    private static final int IDP_PORT = 27811;
    private static final String CLIENT_ID = "bulwark-sso-test";
    /** At least 256 bits, so the key-confusion forgery can use it as an HMAC key. */
    private static final String CLIENT_SECRET = "sso-test-client-secret-0123456789abcdefghijklmnop";
    private static final String STATE_COOKIE = "__Host-bulwark-sso";
    private static final String ACCESS_COOKIE = "__Host-bulwark-access";
    private static final DnsResponder DNS = dns();

    private MockOAuth2Server idp;
    private String issuer;
    /** Answers the test plants for the provider's next matching request (forged token answers, bad documents). */
    private final java.util.Queue<Planted> planted = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private record Planted(String pathSuffix, int status, Map<String, String> headers, String body) {
    }

    /** The provider's first route: a planted answer for the next request whose path ends as planned. */
    private final class PlantedRoute implements Route {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            Planted next = planted.peek();
            return next != null && request.getUrl().encodedPath().endsWith(next.pathSuffix());
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            Planted next = planted.poll();
            return new OAuth2HttpResponse(Headers.of(next.headers()), next.status(), next.body(), null);
        }
    }

    private static DnsResponder dns() {
        try {
            return new DnsResponder();
        } catch (java.net.SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void dnsServer(DynamicPropertyRegistry registry) {
        registry.add("bulwark.dns.servers", () -> "127.0.0.1:" + DNS.port());
    }

    @BeforeAll
    void startProvider() throws Exception {
        idp = new MockOAuth2Server(new PlantedRoute());
        idp.start(InetAddress.getByName("127.0.0.1"), IDP_PORT);
        // Spelled as the egress allow-list has it; the provider names itself by the Host it is asked at.
        issuer = "http://127.0.0.1:" + IDP_PORT + "/idp";
    }

    @AfterAll
    void stopProvider() {
        idp.shutdown();
    }

    // --- acceptance 1: the whole flow

    @Test
    void aFirstSignInMakesTheAccountAndMembershipLaterOnesMatchTheSubjectAndTheCallbackIsSingleUse() throws Exception {
        SsoOrg org = ssoOrg(false, true);
        String email = "alice@" + org.domain();
        idp.enqueueCallback(callback("alice-sub", email, true, List.of("pwd", "mfa"), List.of(CLIENT_ID), 3600));
        Started started = start(email);
        URI authorize = URI.create(started.location());
        assertThat(authorize.toString()).startsWith(issuer + "/authorize?");
        Map<String, String> query = query(authorize.getRawQuery());
        assertThat(query).containsEntry("code_challenge_method", "S256").containsEntry("client_id", CLIENT_ID)
                .containsKeys("state", "nonce", "code_challenge").doesNotContainKey("code_verifier");
        assertThat(query.get("state")).startsWith(org.tenant().id() + ".");

        String back = authorize(started.location());
        HttpResponse<String> done = callback(back, started.cookie());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).hasValue("/console");
        String access = cookie(done, ACCESS_COOKIE);
        assertThat(access).isNotEmpty();
        JsonNode me = body(get("/api/v1/me", "Authorization", "Bearer " + access));
        assertThat(me.get("email").asString()).isEqualTo(email);
        assertThat(me.get("emailVerified").asBoolean()).isTrue();
        assertThat(me.get("memberships")).hasSize(1);
        assertThat(me.get("memberships").get(0).get("organisationId").asString()).isEqualTo(org.tenant().id().toString());
        assertThat(me.get("memberships").get(0).get("role").asString()).isEqualTo("MEMBER");
        assertThat(eventsOfType(org.tenant().id(), "auth.sso.succeeded")).isEqualTo(1);
        // No password: the account cannot sign in by one.
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(401);

        // The same callback again: the state is spent.
        long sessions = sessions();
        assertRefused(callback(back, started.cookie()), 401, sessions);

        // A later sign-in with the same subject is the same account, even with another address in the same domain.
        idp.enqueueCallback(callback("alice-sub", "alice.renamed@" + org.domain(), true, List.of("pwd"), List.of(CLIENT_ID), 3600));
        Started again = start(email);
        HttpResponse<String> second = callback(authorize(again.location()), again.cookie());
        assertThat(second.statusCode()).as(second.body()).isEqualTo(303);
        JsonNode me2 = body(get("/api/v1/me", "Authorization", "Bearer " + cookie(second, ACCESS_COOKIE)));
        assertThat(me2.get("id").asString()).isEqualTo(me.get("id").asString());
        assertThat(eventsOfType(org.tenant().id(), "auth.sso.succeeded")).isEqualTo(2);
    }

    @Test
    void everyForgeryAndBrokenFlowIsRefusedWithNoSession() throws Exception {
        SsoOrg org = ssoOrg(false, true);
        SsoOrg other = ssoOrg(false, true);
        List<String> cases = new ArrayList<>();

        // Tokens the provider really signed, with claims that must be refused.
        // A real token of this provider, for another client (the provider always addresses ID tokens to the client
        // that redeems the code): replayed to an organisation whose client it is not.
        SsoOrg otherClient = ssoOrg(false, true, "bulwark-other-client");
        cases.add(forged(otherClient, "a token for another client (audience)", (nonce, email) -> realIdToken(CLIENT_ID, nonce, email)));
        cases.add(viaProvider(org, "expired", email -> callback(UUID.randomUUID().toString(), email, true, List.of(),
                List.of(CLIENT_ID), -600)));
        cases.add(viaProvider(org, "email not verified", email -> callback(UUID.randomUUID().toString(), email, false, List.of(),
                List.of(CLIENT_ID), 3600)));
        cases.add(viaProvider(org, "an address of no organisation", email -> callback(UUID.randomUUID().toString(),
                "mallory@nobody-" + UUID.randomUUID().toString().substring(0, 8) + ".test", true, List.of(), List.of(CLIENT_ID), 3600)));
        cases.add(viaProvider(org, "an address of another organisation's verified domain", email -> callback(
                UUID.randomUUID().toString(), "mallory@" + other.domain(), true, List.of(), List.of(CLIENT_ID), 3600)));

        // The browser's side tampered with.
        cases.add(tampered(org, "wrong nonce", (started, back) -> {
            idp.enqueueCallback(callback(UUID.randomUUID().toString(), started.email(), true, List.of(), List.of(CLIENT_ID), 3600));
            String url = started.location().replaceAll("nonce=[^&]+", "nonce=" + "n".repeat(43));
            return callback(authorize(url), started.cookie());
        }));
        cases.add(tampered(org, "tampered state", (started, back) -> {
            String state = query(back).get("state");
            char last = state.charAt(state.length() - 1);
            String changed = state.substring(0, state.length() - 1) + (last == 'A' ? 'B' : 'A');
            return callback(back.replace("state=" + state, "state=" + changed), started.cookie());
        }));
        cases.add(tampered(org, "unknown state", (started, back) -> callback(back.replaceAll("state=[^&]+",
                "state=" + org.tenant().id() + "." + "B".repeat(43)), started.cookie())));
        cases.add(tampered(org, "no state cookie", (started, back) -> callback(back, null)));
        cases.add(tampered(org, "another browser's state cookie", (started, back) -> callback(back, start(started.email()).cookie())));
        cases.add(tampered(org, "error from the provider", (started, back) -> callback(back.replaceAll("code=[^&]+", "error=access_denied"),
                started.cookie())));
        cases.add(tampered(org, "no code", (started, back) -> callback(back.replaceAll("code=[^&]+&?", ""), started.cookie())));
        cases.add(tampered(org, "wrong PKCE verifier", (started, back) -> {
            sql("UPDATE bulwark.sso_logins SET code_verifier = ? WHERE tenant_id = ? AND state_sha256 = ?", "v".repeat(43), org.tenant().id(),
                    started);
            return callback(back, started.cookie());
        }));
        cases.add(tampered(org, "expired state", (started, back) -> {
            sql("UPDATE bulwark.sso_logins SET expires_at = now() - interval '1 second' WHERE tenant_id = ? AND state_sha256 = ?", null,
                    org.tenant().id(), started);
            return callback(back, started.cookie());
        }));
        cases.add(tampered(org, "replayed code under a new state", (started, back) -> {
            HttpResponse<String> first = callback(back, started.cookie());
            assertThat(first.statusCode()).as(first.body()).isEqualTo(303);
            Started fresh = start(started.email());
            String freshState = query(URI.create(fresh.location()).getRawQuery()).get("state");
            return callback(back.replaceAll("state=[^&]+", "state=" + URLEncoder.encode(freshState, StandardCharsets.UTF_8)), fresh.cookie());
        }));

        // Token answers forged on the provider's side of the wire.
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT_ID).claim("email_verified", true)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)));
        String providerKid = JWKSet.load(idp.jwksUrl("idp").url()).getKeys().getFirst().getKeyID();
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(providerKid).generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        cases.add(forged(org, "alg none", (nonce, email) -> new PlainJWT(withNonce(claims, nonce, email)).serialize()));
        cases.add(forged(org, "HS256 with the client secret (key confusion)", (nonce, email) -> {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(providerKid).build(), withNonce(claims, nonce, email));
            jwt.sign(new MACSigner(CLIENT_SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }));
        cases.add(forged(org, "bad signature under the provider's key id", (nonce, email) -> {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(providerKid).build(), withNonce(claims, nonce, email));
            jwt.sign(new RSASSASigner(attacker));
            return jwt.serialize();
        }));
        cases.add(forged(org, "a key the provider never published", (nonce, email) -> {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("stranger").build(), withNonce(claims, nonce, email));
            jwt.sign(new RSASSASigner(stranger));
            return jwt.serialize();
        }));
        cases.add(forged(org, "a token of another issuer", (nonce, email) -> idp.issueToken("elsewhere", CLIENT_ID,
                new DefaultOAuth2TokenCallback("elsewhere", "sub", "JWT", List.of(CLIENT_ID),
                        Map.of("email", email, "email_verified", true, "nonce", nonce), 300)).serialize()));

        assertThat(cases).hasSizeGreaterThanOrEqualTo(15).doesNotHaveDuplicates();
        assertThat(eventsOfType(org.tenant().id(), "auth.sso.failed")).isGreaterThanOrEqualTo(15);
    }

    @Test
    void anExistingAccountIsNeverLinkedByItsAddressAloneButMayLinkItself() throws Exception {
        SsoOrg org = ssoOrg(false, true);
        String email = "bob@" + org.domain();
        JsonNode created = signUp(email);
        idp.enqueueCallback(callback("bob-sub", email, true, List.of(), List.of(CLIENT_ID), 3600));
        Started started = start(email);
        long sessions = sessions();
        HttpResponse<String> exists = callback(authorize(started.location()), started.cookie());
        assertRefused(exists, 409, sessions);
        assertThat(body(exists).get("type").asString()).endsWith("/account-exists");

        // Signed in with the password, Bob links the account himself.
        Person bob = signIn(email, UUID.fromString(created.get("userId").asString()));
        HttpResponse<String> link = call("POST", "/api/v1/me/sso/link?org=" + org.tenant().id(), bob, null);
        assertThat(link.statusCode()).as(link.body()).isEqualTo(200);
        String linkCookie = setCookie(link, STATE_COOKIE);
        idp.enqueueCallback(callback("bob-sub", email, true, List.of(), List.of(CLIENT_ID), 3600));
        HttpResponse<String> linked = callback(authorize(body(link).get("authorizationUrl").asString()), linkCookie);
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(303);
        JsonNode me = body(get("/api/v1/me", "Authorization", "Bearer " + cookie(linked, ACCESS_COOKIE)));
        assertThat(me.get("id").asString()).isEqualTo(bob.id().toString());

        // From now on, the subject signs Bob in.
        idp.enqueueCallback(callback("bob-sub", email, true, List.of(), List.of(CLIENT_ID), 3600));
        Started later = start(email);
        HttpResponse<String> again = callback(authorize(later.location()), later.cookie());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(303);
        assertThat(body(get("/api/v1/me", "Authorization", "Bearer " + cookie(again, ACCESS_COOKIE))).get("id").asString())
                .isEqualTo(bob.id().toString());
    }

    // --- acceptance 2: enforcement

    @Test
    void enforcedDomainsRefusePasswordLoginResetAndInvitationSignupOtherDomainsDoNot() throws Exception {
        SsoOrg enforced = ssoOrg(true, true);
        SsoOrg relaxed = ssoOrg(false, true);
        SsoOrg unproven = ssoOrg(true, false);
        String[] domains = {enforced.domain(), relaxed.domain(), unproven.domain(), "example.com"};
        for (String domain : domains) {
            boolean refused = domain.equals(enforced.domain());
            String email = "carol-" + UUID.randomUUID().toString().substring(0, 6) + "@" + domain;
            signUp(email); // a sign-up of one's own organisation is not an invitation: allowed everywhere

            HttpResponse<String> login = postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD));
            assertThat(login.statusCode()).as("login at %s: %s", domain, login.body()).isEqualTo(refused ? 403 : 200);
            if (refused) {
                assertThat(body(login).get("type").asString()).endsWith("/sso-required");
            }

            HttpResponse<String> reset = postJson("/api/v1/auth/password-reset", Map.of("email", email));
            assertThat(reset.statusCode()).as("reset at %s", domain).isEqualTo(refused ? 403 : 202);
            if (refused) {
                assertThat(body(reset).get("type").asString()).endsWith("/sso-required");
            }

            SsoOrg inviting = domain.equals(relaxed.domain()) ? relaxed : enforced;
            String invitee = "dave-" + UUID.randomUUID().toString().substring(0, 6) + "@" + domain;
            HttpResponse<String> invited = call("POST", "/api/v1/orgs/" + inviting.tenant().id() + "/invitations", inviting.tenant().owner(),
                    json.writeValueAsString(Map.of("email", invitee, "role", "MEMBER")));
            assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
            String token = mailedTo(invitee, "(bwi_[0-9A-Za-z]{38})");
            HttpResponse<String> joined = postJson("/api/v1/signup", Map.of("email", invitee, "password", STRONG_PASSWORD,
                    "name", "Dave", "invitationToken", token));
            assertThat(joined.statusCode()).as("invitation signup at %s: %s", domain, joined.body()).isEqualTo(refused ? 403 : 201);
            if (refused) {
                assertThat(body(joined).get("type").asString()).endsWith("/sso-required");
            }
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    private SsoProbe probe;

    /** The trust center's live probe: an enforced synthetic domain refuses a password; nothing of it is left. */
    @Test
    void theTrustProbeSeesAPasswordRefusedAtAnEnforcedDomainAndLeavesNothing() throws Exception {
        List<String> before = tenantRows(PLATFORM_ORG);
        long indexed = count("SELECT count(*) FROM bulwark.sso_domain_index");
        SsoProbe.Observed observed = probe.observe();
        assertThat(observed.enforcedRefused()).as(observed.enforcedAnswer()).isTrue();
        assertThat(observed.enforcedAnswer()).isEqualTo("403 sso-required");
        assertThat(observed.unverifiedEnforced()).isFalse();
        assertThat(tenantRows(PLATFORM_ORG)).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM bulwark.sso_domain_index")).isEqualTo(indexed);
    }

    private static long count(String query) throws SQLException {
        try (Connection c = connectAs("postgres"); ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // --- bad input and other organisations

    @Test
    void badSettingsAreRefusedAndChangeNothing() throws Exception {
        Tenant t = newTenant();
        String path = "/api/v1/orgs/" + t.id() + "/sso/oidc";
        String domain = domain();
        assertThat(put(t, settings("http://idp.example.net", List.of(domain), "MEMBER", true)).statusCode()).isEqualTo(400);
        assertThat(put(t, settings("https://login.microsoftonline.com/common/v2.0", List.of(domain), "MEMBER", true)).statusCode())
                .isEqualTo(400);
        assertThat(put(t, settings("https://127.0.0.1:1/idp", List.of(domain), "MEMBER", true)).statusCode()).isEqualTo(400);
        assertThat(put(t, settings(issuer, List.of(domain), "OWNER", true)).statusCode()).isEqualTo(400);
        assertThat(put(t, settings(issuer, List.of(), "MEMBER", true)).statusCode()).isEqualTo(400);
        assertThat(put(t, settings(issuer, List.of("not a domain"), "MEMBER", true)).statusCode()).isEqualTo(400);
        assertThat(put(t, settings(issuer, List.of("10.0.0.1"), "MEMBER", true)).statusCode()).isEqualTo(400);
        Map<String, Object> spaced = settings(issuer, List.of(domain), "MEMBER", true);
        spaced.put("clientSecret", "has a space");
        assertThat(put(t, spaced).statusCode()).isEqualTo(400);
        // A discovery document larger than 1 MiB, and a redirect, from the provider's address.
        String big = "{\"issuer\":\"" + issuer + "\",\"pad\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
        planted.add(new Planted("/idp/.well-known/openid-configuration", 200, Map.of("Content-Type", "application/json"), big));
        assertThat(put(t, settings(issuer, List.of(domain), "MEMBER", true)).statusCode()).isEqualTo(400);
        planted.add(new Planted("/idp/.well-known/openid-configuration", 302, Map.of("Location", issuer + "/.well-known/openid-configuration"), ""));
        assertThat(put(t, settings(issuer, List.of(domain), "MEMBER", true)).statusCode()).isEqualTo(400);
        assertThat(call("GET", path, t.owner(), null).statusCode()).isEqualTo(404);
        assertThat(eventsOfType(t.id(), "sso.configured")).isZero();

        // A domain another organisation holds: 409, and nothing of the first change is kept.
        SsoOrg holder = ssoOrg(false, false);
        HttpResponse<String> claimed = put(t, settings(issuer, List.of(domain, holder.domain()), "MEMBER", true));
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(409);
        assertThat(body(claimed).get("type").asString()).endsWith("/domain-claimed");
        assertThat(call("GET", path, t.owner(), null).statusCode()).isEqualTo(404);

        // Saved: the secret is never shown and is stored encrypted.
        HttpResponse<String> saved = put(t, settings(issuer, List.of(domain), "MEMBER", true));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(saved.body()).doesNotContain(CLIENT_SECRET).contains("/api/v1/auth/sso/callback");
        assertThat(call("GET", path, t.owner(), null).body()).doesNotContain(CLIENT_SECRET);
        assertThat(new String(firstBytes("SELECT client_secret_ct FROM bulwark.sso_configs WHERE tenant_id = ?", t.id()),
                StandardCharsets.ISO_8859_1)).doesNotContain(CLIENT_SECRET);

        // Verification without the record, or with the wrong token: 409.
        HttpResponse<String> unproven = call("POST", path + "/domains/" + domain + "/verify", t.owner(), null);
        assertThat(unproven.statusCode()).isEqualTo(409);
        assertThat(body(unproven).get("type").asString()).endsWith("/domain-not-verified");
        DNS.publish("_bulwark." + domain, "bulwark-domain-verification=wrong-token-0123456789");
        assertThat(call("POST", path + "/domains/" + domain + "/verify", t.owner(), null).statusCode()).isEqualTo(409);
        assertThat(call("POST", path + "/domains/unknown-" + domain + "/verify", t.owner(), null).statusCode()).isEqualTo(404);

        // Until verified, the domain starts nobody's sign-in, and a malformed address is refused.
        assertThat(get("/api/v1/auth/sso/start?email=" + URLEncoder.encode("x@" + domain, StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(404);
        assertThat(get("/api/v1/auth/sso/start").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/auth/sso/callback").statusCode()).isEqualTo(401);
    }

    @Test
    void anotherOrganisationSeesAndChangesNothing() throws Exception {
        SsoOrg a = ssoOrg(true, true);
        Tenant b = newTenant();
        String pathA = "/api/v1/orgs/" + a.tenant().id() + "/sso/oidc";
        assertThat(call("GET", pathA, b.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", pathA, b.owner(), null).statusCode()).isEqualTo(404);
        assertThat(put(a.tenant().id(), b.owner(), settings(issuer, List.of(domain()), "MEMBER", false)).statusCode()).isEqualTo(404);
        assertThat(call("POST", pathA + "/domains/" + a.domain() + "/verify", b.owner(), null).statusCode()).isEqualTo(404);
        // B naming A's domain under its own organisation: not B's.
        assertThat(call("POST", "/api/v1/orgs/" + b.id() + "/sso/oidc/domains/" + a.domain() + "/verify", b.owner(), null).statusCode())
                .isEqualTo(404);
        assertThat(call("POST", "/api/v1/me/sso/link?org=" + a.tenant().id(), b.owner(), null).statusCode()).isEqualTo(404);
        // A member below OWNER: 403.
        Person member = joined(a.tenant().id(), "ADMIN");
        assertThat(call("GET", pathA, member, null).statusCode()).isEqualTo(403);
        JsonNode config = body(call("GET", pathA, a.tenant().owner(), null));
        assertThat(config.get("enforced").asBoolean()).isTrue();
        assertThat(config.get("domains").get(0).get("verified").asBoolean()).isTrue();

        // Removing the settings gives the domain up: password sign-in works again there.
        String email = "erin@" + a.domain();
        signUp(email);
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(403);
        assertThat(call("DELETE", pathA, a.tenant().owner(), null).statusCode()).isEqualTo(204);
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(200);
    }

    // --- helpers

    private record SsoOrg(Tenant tenant, String domain) {
    }

    private record Started(String email, String location, String cookie) {
    }

    @FunctionalInterface
    private interface Tamper {
        HttpResponse<String> apply(Started started, String back) throws Exception;
    }

    @FunctionalInterface
    private interface Forge {
        String token(String nonce, String email) throws Exception;
    }

    /** An organisation with single sign-on at the test provider for a fresh domain, verified through DNS if asked. */
    private SsoOrg ssoOrg(boolean enforced, boolean verified) {
        return ssoOrg(enforced, verified, CLIENT_ID);
    }

    private SsoOrg ssoOrg(boolean enforced, boolean verified, String clientId) {
        Tenant t = newTenant();
        String domain = domain();
        Map<String, Object> settings = settings(issuer, List.of(domain), "MEMBER", enforced);
        settings.put("clientId", clientId);
        HttpResponse<String> saved = put(t, settings);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        if (verified) {
            String token = body(saved).get("domains").get(0).get("verificationToken").asString();
            DNS.publish("_bulwark." + domain, "v=spf1 -all", "bulwark-domain-verification=" + token);
            HttpResponse<String> proven = call("POST", "/api/v1/orgs/" + t.id() + "/sso/oidc/domains/" + domain + "/verify", t.owner(), null);
            assertThat(proven.statusCode()).as(proven.body()).isEqualTo(200);
        }
        return new SsoOrg(t, domain);
    }

    private static String domain() {
        return "sso-" + UUID.randomUUID().toString().substring(0, 12) + ".test";
    }

    private Map<String, Object> settings(String issuer, List<String> domains, String role, boolean enforced) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuer);
        body.put("clientId", CLIENT_ID);
        body.put("clientSecret", CLIENT_SECRET);
        body.put("domains", domains);
        body.put("defaultRole", role);
        body.put("enforced", enforced);
        return body;
    }

    private HttpResponse<String> put(Tenant t, Map<String, Object> body) {
        return put(t.id(), t.owner(), body);
    }

    private HttpResponse<String> put(UUID org, Person as, Map<String, Object> body) {
        return call("PUT", "/api/v1/orgs/" + org + "/sso/oidc", as, json.writeValueAsString(body));
    }

    private DefaultOAuth2TokenCallback callback(String subject, String email, boolean verified, List<String> amr, List<String> audience,
                                                long expiry) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("email", email);
        claims.put("email_verified", verified);
        claims.put("name", "Test Person");
        if (!amr.isEmpty()) {
            claims.put("amr", amr);
        }
        return new DefaultOAuth2TokenCallback("idp", subject, "JWT", audience, claims, expiry);
    }

    private Started start(String email) {
        HttpResponse<String> started = get("/api/v1/auth/sso/start?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(302);
        return new Started(email, started.headers().firstValue("Location").orElseThrow(), setCookie(started, STATE_COOKIE));
    }

    /** The browser at the provider: its redirect back to Bulwark, as the callback's query. */
    private String authorize(String url) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(url)).GET().build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        return URI.create(answer.headers().firstValue("Location").orElseThrow()).getRawQuery();
    }

    private HttpResponse<String> callback(String query, String stateCookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/auth/sso/callback" + (query.isEmpty() ? "" : "?" + query))).GET();
        if (stateCookie != null) {
            request.header("Cookie", STATE_COOKIE + "=" + stateCookie);
        }
        return send(request.build());
    }

    private String viaProvider(SsoOrg org, String name, Function<String, DefaultOAuth2TokenCallback> token) throws Exception {
        String email = "case-" + UUID.randomUUID().toString().substring(0, 8) + "@" + org.domain();
        idp.enqueueCallback(token.apply(email));
        Started started = start(email);
        long sessions = sessions();
        assertRefused(callback(authorize(started.location()), started.cookie()), 401, sessions, name);
        return name;
    }

    private String tampered(SsoOrg org, String name, Tamper tamper) throws Exception {
        String email = "case-" + UUID.randomUUID().toString().substring(0, 8) + "@" + org.domain();
        idp.enqueueCallback(callback(UUID.randomUUID().toString(), email, true, List.of(), List.of(CLIENT_ID), 3600));
        Started started = start(email);
        String back = authorize(started.location());
        long sessions = sessions();
        HttpResponse<String> answer = tamper.apply(started, back);
        if (name.startsWith("replayed")) {
            sessions++; // the first, honest use opened one
        }
        assertRefused(answer, 401, sessions, name);
        return name;
    }

    private String forged(SsoOrg org, String name, Forge forge) throws Exception {
        String email = "case-" + UUID.randomUUID().toString().substring(0, 8) + "@" + org.domain();
        Started started = start(email);
        String nonce = URLDecoder.decode(query(URI.create(started.location()).getRawQuery()).get("nonce"), StandardCharsets.UTF_8);
        String back = authorize(started.location());
        String token = forge.token(nonce, email);
        planted.add(new Planted("/idp/token", 200, Map.of("Content-Type", "application/json"),
                "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\"" + token + "\"}"));
        long sessions = sessions();
        assertRefused(callback(back, started.cookie()), 401, sessions, name);
        return name;
    }

    /** An ID token the provider really issues to {@code clientId} (the test redeeming a code itself), with {@code nonce}. */
    private String realIdToken(String clientId, String nonce, String email) throws Exception {
        idp.enqueueCallback(callback(UUID.randomUUID().toString(), email, true, List.of(), List.of(clientId), 3600));
        String verifier = "t".repeat(43);
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirect = URLEncoder.encode("http://localhost/cb", StandardCharsets.UTF_8);
        String code = query(authorize(issuer + "/authorize?response_type=code&client_id=" + clientId + "&redirect_uri=" + redirect
                + "&scope=openid&state=s&nonce=" + URLEncoder.encode(nonce, StandardCharsets.UTF_8) + "&code_challenge=" + challenge
                + "&code_challenge_method=S256")).get("code");
        HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + code + "&redirect_uri=" + redirect
                        + "&code_verifier=" + verifier + "&client_id=" + clientId + "&client_secret=x"))
                .build());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return body(token).get("id_token").asString();
    }

    private static JWTClaimsSet withNonce(JWTClaimsSet.Builder claims, String nonce, String email) {
        return claims.subject(UUID.randomUUID().toString()).claim("nonce", nonce).claim("email", email).build();
    }

    private void assertRefused(HttpResponse<String> answer, int status, long sessionsBefore, String... name) {
        String what = name.length > 0 ? name[0] : "refusal";
        assertThat(answer.statusCode()).as("%s: %s", what, answer.body()).isEqualTo(status);
        assertThat(cookie(answer, ACCESS_COOKIE)).as("%s: no session cookie", what).isEmpty();
        assertThat(answer.body()).as(what).doesNotContain("accessToken");
        assertThat(sessions()).as("%s: no session opened", what).isEqualTo(sessionsBefore);
    }

    /** The value a Set-Cookie of the answer gives {@code name}, or "" when none (or an expiring one). */
    private static String cookie(HttpResponse<String> answer, String name) {
        return answer.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .filter(v -> !v.isEmpty())
                .findFirst().orElse("");
    }

    private static String setCookie(HttpResponse<String> answer, String name) {
        String value = cookie(answer, name);
        assertThat(value).as("cookie " + name).isNotEmpty();
        return value;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), pair.substring(eq + 1));
        }
        return out;
    }

    private static long sessions() {
        try (Connection c = connectAs("postgres");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM bulwark.sessions")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Changes the sign-in row of {@code started}'s state (found by the state's hash, as Bulwark stores it). */
    private static void sql(String statement, String first, UUID tenant, Started started) throws Exception {
        String state = URLDecoder.decode(query(URI.create(started.location()).getRawQuery()).get("state"), StandardCharsets.UTF_8);
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(statement)) {
            int i = 1;
            if (first != null) {
                ps.setString(i++, first);
            }
            ps.setObject(i++, tenant);
            ps.setBytes(i, java.security.MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.US_ASCII)));
            assertThat(ps.executeUpdate()).as(statement).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] firstBytes(String query, UUID tenant) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(query)) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }
}
