package dev.bulwark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;

import dev.bulwark.BulwarkApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The HTTP helpers the load drivers share: JSON requests, an expected status, a field of a flat JSON answer, a new
 * organisation with its owner signed in.
 */
final class BenchHttp {

    /** An organisation and its owner's bearer header. */
    record Owner(UUID org, String bearer) {
    }

    /** Signs up a new owner with a new organisation, and signs them in. */
    static Owner owner(HttpClient client, String base) throws Exception {
        String email = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "violet-orbit-canyon-42-lantern";
        String org = field(send(client, post(base + "/api/v1/signup", null, "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"name\":\"Bench\",\"organisationName\":\"Bench Org\"}"), 201), "organisationId");
        String token = field(send(client, post(base + "/api/v1/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\"}"), 200), "accessToken");
        return new Owner(UUID.fromString(org), "Bearer " + token);
    }

    /**
     * The application on a fresh data directory with durable commits, quiet logs, its background jobs pushed a day out
     * and sign-in unthrottled, plus {@code extra} arguments.
     */
    static ConfigurableApplicationContext start(String name, String... extra) throws Exception {
        Path dir = Files.createTempDirectory("bulwark-" + name + "-");
        String[] base = {"--server.port=0", "--bulwark.database.embedded.data-dir=" + dir,
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"), "--logging.level.root=WARN", "--bulwark.privacy.enforcer-interval=24h",
                "--bulwark.audit.checkpoint-interval=24h", "--bulwark.http.auth-requests-per-minute=100000"};
        return new SpringApplicationBuilder(BulwarkApplication.class)
                .run(Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(String[]::new));
    }

    static HttpRequest get(String url, String bearer) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer).GET().build();
    }

    static HttpRequest post(String url, String bearer, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", bearer);
        }
        return b.build();
    }

    /** Sends {@code request}; its body, or an exception naming the status when it is not {@code expected}. */
    static String send(HttpClient client, HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A string field of a JSON answer, by name (the benchmarks' answers are known and flat enough). */
    static String field(String json, String name) {
        return json.replaceAll("(?s).*\"" + name + "\":\"([^\"]+)\".*", "$1");
    }

    private BenchHttp() {
    }
}
