package dev.bulwark.identity;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Sign-in, refresh rotation and reuse, logout, sessions, lockout and the events they record. */
class SignInTest extends IntegrationTest {

    @Test
    void signInAnswersTokensWithTheDocumentedClaims() throws Exception {
        String email = uniqueEmail();
        JsonNode account = signUp(email);
        JsonNode tokens = body(login(email, STRONG_PASSWORD, 200));

        assertThat(tokens.get("tokenType").asString()).isEqualTo("Bearer");
        assertThat(tokens.get("expiresIn").asLong()).isEqualTo(900);
        assertThat(tokens.get("refreshToken").asString()).matches("bwr_[0-9A-Za-z]{38}");
        SignedJWT jwt = SignedJWT.parse(tokens.get("accessToken").asString());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("http://localhost:8080");
        assertThat(claims.getAudience()).containsExactly("bulwark-api");
        assertThat(claims.getSubject()).isEqualTo(account.get("userId").asString());
        assertThat(claims.getStringClaim("sid")).isNotBlank();
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(900_000);

        JsonNode me = body(get("/api/v1/me", bearer(tokens)));
        assertThat(me.get("email").asString()).isEqualTo(email);
        assertThat(me.get("emailVerified").asBoolean()).isFalse();
        assertThat(me.get("memberships").get(0).get("organisationId").asString()).isEqualTo(account.get("organisationId").asString());
        assertThat(me.get("memberships").get(0).get("role").asString()).isEqualTo("OWNER");
        assertThat(me.get("memberships")).hasSize(1);
    }

    @Test
    void wrongPasswordAndUnknownEmailAnswerAlike() {
        String email = uniqueEmail();
        signUp(email);
        JsonNode wrong = body(login(email, "not-the-password-at-all", 401));
        JsonNode unknown = body(login(uniqueEmail(), "not-the-password-at-all", 401));
        for (String field : new String[] {"type", "title", "status", "detail"}) {
            assertThat(unknown.get(field)).as(field).isEqualTo(wrong.get(field));
        }
    }

    @Test
    void jwksPublishesTheVerifyingKeyWithoutPrivateParts() throws Exception {
        JsonNode tokens = body(login(signedUp(), STRONG_PASSWORD, 200));
        String kid = SignedJWT.parse(tokens.get("accessToken").asString()).getHeader().getKeyID();
        HttpResponse<String> jwks = get("/.well-known/jwks.json");
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.body()).contains(kid).doesNotContain("\"d\"");
    }

    @Test
    void refreshRotatesAndASpentTokenRevokesTheWholeSession() throws SQLException {
        String email = signedUp();
        JsonNode first = body(login(email, STRONG_PASSWORD, 200));
        JsonNode second = body(refresh(first.get("refreshToken").asString(), 200));
        assertThat(second.get("refreshToken").asString()).isNotEqualTo(first.get("refreshToken").asString());
        assertThat(get("/api/v1/me", bearer(second)).statusCode()).isEqualTo(200);

        // The first token again: a copy is in someone else's hands.
        refresh(first.get("refreshToken").asString(), 401);
        // The whole session is gone, newest tokens included.
        refresh(second.get("refreshToken").asString(), 401);
        assertThat(get("/api/v1/me", bearer(second)).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", bearer(first)).statusCode()).isEqualTo(401);
        assertThat(eventsOfType(orgOf(email), "auth.token.reuse_detected")).isEqualTo(1);
    }

    @Test
    void forgedOrMangledRefreshTokensAreRefused() {
        String token = body(login(signedUp(), STRONG_PASSWORD, 200)).get("refreshToken").asString();
        String badChecksum = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        for (String forged : new String[] {badChecksum, "bwr_' OR 1=1 --", "bwk_" + token.substring(4), ""}) {
            assertThat(postJson("/api/v1/auth/refresh", Map.of("refreshToken", forged)).statusCode()).as(forged).isIn(400, 401);
        }
        refresh(token, 200);
    }

    @Test
    void logoutEndsTheSessionAtOnce() throws SQLException {
        String email = signedUp();
        JsonNode tokens = body(login(email, STRONG_PASSWORD, 200));
        HttpResponse<String> out = send(HttpRequest.newBuilder(uri("/api/v1/auth/logout"))
                .header("Authorization", "Bearer " + tokens.get("accessToken").asString())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", bearer(tokens)).statusCode()).isEqualTo(401);
        refresh(tokens.get("refreshToken").asString(), 401);
        assertThat(eventsOfType(orgOf(email), "auth.logout")).isEqualTo(1);
    }

    @Test
    void aUserListsAndEndsTheirSessionsButNotSomeoneElses() {
        String email = signedUp();
        JsonNode laptop = body(login(email, STRONG_PASSWORD, 200));
        JsonNode phone = body(login(email, STRONG_PASSWORD, 200));
        JsonNode sessions = body(get("/api/v1/me/sessions", bearer(laptop)));
        assertThat(sessions.get("items")).hasSize(2);
        assertThat(sessions.get("nextCursor").isNull()).isTrue();
        String phoneSession = sid(phone);
        sessions.get("items").forEach(s -> assertThat(s.get("current").asBoolean()).isEqualTo(!s.get("id").asString().equals(phoneSession)));
        assertThat(sessions.get("items").get(0).get("ip").asString()).isEqualTo("127.0.0.1");

        JsonNode stranger = body(login(signedUp(), STRONG_PASSWORD, 200));
        assertThat(delete("/api/v1/me/sessions/" + phoneSession, stranger).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/me", bearer(phone)).statusCode()).isEqualTo(200);

        assertThat(delete("/api/v1/me/sessions/" + phoneSession, laptop).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", bearer(phone)).statusCode()).isEqualTo(401);
        refresh(phone.get("refreshToken").asString(), 401);
        assertThat(get("/api/v1/me", bearer(laptop)).statusCode()).isEqualTo(200);
        assertThat(delete("/api/v1/me/sessions/" + phoneSession, laptop).statusCode()).isEqualTo(404);
        assertThat(delete("/api/v1/me/sessions/not-a-uuid", laptop).statusCode()).isEqualTo(400);
    }

    @Test
    void sessionsArePagedNewestFirst() {
        String email = signedUp();
        JsonNode oldest = login(email);
        login(email);
        JsonNode newest = login(email);
        JsonNode first = body(get("/api/v1/me/sessions?limit=2", bearer(newest)));
        assertThat(first.get("items")).hasSize(2);
        assertThat(first.get("items").get(0).get("id").asString()).isEqualTo(sid(newest));
        JsonNode second = body(get("/api/v1/me/sessions?limit=2&cursor=" + first.get("nextCursor").asString(), bearer(newest)));
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("items").get(0).get("id").asString()).isEqualTo(sid(oldest));
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void fiveFailuresLockEvenTheRightPasswordOutThenTheLockLiftsAndGrows() throws SQLException {
        String email = signedUp();
        for (int i = 0; i < 5; i++) {
            login(email, "wrong-password-" + i, 401);
        }
        HttpResponse<String> locked = login(email, STRONG_PASSWORD, 429);
        assertThat(locked.body()).doesNotContain("accessToken");
        long retryAfter = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(eventsOfType(orgOf(email), "auth.account.locked")).isEqualTo(1);

        liftLock(email); // as if the minute had passed
        login(email, STRONG_PASSWORD, 200);

        // A success clears the count; locks with no success between them double: 1 min, then 2 min.
        for (int i = 0; i < 5; i++) {
            login(email, "wrong-password-" + i, 401);
        }
        assertThat(Long.parseLong(login(email, STRONG_PASSWORD, 429).headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 60L);
        liftLock(email);
        for (int i = 0; i < 5; i++) {
            login(email, "wrong-password-" + i, 401);
        }
        assertThat(Long.parseLong(login(email, STRONG_PASSWORD, 429).headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(61L, 120L);
    }

    @Test
    void unknownEmailsAreThrottledExactlyLikeKnownOnes() {
        String unknown = uniqueEmail();
        for (int i = 0; i < 5; i++) {
            login(unknown, "wrong-password-" + i, 401);
        }
        HttpResponse<String> locked = login(unknown, "wrong-password-5", 429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(body(locked).get("type").asString()).endsWith("/too-many-requests");
    }

    @Test
    void signInsAndFailuresAreRecordedWithActorAndIp() throws SQLException {
        String email = signedUp();
        login(email, "wrong-password-x", 401);
        login(email, STRONG_PASSWORD, 200);
        UUID org = orgOf(email);
        assertThat(eventsOfType(org, "auth.login.failed")).isEqualTo(1);
        assertThat(eventsOfType(org, "auth.login.succeeded")).isEqualTo(1);
        try (Connection owner = connectAs("postgres");
             PreparedStatement ps = owner.prepareStatement("""
                     SELECT e.actor_type, e.actor_id, e.ip, e.request_id FROM bulwark.audit_events e
                     WHERE e.tenant_id = ? AND e.type = 'auth.login.succeeded'""")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("user");
                assertThat(rs.getObject(2, UUID.class)).isEqualTo(userOf(email));
                assertThat(rs.getString(3)).isEqualTo("127.0.0.1");
                assertThat(rs.getString(4)).isNotBlank();
            }
        }
        // An unknown email's failure lands in the platform's organisation, never in a customer's.
        String unknown = uniqueEmail();
        long before = eventsOfType(PLATFORM_ORG, "auth.login.failed");
        login(unknown, "whatever-password", 401);
        assertThat(eventsOfType(PLATFORM_ORG, "auth.login.failed")).isEqualTo(before + 1);
    }

    @Test
    void malformedSignInInputIs400() {
        HttpResponse<String> missing = postJson("/api/v1/auth/login", Map.of("email", "a@example.com"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(body(missing).get("errors").get(0).get("field").asString()).isEqualTo("password");
        assertThat(postJson("/api/v1/auth/login", Map.of("email", "a@example.com", "password", "x", "admin", true)).statusCode())
                .isEqualTo(400);
    }

    // --- helpers

    private HttpResponse<String> login(String email, String password, int expected) {
        HttpResponse<String> response = postJson("/api/v1/auth/login", Map.of("email", email, "password", password));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return response;
    }

    private HttpResponse<String> refresh(String token, int expected) {
        HttpResponse<String> response = postJson("/api/v1/auth/refresh", Map.of("refreshToken", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return response;
    }

    private HttpResponse<String> delete(String path, JsonNode tokens) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + tokens.get("accessToken").asString())
                .DELETE().build());
    }

    private static String sid(JsonNode tokens) {
        try {
            return SignedJWT.parse(tokens.get("accessToken").asString()).getJWTClaimsSet().getStringClaim("sid");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void liftLock(String email) throws SQLException {
        try (Connection owner = connectAs("bulwark_owner"); PreparedStatement ps = owner.prepareStatement(
                "UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE subject_hash = ?")) {
            ps.setBytes(1, throttleSubject(email));
            assertThat(ps.executeUpdate()).as("the lock of " + email).isEqualTo(1);
        }
    }

    private UUID userOf(String email) {
        return userIdOf(email);
    }

    private UUID orgOf(String email) throws SQLException {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT tenant_id FROM bulwark.memberships WHERE user_id = ?")) {
            ps.setObject(1, userIdOf(email));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }
}
