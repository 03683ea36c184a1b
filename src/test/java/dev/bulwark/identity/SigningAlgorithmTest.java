package dev.bulwark.identity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;

import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Each selectable signing algorithm works end to end, refuses forgeries, and publishes no secret. */
class SigningAlgorithmTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @EnumSource(value = AuthProperties.SigningAlgorithm.class, names = {"RS256", "HS256"})
    void signsVerifiesAndRefusesForgeries(AuthProperties.SigningAlgorithm algorithm, @TempDir Path keys) throws Exception {
        try (ConfigurableApplicationContext app = start(algorithm, keys)) {
            int port = port(app);
            String token = accessToken(port, signUp(port));
            SignedJWT jwt = SignedJWT.parse(token);
            assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(algorithm.name());
            assertThat(me(port, token)).isEqualTo(200);
            assertThat(me(port, new PlainJWT(new PlainHeader(), jwt.getJWTClaimsSet()).serialize())).isEqualTo(401);
            String[] parts = token.split("\\.");
            assertThat(me(port, parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA"))
                    .isEqualTo(401);
            String jwks = get(port, "/.well-known/jwks.json");
            assertThat(jwks).doesNotContain("\"d\"").doesNotContain("\"k\"");
            if (algorithm == AuthProperties.SigningAlgorithm.HS256) {
                assertThat(jwks).isEqualTo("{\"keys\":[]}");
            } else {
                assertThat(jwks).contains(jwt.getHeader().getKeyID());
            }
        }
    }

    @Test
    void switchingAlgorithmKeepsEarlierTokensValidUntilTheyExpire(@TempDir Path keys) throws Exception {
        String email;
        String es256Token;
        try (ConfigurableApplicationContext app = start(AuthProperties.SigningAlgorithm.ES256, keys)) {
            email = signUp(port(app));
            es256Token = accessToken(port(app), email);
        }
        try (ConfigurableApplicationContext app = start(AuthProperties.SigningAlgorithm.RS256, keys)) {
            int port = port(app);
            assertThat(me(port, es256Token)).isEqualTo(200);
            assertThat(SignedJWT.parse(accessToken(port, email)).getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        }
    }

    /**
     * An installation of its own under {@code dir}: keys generated over another installation's data would be refused
     * (docs/resilience.md).
     */
    private static ConfigurableApplicationContext start(AuthProperties.SigningAlgorithm algorithm, Path dir) {
        return new SpringApplicationBuilder(BulwarkApplication.class).run(
                "--server.port=0",
                "--bulwark.database.embedded.data-dir=" + dir,
                "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"),
                "--bulwark.auth.signing-algorithm=" + algorithm.name());
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private String signUp(int port) throws Exception {
        String email = "alg-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> r = post(port, "/api/v1/signup", "{\"email\":\"" + email + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\",\"name\":\"Alg\",\"organisationName\":\"Alg Org\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return email;
    }

    private String accessToken(int port, String email) throws Exception {
        HttpResponse<String> r = post(port, "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body().replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
    }

    private int me(int port, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> post(int port, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
