package dev.bulwark.identity.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Reused verifications: real hits, dropped by a revocation on any instance, bypassed when revocations can't be heard. */
class VerifiedTokensTest extends IntegrationTest {

    @Autowired
    VerifiedTokens verified;

    @Test
    void anAlreadySeenTokenIsServedFromTheCache() throws InterruptedException {
        awaitListening(verified);
        JsonNode tokens = login(signedUp());
        assertThat(get("/api/v1/me", bearer(tokens)).statusCode()).isEqualTo(200);
        long before = verified.hits();
        assertThat(get("/api/v1/me", bearer(tokens)).statusCode()).isEqualTo(200);
        assertThat(verified.hits()).isGreaterThan(before);
    }

    @Test
    void theListenerHoldsAConnectionOfItsOwnNotOneOfThePools() throws Exception {
        awaitListening(verified);
        try (Connection c = connectAs("postgres");
             PreparedStatement listening = c.prepareStatement("SELECT application_name FROM pg_stat_activity WHERE query = ?")) {
            listening.setString(1, "LISTEN " + VerifiedTokens.CHANNEL);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = listening.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            // Every instance of this run listens; each on a connection named as a dedicated one, none of a pool.
            assertThat(names).isNotEmpty().containsOnly(VerifiedTokens.APPLICATION);
        }
    }

    @Test
    void aRevocationOnAnotherInstanceReachesThisOneAtOnce(@TempDir Path dir) throws Exception {
        JsonNode tokens = login(signedUp());
        String access = tokens.get("accessToken").asString();
        try (ConfigurableApplicationContext other = new SpringApplicationBuilder(BulwarkApplication.class).run(
                "--server.port=0", "--bulwark.database.embedded.data-dir=" + DATA_DIR,
                "--bulwark.database.embedded.durable=false", "--bulwark.auth.key-dir=" + DATA_DIR.resolve("keys"), "--bulwark.keys.dir=" + DATA_DIR.resolve("keys"), "--bulwark.audit.key-dir=" + DATA_DIR.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + DATA_DIR.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"))) {
            int otherPort = Integer.parseInt(other.getEnvironment().getRequiredProperty("local.server.port"));
            VerifiedTokens otherCache = other.getBean(VerifiedTokens.class);
            awaitListening(otherPort, access, otherCache);

            // Log out on this instance; the other one held the verification in its cache.
            HttpResponse<String> out = send(HttpRequest.newBuilder(uri("/api/v1/auth/logout"))
                    .header("Authorization", "Bearer " + access).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(out.statusCode()).isEqualTo(204);
            // Typically within milliseconds (one NOTIFY); the bound is what a saturated two-core machine still keeps.
            long deadline = System.currentTimeMillis() + 10_000;
            int status = 200;
            while (status == 200 && System.currentTimeMillis() < deadline) {
                status = meOn(otherPort, access);
                Thread.sleep(20);
            }
            assertThat(status).as("revoked on the other instance within 10 s").isEqualTo(401);
        }
    }

    @Test
    void aRevocationThatWasNotHeardIsStillCaughtOnceTheListenerIsLost() throws Exception {
        awaitListening(verified);
        JsonNode tokens = login(signedUp());
        assertThat(get("/api/v1/me", bearer(tokens)).statusCode()).isEqualTo(200);
        // Revoke behind the application's back: no notification is sent.
        revokeInDatabase(tokens);
        assertThat(get("/api/v1/me", bearer(tokens)).statusCode())
                .as("the cache still holds the verification: it is real, and revocations must go through the app")
                .isEqualTo(200);
        verified.simulateListenerLoss();
        assertThat(get("/api/v1/me", bearer(tokens)).statusCode()).as("fail closed: verify again").isEqualTo(401);
    }

    @Test
    void aVerificationThatBeganWhileNotListeningIsNotKeptOnceListeningResumes() throws Exception {
        awaitListening(verified);
        long losses = verified.losses();
        verified.simulateListenerLoss();
        // Once the listener's own loop has seen the loss too, it waits 500 ms before reconnecting: a verification
        // begins in that time, while revocations cannot be heard ...
        long deadline = System.currentTimeMillis() + 60_000;
        while (verified.losses() < losses + 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        long during = verified.epoch();
        boolean wasDown = !verified.listening();
        awaitListening(verified);
        // ... and ends after listening resumed: a revocation may have been missed in between, so it is not kept.
        UUID user = UUID.randomUUID();
        org.springframework.security.oauth2.jwt.Jwt jwt = org.springframework.security.oauth2.jwt.Jwt.withTokenValue("t")
                .header("alg", "ES256").subject(user.toString()).build();
        verified.remember("token-begun-while-deaf", jwt, user, java.time.Instant.now().plusSeconds(60), during);
        assertThat(wasDown).as("the verification began while the listener was down").isTrue();
        assertThat(verified.lookup("token-begun-while-deaf")).isNull();
        // One that begins now is kept, so the refusal above is the resumption's doing.
        verified.remember("token-begun-while-listening", jwt, user, java.time.Instant.now().plusSeconds(60), verified.epoch());
        assertThat(verified.lookup("token-begun-while-listening")).isNotNull();
    }

    /** The listener reconnects within about a second after a (simulated) loss; waits up to 60 s on a busy machine. */
    private static void awaitListening(VerifiedTokens cache) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!cache.listening() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(cache.listening()).isTrue();
    }

    private void awaitListening(int port, String access, VerifiedTokens cache) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        long hits = cache.hits();
        while (cache.hits() <= hits + 1 && System.currentTimeMillis() < deadline) {
            assertThat(meOn(port, access)).isEqualTo(200);
            Thread.sleep(50);
        }
        assertThat(cache.hits()).as("the other instance serves the token from its cache").isGreaterThan(hits + 1);
    }

    private int meOn(int port, String access) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/me"))
                .header("Authorization", "Bearer " + access).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static void revokeInDatabase(JsonNode tokens) throws Exception {
        String sid = SignedJWT.parse(tokens.get("accessToken").asString()).getJWTClaimsSet().getStringClaim("sid");
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("UPDATE bulwark.sessions SET revoked_at = now(), revoked_reason = 'user' WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(sid));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
