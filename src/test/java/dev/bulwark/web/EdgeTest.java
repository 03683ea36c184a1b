package dev.bulwark.web;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP edge: problem JSON for every error, body limits, JSON by default, health and metrics exposure. */
class EdgeTest extends IntegrationTest {

    @Test
    void healthAnswersExactlyStatusUp() {
        HttpResponse<String> response = get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response)).isEqualTo(json.readTree("{\"status\":\"UP\"}"));
    }

    @Test
    void livenessAndReadinessProbesAnswerUp() {
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> response = get(probe);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(body(response).get("status").asString()).isEqualTo("UP");
            assertThat(response.body()).doesNotContain("components", "details");
        }
    }

    @Test
    void otherActuatorEndpointsAreOff() {
        for (String path : new String[] {"/actuator/env", "/actuator/beans", "/actuator/heapdump", "/actuator/configprops",
                "/actuator/loggers", "/actuator", "/actuator/health/db"}) {
            int status = get(path).statusCode();
            assertThat(status).as(path).isIn(401, 404);
        }
    }

    @Test
    void metricsNeedTheScrapeToken() {
        assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", "Authorization", "Bearer wrong-token-wrong-token-wrong-token").statusCode())
                .isEqualTo(401);
        HttpResponse<String> scraped = get("/actuator/prometheus", "Authorization", "Bearer " + METRICS_TOKEN);
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_memory_used_bytes").contains("hikaricp_connections");
    }

    @Test
    void unknownPathIs404ProblemJson() {
        assertProblem(get("/.well-known/does-not-exist"), 404);
    }

    @Test
    void wrongMethodIs405ProblemJson() {
        assertProblem(get("/api/v1/signup"), 405);
    }

    @Test
    void unsupportedMediaTypeIs415ProblemJson() {
        assertProblem(send(HttpRequest.newBuilder(uri("/api/v1/signup"))
                .header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<signup/>")).build()), 415);
    }

    @Test
    void protectedPathWithoutTokenIs401ProblemJson() {
        assertProblem(get("/api/v1/orgs/" + java.util.UUID.randomUUID()), 401);
    }

    @Test
    void malformedJsonIs400ProblemJsonWithoutInternals() {
        HttpResponse<String> response = postJson("/api/v1/signup", "{\"email\": \"a@b.c\", ");
        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.get("type").asString()).endsWith("/malformed-json");
    }

    @Test
    void bodyWithoutContentTypeIsReadAsJson() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/signup"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + uniqueEmail() + "\",\"password\":\"" + STRONG_PASSWORD
                        + "\",\"name\":\"No Type\",\"organisationName\":\"Typeless\"}"))
                .build());
        assertThat(response.request().headers().firstValue("Content-Type")).isEmpty();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void declaredOversizeBodyIs413BeforeReading() {
        String big = "{\"name\":\"" + "x".repeat(1_048_577) + "\"}";
        assertProblem(postJson("/api/v1/signup", big), 413);
    }

    @Test
    void chunkedOversizeBodyIs413WhileReading() {
        String big = "{\"email\":\"" + "x".repeat(1_200_000) + "\"}";
        // A publisher of unknown length makes the client send chunked, with no Content-Length to refuse up front.
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofString(big));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/signup"))
                .header("Content-Type", "application/json").POST(chunked).build());
        assertThat(chunked.contentLength()).isNegative();
        assertProblem(response, 413);
    }

    @Test
    void everyResponseCarriesARequestIdAndAPlainOneIsKept() {
        HttpResponse<String> generated = get("/actuator/health");
        assertThat(generated.headers().firstValue("X-Request-Id")).isPresent();
        HttpResponse<String> kept = get("/.well-known/nothing", "X-Request-Id", "trace-abc-12345");
        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("trace-abc-12345");
        assertThat(body(kept).get("requestId").asString()).isEqualTo("trace-abc-12345");
        HttpResponse<String> injected = get("/.well-known/nothing", "X-Request-Id", "evil value; with spaces");
        assertThat(injected.headers().firstValue("X-Request-Id").orElseThrow()).doesNotContain("evil");
    }

    private JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = body(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asString()).startsWith("https://bulwark.dev/problems/");
        assertThat(problem.has("title")).isTrue();
        assertThat(problem.has("detail")).isTrue();
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "java.", "org.springframework", "SELECT");
        return problem;
    }

}
