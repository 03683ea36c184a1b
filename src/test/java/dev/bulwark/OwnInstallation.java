package dev.bulwark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Bulwark installation of a test's own, outside the shared test context: its own embedded PostgreSQL in
 * {@code dataDir}, its keys, checkpoints and mail under {@code keysDir} (the same directory, or one kept off a data
 * directory the test damages), any further settings, and a signed-up owner to act as. For the tests that kill, fill
 * or saturate the database and must not do it to everyone else's.
 */
public final class OwnInstallation implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The organisation and access token of an owner signed up on this installation. */
    public record Owner(String org, String token) {
    }

    public final ConfigurableApplicationContext app;
    public final int port;

    private OwnInstallation(ConfigurableApplicationContext app) {
        this.app = app;
        this.port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
    }

    public static OwnInstallation start(Path dataDir, Path keysDir, String... settings) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--bulwark.database.embedded.data-dir=" + dataDir,
                "--bulwark.auth.key-dir=" + keysDir.resolve("keys"), "--bulwark.keys.dir=" + keysDir.resolve("keys"),
                "--bulwark.audit.key-dir=" + keysDir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + keysDir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + keysDir.resolve("mail")));
        args.addAll(List.of(settings));
        return new OwnInstallation(new SpringApplicationBuilder(BulwarkApplication.class).run(args.toArray(String[]::new)));
    }

    /** Signs up a new owner (a fresh address, {@code name}'s organisation) and signs them in. */
    public Owner signUpOwner(String name) throws Exception {
        String email = name.toLowerCase(java.util.Locale.ROOT) + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> signup = client.send(post("/api/v1/signup", null, Map.of("email", email, "password",
                IntegrationTest.STRONG_PASSWORD, "name", name, "organisationName", name + " Org")), HttpResponse.BodyHandlers.ofString());
        assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
        HttpResponse<String> login = client.send(post("/api/v1/auth/login", null, Map.of("email", email, "password",
                IntegrationTest.STRONG_PASSWORD)), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        JsonNode created = JSON.readTree(signup.body());
        return new Owner(created.get("organisationId").asString(), JSON.readTree(login.body()).get("accessToken").asString());
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** A JSON POST to this installation, as {@code bearer} (null: anonymous). */
    public HttpRequest post(String path, String bearer, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    @Override
    public void close() {
        app.close();
    }
}
