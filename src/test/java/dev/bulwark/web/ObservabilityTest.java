package dev.bulwark.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.internal.Checkpointer;
import dev.bulwark.trust.internal.TrustRunner;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 27, acceptance 3 (metrics and traces; the log scan is {@code LogSentinelTest}): actions driven over HTTP move
 * the domain meters read from {@code /actuator/prometheus}, and a request's trace span carries its request id. Spans
 * are caught by an exporter of this test's own; with none configured, no span leaves the process.
 */
@Import(ObservabilityTest.CaughtSpans.class)
@TestPropertySource(properties = {
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=100ms"})
class ObservabilityTest extends IntegrationTest {

    @TestConfiguration
    static class CaughtSpans {

        static final List<SpanData> SPANS = new CopyOnWriteArrayList<>();

        @Bean
        SpanExporter caughtSpans() {
            return new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    SPANS.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            };
        }
    }

    @Autowired
    private ApplicationContext context;

    @Autowired
    private TrustRunner trust;

    @Autowired
    private Checkpointer checkpointer;

    @Test
    void domainMetersExistAndMove() {
        Map<String, Double> before = scrape();
        Tenant tenant = newTenant();
        Person person = tenant.owner();
        String email = person.email();
        UUID org = tenant.id();

        // Failures until the lockout (threshold 5), then a step-up refused and one accepted.
        for (int i = 0; i < 5; i++) {
            assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", "wrong-" + i + "-not-the-password"))
                    .statusCode()).isIn(401, 429);
        }
        Person other = outsider();
        assertThat(call("POST", "/api/v1/auth/step-up", other, json.writeValueAsString(Map.of("password", "not-the-password-at-all")))
                .statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/auth/step-up", other, json.writeValueAsString(Map.of("password", STRONG_PASSWORD)))
                .statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/v1/orgs/" + org + "/audit/verify", person, null).statusCode()).isEqualTo(200);
        checkpointer.checkpointAll(true);
        trust.runAll();

        Map<String, Double> after = scrape();
        assertThat(moved(before, after, "bulwark_auth_signins_total", "outcome=\"succeeded\"")).isGreaterThanOrEqualTo(2);
        assertThat(moved(before, after, "bulwark_auth_signins_total", "outcome=\"failed\"")).isGreaterThanOrEqualTo(5);
        assertThat(moved(before, after, "bulwark_auth_lockouts_total", "")).isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "bulwark_auth_stepups_total", "outcome=\"failed\"")).isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "bulwark_auth_stepups_total", "outcome=\"succeeded\"")).isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "bulwark_audit_appends_total", "type=\"org.created\"")).isGreaterThanOrEqualTo(2);
        assertThat(moved(before, after, "bulwark_audit_verifications_total", "result=\"valid\"")).isGreaterThanOrEqualTo(1);
        assertThat(after).as("checkpoint lag").containsKey("bulwark_audit_checkpoint_lag_events");
        assertThat(after.keySet()).as("one series per trust check, with its control")
                .anyMatch(k -> k.startsWith("bulwark_trust_check_passing{") && k.contains("check=\"audit.chains-verify\""));
        // Low cardinality: no series names an organisation, a user, an email or a request.
        assertThat(after.keySet().stream().filter(k -> k.startsWith("bulwark_")))
                .noneMatch(k -> k.contains(org.toString()) || k.contains(email) || k.contains("@"));
    }

    @Test
    void aRequestsSpanCarriesItsRequestId() {
        String requestId = "trace-" + UUID.randomUUID().toString().substring(0, 18);
        HttpResponse<String> response = get("/api/v1/trust", "X-Request-Id", requestId);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue(requestId);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SpanData span = null;
        while (span == null) {
            span = CaughtSpans.SPANS.stream()
                    .filter(s -> requestId.equals(s.getAttributes().get(AttributeKey.stringKey("request.id"))))
                    .findFirst().orElse(null);
            if (span == null) {
                assertThat(System.nanoTime()).as("a span with request.id " + requestId).isLessThan(deadline);
                pause();
            }
        }
        assertThat(span.getSpanContext().isValid()).isTrue();
        assertThat(span.getAttributes().get(AttributeKey.stringKey("uri"))).isEqualTo("/api/v1/trust");
    }

    @Test
    void noSpanLeavesTheProcessUnlessAnEndpointIsSet() {
        assertThat(context.getBeanNamesForType(io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter.class)).isEmpty();
        assertThat(context.getBeanNamesForType(io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter.class)).isEmpty();
    }

    private Map<String, Double> scrape() {
        HttpResponse<String> scraped = get("/actuator/prometheus", "Authorization", "Bearer " + METRICS_TOKEN);
        assertThat(scraped.statusCode()).isEqualTo(200);
        Map<String, Double> series = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(?m)^([a-z_]+(?:\\{[^}]*\\})?) ([-0-9.Ee+]+|NaN)$").matcher(scraped.body());
        while (m.find()) {
            series.put(m.group(1), m.group(2).equals("NaN") ? Double.NaN : Double.parseDouble(m.group(2)));
        }
        return series;
    }

    /** The sum of the series of {@code name} whose labels contain {@code label}, after minus before. */
    private static double moved(Map<String, Double> before, Map<String, Double> after, String name, String label) {
        return sum(after, name, label) - sum(before, name, label);
    }

    private static double sum(Map<String, Double> series, String name, String label) {
        return series.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{") && e.getKey().contains(label))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
