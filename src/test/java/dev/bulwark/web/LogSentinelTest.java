package dev.bulwark.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 27, acceptance 3: no secret or personal value reaches a log line. Every application context of the test run
 * logs to one file as well as the console ({@code logging.file.name} in the test configuration, a file per
 * {@code mvn} run named by surefire's {@code bulwark.test.log}). This test drives the main flows with sentinel values
 * (password, email, name, contact details, notes, the tokens and the API key the flows hand out, a wrong password, a
 * forged token, bad input carrying a password), then reads the whole file: none of its sentinels may appear, and none
 * of the values the rest of the suite uses (its standard password, the scrape token, the AI providers' platform keys,
 * any JWT, any Bulwark token, any test address) may appear in anything logged by then.
 */
class LogSentinelTest extends IntegrationTest {

    /** The log file of this run (see the surefire configuration in pom.xml). */
    static Path logFile() {
        return Path.of(System.getProperty("bulwark.test.log", "target/test-logs/bulwark.log"));
    }

    @Test
    void noSentinelReachesALogLine() throws IOException {
        String mark = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String email = "sentinel." + mark + "@example.com";
        String password = "sentinel-pass-" + mark + "-orbit";
        String name = "Sentinel Person " + mark;
        List<String> sentinels = new ArrayList<>(List.of(email, password, name, mark));

        // Sign-up, a refused second sign-up, a wrong password, sign-in, refresh, step-up.
        HttpResponse<String> created = postJson("/api/v1/signup", Map.of("email", email, "password", password, "name", name,
                "organisationName", "Sentinel Org " + mark));
        assertThat(created.statusCode()).isEqualTo(201);
        UUID org = UUID.fromString(body(created).get("organisationId").asString());
        assertThat(postJson("/api/v1/signup", Map.of("email", email, "password", password, "name", name,
                "organisationName", "Again")).statusCode()).isEqualTo(409);
        String wrong = "sentinel-wrong-" + mark + "-canyon";
        sentinels.add(wrong);
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", wrong)).statusCode()).isEqualTo(401);
        HttpResponse<String> signedIn = postJson("/api/v1/auth/login", Map.of("email", email, "password", password));
        assertThat(signedIn.statusCode()).isEqualTo(200);
        JsonNode tokens = body(signedIn);
        sentinels.add(tokens.get("accessToken").asString());
        sentinels.add(tokens.get("refreshToken").asString());
        HttpResponse<String> refreshed = postJson("/api/v1/auth/refresh", Map.of("refreshToken", tokens.get("refreshToken").asString()));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        tokens = body(refreshed);
        sentinels.add(tokens.get("accessToken").asString());
        sentinels.add(tokens.get("refreshToken").asString());
        String[] auth = bearer(tokens);
        assertThat(send(java.net.http.HttpRequest.newBuilder(uri("/api/v1/auth/step-up")).headers(auth)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("password", password))))
                .build()).statusCode()).isEqualTo(204);

        // A contact with personal data, an API key (shown once), bad input carrying the password, a forged token.
        String contactEmail = "sentinel.contact." + mark + "@example.org";
        String phone = "+4420794" + (10000 + Math.abs(mark.hashCode() % 90000));
        String notes = "sentinel notes " + mark;
        sentinels.addAll(List.of(contactEmail, phone, notes));
        assertThat(authed("POST", "/api/v1/orgs/" + org + "/contacts", auth,
                Map.of("name", "Sentinel Contact " + mark, "email", contactEmail, "phone", phone, "notes", notes))
                .statusCode()).isEqualTo(201);
        HttpResponse<String> key = authed("POST", "/api/v1/orgs/" + org + "/api-keys", auth, Map.of("name", "sentinel key", "role", "MEMBER"));
        assertThat(key.statusCode()).isEqualTo(201);
        sentinels.add(body(key).get("key").asString());
        assertThat(postJson("/api/v1/signup", Map.of("email", "not-an-address " + password, "password", password,
                "name", name, "organisationName", "x")).statusCode()).isEqualTo(400);
        String forged = "bwr_" + mark + mark + "forgedforged";
        sentinels.add(forged);
        assertThat(postJson("/api/v1/auth/refresh", Map.of("refreshToken", forged)).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", "Authorization", "Bearer eyJforged." + mark + ".sig").statusCode()).isEqualTo(401);

        Path file = logFile();
        assertThat(file).as("the run's log file").exists();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).as("lines logged").isNotEmpty();
        List<String> found = new ArrayList<>();
        for (String line : lines) {
            for (String sentinel : sentinels) {
                if (line.contains(sentinel)) {
                    found.add(sentinel + " in: " + line);
                }
            }
            for (Pattern pattern : SUITE_WIDE) {
                if (pattern.matcher(line).find()) {
                    found.add(pattern + " in: " + line);
                }
            }
        }
        assertThat(found).isEmpty();
    }

    /** What the rest of the suite sends, or is given, that must never be logged either. */
    private static final List<Pattern> SUITE_WIDE = List.of(
            Pattern.compile(Pattern.quote(STRONG_PASSWORD)),
            Pattern.compile(Pattern.quote(METRICS_TOKEN)),
            Pattern.compile("platform-(openai|anthropic|slow)-key-000"),
            // A signed JWT (header.payload.signature), a Bulwark token or a webhook secret.
            Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
            Pattern.compile("\\bbw[rkipvm]_[0-9A-Za-z]{30,}"),
            Pattern.compile("whsec_[A-Za-z0-9+/=]{20,}"),
            // The addresses IntegrationTest.uniqueEmail makes.
            Pattern.compile("\\bu[0-9a-f-]{12}@example\\.com"));

    private HttpResponse<String> authed(String method, String path, String[] auth, Object body) {
        return send(java.net.http.HttpRequest.newBuilder(uri(path)).headers(auth).header("Content-Type", "application/json")
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build());
    }
}
