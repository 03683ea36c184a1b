package dev.bulwark.webhooks;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import dev.bulwark.IntegrationTest;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook tests' context: its worker polls every 200 ms (the suite's default keeps every other context's worker
 * still) and gives an attempt 2 seconds, so a slow receiver fails fast.
 */
@TestPropertySource(properties = {"bulwark.webhooks.poll-interval=200ms", "bulwark.webhooks.timeout=2s"})
abstract class WebhookTestSupport extends IntegrationTest {

    /** A registered webhook: its id and its secret. */
    record Registered(UUID id, String secret) {
    }

    protected Registered register(Tenant tenant, String url, String... events) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/webhooks", tenant.owner(),
                json.writeValueAsString(Map.of("url", url, "events", List.of(events))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = body(created);
        return new Registered(UUID.fromString(body.get("id").asString()), body.get("secret").asString());
    }

    protected String webhooks(Tenant tenant) {
        return "/api/v1/orgs/" + tenant.id() + "/webhooks";
    }

    /** A project created by the owner over the API: an audited action whose event is {@code project.created}. */
    protected UUID createProject(Tenant tenant) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/projects", tenant.owner(),
                "{\"name\":\"Webhook test\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(body(created).get("id").asString());
    }

    /** The webhook's deliveries as the API lists them, newest first. */
    protected List<JsonNode> deliveries(Tenant tenant, UUID webhookId) {
        HttpResponse<String> listed = call("GET", webhooks(tenant) + "/" + webhookId + "/deliveries?limit=200", tenant.owner(), null);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        body(listed).get("items").forEach(items::add);
        return items;
    }

    /** Waits until the webhook's delivery of {@code eventType} satisfies {@code state} (generous bound, as for mail). */
    protected JsonNode awaitDelivery(Tenant tenant, UUID webhookId, String eventType, Predicate<JsonNode> state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            for (JsonNode d : deliveries(tenant, webhookId)) {
                if (d.get("eventType").asString().equals(eventType) && state.test(d)) {
                    return d;
                }
            }
            assertThat(System.nanoTime()).as("a delivery of " + eventType + " in the wanted state").isLessThan(deadline);
            sleep(100);
        }
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One value of the database, read as the superuser (past row-level security). */
    protected static Object scalar(String sql, Object... params) {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
