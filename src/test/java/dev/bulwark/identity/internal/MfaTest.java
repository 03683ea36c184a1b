package dev.bulwark.identity.internal;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.bulwark.IntegrationTest;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** TOTP and recovery codes: enrolment, sign-in with a second factor, one use per code, step-up with a code. */
class MfaTest extends IntegrationTest {

    private String email;
    private JsonNode tokens;

    @Autowired
    private PlaintextBackfill sealing;

    @BeforeEach
    void signedIn() {
        email = uniqueEmail();
        signUp(email);
        verifyEmail(email);
        tokens = login(email, STRONG_PASSWORD);
    }

    @Test
    void enrolConfirmAndSignInWithASecondFactor() {
        JsonNode otherDevice = login(email, STRONG_PASSWORD);
        JsonNode enrolment = body(post("/api/v1/me/mfa/totp", tokens, "{}"));
        String secret = enrolment.get("secret").asString();
        assertThat(new Base32().decode(secret)).hasSize(20);
        assertThat(enrolment.get("otpauthUri").asString()).startsWith("otpauth://totp/Bulwark%3A")
                .contains("secret=" + secret, "algorithm=SHA1", "digits=6", "period=30");

        // The seed is stored only encrypted: neither the text nor its bytes are in the row.
        try (java.sql.Connection c = connectAs("postgres");
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT secret, secret_ct FROM bulwark.totp_factors t"
                     + " WHERE t.user_id = ?")) {
            ps.setObject(1, userIdOf(email));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isNull();
                String stored = new String(rs.getBytes(2), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(stored).doesNotContain(secret)
                        .doesNotContain(new String(new Base32().decode(secret), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }

        HttpResponse<String> wrong = post("/api/v1/me/mfa/totp/confirm", tokens, "{\"code\":\"000000\"}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        String spent = code(secret, 0);
        HttpResponse<String> confirmed = post("/api/v1/me/mfa/totp/confirm", tokens, "{\"code\":\"" + spent + "\"}");
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        List<String> recovery = new ArrayList<>();
        body(confirmed).get("recoveryCodes").forEach(c -> recovery.add(c.asString()));
        assertThat(recovery).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}"));

        assertThat(body(get("/api/v1/me", bearer(tokens))).get("mfaEnabled").asBoolean()).isTrue();
        assertThat(get("/api/v1/me", bearer(otherDevice)).statusCode()).as("other sessions end on a factor change").isEqualTo(401);
        assertThat(post("/api/v1/me/mfa/totp", tokens, "{}").statusCode()).as("already enrolled").isEqualTo(409);

        // Sign-in now stops at the second factor.
        JsonNode challenge = body(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)));
        assertThat(challenge.get("mfaRequired").asBoolean()).isTrue();
        assertThat(challenge.has("accessToken")).isFalse();
        String mfaToken = challenge.get("mfaToken").asString();
        // The code used at confirmation is spent: it is not accepted again.
        assertThat(mfa(mfaToken, spent).statusCode()).isEqualTo(401);
        HttpResponse<String> passed = mfa(mfaToken, code(secret, 1));
        assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
        assertThat(body(passed).get("accessToken").asString()).isNotBlank();
        assertThat(mfa(mfaToken, code(secret, 1)).statusCode()).as("a challenge is single-use").isEqualTo(401);

        // A recovery code works once, typed in any case.
        String mfaToken2 = body(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)))
                .get("mfaToken").asString();
        assertThat(mfa(mfaToken2, recovery.get(3).toUpperCase()).statusCode()).isEqualTo(200);
        String mfaToken3 = body(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)))
                .get("mfaToken").asString();
        assertThat(mfa(mfaToken3, recovery.get(3)).statusCode()).isEqualTo(401);
        assertThat(mfa(mfaToken3, recovery.get(4)).statusCode()).isEqualTo(200);
    }

    @Test
    void stepUpNeedsTheSecondFactorOnceEnrolled() {
        String secret = enrol();
        HttpResponse<String> passwordOnly = post("/api/v1/auth/step-up", tokens, json.writeValueAsString(Map.of("password", STRONG_PASSWORD)));
        assertThat(passwordOnly.statusCode()).isEqualTo(401);
        HttpResponse<String> withCode = post("/api/v1/auth/step-up", tokens,
                json.writeValueAsString(Map.of("password", STRONG_PASSWORD, "code", code(secret, 1))));
        assertThat(withCode.statusCode()).as(withCode.body()).isEqualTo(204);
    }

    @Test
    void forgedChallengesAndWrongCodesAreRefused() {
        String secret = enrol();
        String mfaToken = body(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)))
                .get("mfaToken").asString();
        assertThat(mfa("bwm_" + "A".repeat(38), code(secret, 1)).statusCode()).isEqualTo(401);
        // One character changed (never to itself: a token ending in x would stay the real one).
        char last = mfaToken.charAt(mfaToken.length() - 1);
        assertThat(mfa(mfaToken.substring(0, mfaToken.length() - 1) + (last == 'x' ? 'y' : 'x'), code(secret, 1)).statusCode()).isEqualTo(401);
        assertThat(mfa(mfaToken, "123456").statusCode()).isEqualTo(401);
        assertThat(mfa(mfaToken, "' OR 1=1 --").statusCode()).isEqualTo(401);
        // Five attempts on the challenge, then it is gone even with the right code.
        for (int i = 0; i < 3; i++) {
            assertThat(mfa(mfaToken, "654321").statusCode()).isEqualTo(401);
        }
        assertThat(mfa(mfaToken, code(secret, 1)).statusCode()).isEqualTo(401);
        // Those five wrong codes also locked the email, as five wrong passwords would.
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(429);
    }

    @Test
    void enrolmentNeedsAFreshFactor() throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '11 minutes' WHERE user_id = "
                        + "?")) {
            ps.setObject(1, userIdOf(email));
            ps.executeUpdate();
        }
        HttpResponse<String> refused = post("/api/v1/me/mfa/totp", tokens, "{}");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(body(refused).get("type").asString()).endsWith("/step-up-required");
    }

    /**
     * A seed as V3 wrote it, in plaintext, its user marked as V42 marks them: refused at sign-in (a 500, never checked
     * against a code), sealed by the start-up step ({@link PlaintextBackfill}), and then it signs in as any other. A
     * plaintext seed planted afterwards is refused, never used, and stays refused: the step does not take it for one
     * from before V19.
     */
    @Test
    void aSeedStoredInPlaintextIsRefusedUntilTheStartUpStepSealsIt() throws SQLException {
        java.util.UUID userId = userIdOf(email);
        String legacySeed = Totp.newSecret();
        sql("INSERT INTO bulwark.totp_factors (user_id, secret, created_at, confirmed_at) VALUES (?, ?, now(), now())",
                userId, legacySeed);
        sql("UPDATE bulwark.users SET totp_seed_in_plaintext = true WHERE id = ?", userId);
        HttpResponse<String> refused = mfa(challenge(), code(legacySeed, 0));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
        assertThat(refused.body()).contains("undecryptable-data", "totp_factors.secret").doesNotContain(legacySeed);

        assertThat(sealing.sealSeeds()).isEqualTo(1);

        assertThat(seedColumns(userId)).as("plaintext cleared, ciphertext set, mark cleared").containsExactly(false, true, false);
        assertThat(sealing.sealSeeds()).as("nothing left to seal").isZero();
        HttpResponse<String> passed = mfa(challenge(), code(legacySeed, 0));
        assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);

        // Planted behind the application's back, after sealing: refused, never checked against a code.
        String planted = Totp.newSecret();
        sql("UPDATE bulwark.totp_factors SET secret = ? WHERE user_id = ?", planted, userId);
        HttpResponse<String> again = mfa(challenge(), code(planted, 1));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(500);
        assertThat(again.body()).contains("undecryptable-data").doesNotContain(planted);
        assertThat(sealing.sealSeeds()).isZero();
        assertThat(mfa(challenge(), code(legacySeed, 1)).statusCode()).as("still refused").isEqualTo(500);
        assertThat(seedColumns(userId)).containsExactly(true, true, false);
    }

    // --- helpers

    private String challenge() {
        JsonNode challenge = body(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)));
        assertThat(challenge.get("mfaRequired").asBoolean()).isTrue();
        return challenge.get("mfaToken").asString();
    }

    /** Whether the user's seed row holds a plaintext, and a ciphertext, and whether the user is marked. */
    private List<Boolean> seedColumns(java.util.UUID userId) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT t.secret IS NOT NULL, t.secret_ct IS NOT NULL, u.totp_seed_in_plaintext FROM bulwark.totp_factors t"
                        + " JOIN bulwark.users u ON u.id = t.user_id WHERE t.user_id = ?")) {
            ps.setObject(1, userId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return List.of(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3));
            }
        }
    }

    private void sql(String statement, Object... args) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private String enrol() {
        String secret = body(post("/api/v1/me/mfa/totp", tokens, "{}")).get("secret").asString();
        assertThat(post("/api/v1/me/mfa/totp/confirm", tokens, "{\"code\":\"" + code(secret, 0) + "\"}").statusCode()).isEqualTo(200);
        return secret;
    }

    /** The code of the current step plus {@code offset}: the authenticator the user holds. */
    private static String code(String secret, int offset) {
        return Totp.code(new Base32().decode(secret), Totp.step(Instant.now()) + offset, 6, "HmacSHA1");
    }

    private JsonNode login(String email, String password) {
        HttpResponse<String> r = postJson("/api/v1/auth/login", Map.of("email", email, "password", password));
        assertThat(r.statusCode()).isEqualTo(200);
        return body(r);
    }

    private HttpResponse<String> mfa(String mfaToken, String code) {
        return postJson("/api/v1/auth/login/mfa", Map.of("mfaToken", mfaToken, "code", code));
    }

    private HttpResponse<String> post(String path, JsonNode as, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + as.get("accessToken").asString())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

}
