package dev.bulwark.webhooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.bulwark.ChildBulwark;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At least once, across a crash (docs/webhooks.md): an audited change whose delivery was committed with it, in an
 * application killed with SIGKILL before sending it, is delivered by the next start. Runs the real application in child
 * JVMs on a data directory of its own, as {@code java -jar} would. The first one's worker never polls
 * ({@code bulwark.webhooks.poll-interval} of an hour) and nobody listens at the receiver's address yet, so the delivery
 * can only come from the committed row; the second start, with the receiver up, must send it.
 */
class WebhookCrashTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aDeliveryCommittedBeforeKillDashNineIsSentByTheNextStart(@TempDir Path dataDir) throws Exception {
        Process first = launch(dataDir, "first", "1h");
        String secret;
        String org;
        String token;
        String projectId;
        String webhookId;
        try {
            int port = awaitHealthy(first, dataDir.resolve("first.log"));
            String email = "crash-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            JsonNode signup = send(port, "POST", "/api/v1/signup", null, Map.of("email", email, "password",
                    IntegrationTest.STRONG_PASSWORD, "name", "Crash", "organisationName", "Crash Org"), 201);
            org = signup.get("organisationId").asString();
            token = send(port, "POST", "/api/v1/auth/login", null, Map.of("email", email, "password", IntegrationTest.STRONG_PASSWORD),
                    200).get("accessToken").asString();
            JsonNode webhook = send(port, "POST", "/api/v1/orgs/" + org + "/webhooks", token,
                    Map.of("url", "http://127.0.0.1:27809/crash", "events", java.util.List.of("project.created")), 201);
            secret = webhook.get("secret").asString();
            webhookId = webhook.get("id").asString();
            projectId = send(port, "POST", "/api/v1/orgs/" + org + "/projects", token, Map.of("name", "Before the crash"), 201)
                    .get("id").asString();
            // Acknowledged, so committed: the delivery row is durable now. It is pending, and nothing will send it here.
            JsonNode pending = send(port, "GET", "/api/v1/orgs/" + org + "/webhooks/" + webhookId + "/deliveries", token, null, 200)
                    .get("items");
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).get("status").asString()).isEqualTo("pending");
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook runs
            first.waitFor();
        }

        try (WebhookReceiver receiver = WebhookReceiver.on(27809)) {
            Process second = launch(dataDir, "second", "250ms");
            try {
                int port = awaitHealthy(second, dataDir.resolve("second.log"));
                WebhookReceiver.Received received = receiver.await("the delivery committed before the crash",
                        r -> r.body().contains(projectId));
                received.verify(secret);
                JsonNode body = JSON.readTree(received.body());
                assertThat(body.get("type").asString()).isEqualTo("project.created");
                assertThat(body.get("data").get("entity").get("id").asString()).isEqualTo(projectId);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                JsonNode delivery;
                do {
                    Thread.sleep(100);
                    delivery = send(port, "GET", "/api/v1/orgs/" + org + "/webhooks/" + webhookId + "/deliveries", token, null, 200)
                            .get("items").get(0);
                } while (!delivery.get("status").asString().equals("succeeded") && System.nanoTime() < deadline);
                assertThat(delivery.get("status").asString()).isEqualTo("succeeded");
                assertThat(delivery.get("id").asString()).isEqualTo(received.header("webhook-id"));
            } finally {
                second.destroy();
                if (!second.waitFor(60, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
        }
    }

    private JsonNode send(int port, String method, String path, String token, Object body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    private static Process launch(Path dataDir, String name, String pollInterval) throws IOException {
        // The test configuration on the class path lets egress reach 127.0.0.1:27801-27810 and stills the worker; this sets it.
        return ChildBulwark.launch(dataDir, dataDir.resolve(name + ".log"), Map.of("BULWARK_WEBHOOKS_POLL_INTERVAL", pollInterval));
    }

    private int awaitHealthy(Process process, Path log) throws Exception {
        return ChildBulwark.awaitRunning(process, log, http, true);
    }
}
