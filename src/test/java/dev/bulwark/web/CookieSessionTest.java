package dev.bulwark.web;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, acceptance 4 (CSRF): a browser session in cookies is Secure, HttpOnly, SameSite and __Host-/__Secure-
 * prefixed; every state-changing request it authenticates needs the CSRF token, and a bearer-token request does not.
 */
class CookieSessionTest extends IntegrationTest {

    private static Map<String, String> cookies(HttpResponse<?> response) {
        Map<String, String> set = new HashMap<>();
        for (String header : response.headers().allValues("Set-Cookie")) {
            set.put(header.substring(0, header.indexOf('=')), header);
        }
        return set;
    }

    private static String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    /** The origin the test's requests address, as a browser on the application's own pages would send it. */
    private String ownOrigin() {
        return "http://localhost:" + port;
    }

    private HttpResponse<String> cookieSignIn(String email, String... headers) {
        return call("POST", "/api/v1/auth/login?session=cookie", null,
                json.writeValueAsString(Map.of("email", email, "password", STRONG_PASSWORD)), headers);
    }

    /** Signs in with a cookie session from the application's own origin; returns the Cookie header and the CSRF token. */
    private String[] cookieSession(String email) {
        HttpResponse<String> login = cookieSignIn(email, "Origin", ownOrigin());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        Map<String, String> set = cookies(login);
        String csrf = value(set.get("__Host-bulwark-csrf"));
        return new String[] {"__Host-bulwark-access=" + value(set.get("__Host-bulwark-access")) + "; __Host-bulwark-csrf=" + csrf, csrf};
    }

    @Test
    void aCookieSessionNeedsTheCsrfTokenForEveryChangeAndBearerTokensDoNot() {
        String email = signedUp();
        HttpResponse<String> login = cookieSignIn(email, "Origin", ownOrigin());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        JsonNode session = body(login);
        assertThat(session.get("tokenType").asString()).isEqualTo("cookie");
        assertThat(login.body()).doesNotContain("accessToken").doesNotContain("refreshToken");
        Map<String, String> set = cookies(login);
        assertThat(set).containsOnlyKeys("__Host-bulwark-access", "__Secure-bulwark-refresh", "__Host-bulwark-csrf");
        assertThat(set.get("__Host-bulwark-access")).contains("; Path=/;", "; Secure", "; HttpOnly", "; SameSite=Lax").doesNotContain("Domain=");
        assertThat(set.get("__Secure-bulwark-refresh")).contains("; Path=/api/v1/auth", "; Secure", "; HttpOnly", "; SameSite=Strict");
        assertThat(set.get("__Host-bulwark-csrf")).contains("; Path=/", "; Secure", "; SameSite=Lax").doesNotContain("HttpOnly");
        String csrf = value(set.get("__Host-bulwark-csrf"));
        assertThat(session.get("csrfToken").asString()).isEqualTo(csrf);
        String cookie = "__Host-bulwark-access=" + value(set.get("__Host-bulwark-access")) + "; __Host-bulwark-csrf=" + csrf;

        HttpResponse<String> me = get("/api/v1/me", "Cookie", cookie);
        assertThat(me.statusCode()).isEqualTo(200);
        String org = body(me).get("memberships").get(0).get("organisationId").asString();
        String projects = "/api/v1/orgs/" + org + "/projects";

        // A cross-site form or fetch carries the cookie but cannot read the CSRF token: refused, nothing written.
        HttpResponse<String> forged = call("POST", projects, null, "{\"name\":\"Forged\"}", "Cookie", cookie);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(body(forged).get("type").asString()).endsWith("/csrf-token-missing");
        assertThat(call("POST", projects, null, "{\"name\":\"Forged\"}", "Cookie", cookie, "X-CSRF-Token", "guessed").statusCode())
                .isEqualTo(403);
        assertThat(call("DELETE", "/api/v1/auth/logout", null, null, "Cookie", cookie).statusCode()).isIn(403, 405);
        assertThat(body(get(projects, "Cookie", cookie)).get("items")).isEmpty();

        HttpResponse<String> made = call("POST", projects, null, "{\"name\":\"Mine\"}", "Cookie", cookie, "X-CSRF-Token", csrf);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);

        // Bearer tokens need no CSRF token: nothing sends them on its own.
        JsonNode tokens = login(email);
        assertThat(call("POST", projects, null, "{\"name\":\"By bearer\"}", bearer(tokens)).statusCode()).isEqualTo(201);

        // Refreshing a cookie session is a state change too.
        String refreshCookie = "__Secure-bulwark-refresh=" + value(set.get("__Secure-bulwark-refresh")) + "; __Host-bulwark-csrf=" + csrf;
        assertThat(call("POST", "/api/v1/auth/refresh?session=cookie", null, "{}", "Cookie", refreshCookie).statusCode()).isEqualTo(403);
        HttpResponse<String> refreshed = call("POST", "/api/v1/auth/refresh?session=cookie", null, "{}", "Cookie", refreshCookie,
                "X-CSRF-Token", csrf);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        Map<String, String> renewed = cookies(refreshed);
        assertThat(renewed.get("__Host-bulwark-access")).isNotEqualTo(set.get("__Host-bulwark-access"));
        String newCookie = "__Host-bulwark-access=" + value(renewed.get("__Host-bulwark-access")) + "; __Host-bulwark-csrf="
                + value(renewed.get("__Host-bulwark-csrf"));

        // Signing out ends the session and expires the cookies.
        HttpResponse<String> out = call("POST", "/api/v1/auth/logout", null, null, "Cookie", newCookie, "X-CSRF-Token",
                value(renewed.get("__Host-bulwark-csrf")));
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(cookies(out).values()).hasSize(3).allMatch(c -> c.contains("Max-Age=0"));
        assertThat(get("/api/v1/me", "Cookie", newCookie).statusCode()).isEqualTo(401);
        assertThat(List.of(made.statusCode())).containsExactly(201);
    }

    @Test
    void aCookieSessionWithAnyOtherAuthorizationSchemeStillNeedsTheCsrfToken() {
        String email = signedUp();
        String[] session = cookieSession(email);
        String org = body(get("/api/v1/me", "Cookie", session[0])).get("memberships").get(0).get("organisationId").asString();
        String projects = "/api/v1/orgs/" + org + "/projects";

        // A browser adds Basic credentials it holds for the site (a proxy's) to a cross-site form post by itself: that
        // header used to skip the check, and the cookie then authenticated the change.
        for (String authorization : new String[] {"Basic eDp4", "Digest username=\"x\"", "Negotiate abc", "bwk_", "x"}) {
            HttpResponse<String> forged = call("POST", projects, null, "{\"name\":\"Forged\"}", "Cookie", session[0],
                    "Authorization", authorization);
            assertThat(forged.statusCode()).as(authorization).isEqualTo(403);
            assertThat(body(forged).get("type").asString()).endsWith("/csrf-token-missing");
        }
        assertThat(body(get(projects, "Cookie", session[0])).get("items")).as("nothing was written").isEmpty();

        // The bogus header authenticates nobody by itself; with the token, the cookie is what authenticates.
        assertThat(call("POST", projects, null, "{\"name\":\"Nobody\"}", "Authorization", "Basic eDp4").statusCode()).isEqualTo(401);
        assertThat(call("POST", projects, null, "{\"name\":\"Mine\"}", "Cookie", session[0], "Authorization", "Basic eDp4",
                "X-CSRF-Token", session[1]).statusCode()).isEqualTo(201);

        // A bearer header is the only one that stands in for the cookie: it authenticates by itself or is refused, never
        // falling back to the cookie, so it needs no token.
        assertThat(call("POST", projects, null, "{\"name\":\"By bearer\"}", "Cookie", session[0], "Authorization",
                bearer(login(email))[1]).statusCode()).isEqualTo(201);
        assertThat(call("POST", projects, null, "{\"name\":\"Bad bearer\"}", "Cookie", session[0], "Authorization",
                "Bearer not-a-token").statusCode()).isEqualTo(401);
        assertThat(body(get(projects, "Cookie", session[0])).get("items")).hasSize(2);
    }

    @Test
    void aCookieSignInFromAnotherSiteSetsNoCookie() {
        String email = signedUp();
        String[][] crossSite = {
                {"Origin", "https://evil.example"},
                {"Origin", "null"},
                {"Origin", "http://localhost:" + port + ".evil.example"},
                {"Referer", "https://evil.example/login.html"},
                {"Origin", ownOrigin(), "Sec-Fetch-Site", "cross-site"},
                {},
        };
        for (String[] headers : crossSite) {
            HttpResponse<String> refused = cookieSignIn(email, headers);
            assertThat(refused.statusCode()).as(String.join(" ", headers)).isEqualTo(403);
            assertThat(body(refused).get("type").asString()).endsWith("/cross-origin-sign-in");
            assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
        }
        // The other paths that start a session are refused the same way, before their credentials are even looked at.
        for (String path : new String[] {"/api/v1/auth/login/mfa", "/api/v1/signup", "/api/v1/auth/passkey", "/api/v1/auth/login/mfa/passkey"}) {
            HttpResponse<String> refused = call("POST", path + "?session=cookie", null, "{}", "Origin", "https://evil.example");
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
        }

        // From the application's own pages: its own origin, or the configured public one, or a same-origin Referer.
        for (String[] headers : new String[][] {{"Origin", ownOrigin()}, {"Origin", "http://localhost:8080"},
                {"Referer", ownOrigin() + "/console"}, {"Origin", ownOrigin(), "Sec-Fetch-Site", "same-origin"}}) {
            HttpResponse<String> allowed = cookieSignIn(email, headers);
            assertThat(allowed.statusCode()).as(String.join(" ", headers)).isEqualTo(200);
            assertThat(cookies(allowed)).containsKey("__Host-bulwark-access");
        }
        // A script signing in for bearer tokens sends no Origin, and never needed one.
        assertThat(login(email).get("accessToken").asString()).isNotEmpty();
    }
}
