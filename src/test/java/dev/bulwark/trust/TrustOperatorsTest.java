package dev.bulwark.trust;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks run unasked at start and on the schedule; an operator named in configuration runs every check on demand and
 * reads the full evidence, and any other signed-in user is refused. Operators are named by user id at start, so the accounts are made first and the
 * application started again naming one of them.
 */
class TrustOperatorsTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private static ConfigurableApplicationContext start(Path dir, String... more) {
        String[] base = {"--server.port=0", "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail")};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more)).toArray(String[]::new);
        return new SpringApplicationBuilder(BulwarkApplication.class).run(args);
    }

    private HttpResponse<String> post(String base, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String base, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(ConfigurableApplicationContext app) {
        return "http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port");
    }

    private String signUp(String base, String email) throws Exception {
        HttpResponse<String> r = post(base, "/api/v1/signup", null, "{\"email\":\"" + email + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\",\"name\":\"O\",\"organisationName\":\"Org of " + email + "\"}");
        assertThat(r.statusCode()).isEqualTo(201);
        return login(base, email);
    }

    private String login(String base, String email) throws Exception {
        return json.readTree(post(base, "/api/v1/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\"}").body()).get("accessToken").asString();
    }

    private String me(String base, String token) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString()).body()).get("id").asString();
    }

    /** Waits until every check has a result newer than {@code after}; the oldest of them. */
    private Instant oldestCheck(String base, Instant after) throws Exception {
        // Returns as soon as every check ran; the bound is for a saturated machine.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(180);
        while (true) {
            JsonNode controls = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/trust")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("controls");
            Instant oldest = Instant.MAX;
            for (JsonNode control : controls) {
                for (JsonNode check : control.get("evidence")) {
                    JsonNode at = check.get("checkedAt");
                    oldest = at == null || at.isNull() ? Instant.MIN : oldest.isBefore(Instant.parse(at.asString())) ? oldest
                            : Instant.parse(at.asString());
                }
            }
            if (oldest.isAfter(after)) {
                return oldest;
            }
            assertThat(System.nanoTime()).as("every check ran after %s", after).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void anOperatorRunsEveryCheckOnDemandAndNoOneElseCan() throws Exception {
        Path dir = Files.createTempDirectory("bulwark-trust-operators-");
        String operatorEmail = "operator-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String userEmail = "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String operatorId;
        try (ConfigurableApplicationContext first = start(dir)) {
            operatorId = me(base(first), signUp(base(first), operatorEmail));
            signUp(base(first), userEmail);
        }
        // The first instance stopped gracefully: it gave the checks' lease back even if a run was under way
        // (TrustRunner.destroy), so the second runs its checks at once rather than ten minutes later.
        Instant started = Instant.now();
        try (ConfigurableApplicationContext app = start(dir, "--bulwark.trust.operators=" + operatorId, "--bulwark.trust.interval=2s")) {
            String base = base(app);
            // Unasked, every check runs once the application is ready, then again on the schedule.
            Instant firstRun = oldestCheck(base, started);
            oldestCheck(base, firstRun);

            Instant before = Instant.now();
            HttpResponse<String> run = post(base, "/api/v1/trust/run", login(base, operatorEmail), "{}");
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            JsonNode controls = json.readTree(run.body()).get("controls");
            assertThat(controls.size()).isGreaterThanOrEqualTo(12);
            for (JsonNode control : controls) {
                for (JsonNode check : control.get("evidence")) {
                    assertThat(Instant.parse(check.get("checkedAt").asString())).as(check.get("checkId").asString())
                            .isAfterOrEqualTo(before);
                }
            }

            // The full evidence, for the operator alone: how many organisations there are (the platform's, the
            // operator's, the user's), which the public answers never say.
            String operatorToken = login(base, operatorEmail);
            HttpResponse<String> full = get(base, "/api/v1/trust/operator", operatorToken);
            assertThat(full.statusCode()).as(full.body()).isEqualTo(200);
            JsonNode canary = json.readTree(full.body()).get("controls").valueStream()
                    .filter(c -> c.get("id").asString().equals("tenant-isolation")).findFirst().orElseThrow()
                    .get("evidence").get("isolation.canary").get("evidence");
            assertThat(canary.get("operatorOnly").get("otherOrganisations").asInt()).isEqualTo(2);
            assertThat(json.readTree(full.body()).get("findings").isArray()).isTrue();
            assertThat(get(base, "/api/v1/trust/operator", login(base, userEmail)).statusCode()).as("no operator").isEqualTo(403);
            assertThat(get(base, "/api/v1/trust/operator", null).statusCode()).isEqualTo(401);
            assertThat(get(base, "/api/v1/trust", null).body()).doesNotContain("operatorOnly", "\"otherOrganisations\"");

            assertThat(post(base, "/api/v1/trust/run", login(base, userEmail), "{}").statusCode())
                    .as("a signed-in user of another organisation, no operator").isEqualTo(403);
            assertThat(post(base, "/api/v1/trust/run", null, "{}").statusCode()).isEqualTo(401);
            String forged = login(base, userEmail);
            String[] parts = forged.split("\\.");
            String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                    .replaceAll("\"sub\":\"[^\"]+\"", "\"sub\":\"" + operatorId + "\"");
            String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
            assertThat(post(base, "/api/v1/trust/run", tampered, "{}").statusCode())
                    .as("a token whose subject was rewritten to the operator's").isEqualTo(401);
        }
    }
}
