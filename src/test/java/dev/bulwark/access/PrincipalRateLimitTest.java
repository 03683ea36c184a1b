package dev.bulwark.access;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Budgets per user, per API key and per organisation, with the IETF headers; and a trusted proxy's client address. */
@TestPropertySource(properties = {"bulwark.rate-limits.user-per-minute=5", "bulwark.rate-limits.api-key-per-minute=3",
        "bulwark.rate-limits.organisation-per-minute=9", "bulwark.http.trusted-proxies=127.0.0.1"})
@Import(StoppedBudgetClock.class)
class PrincipalRateLimitTest extends IntegrationTest {

    @Test
    void aUserPastTheirBudgetGets429WithRetryAfterAndTheHeaders() {
        Tenant tenant = newTenant();
        String path = "/api/v1/orgs/" + tenant.id() + "/projects";
        HttpResponse<String> first = call("GET", path, tenant.owner(), null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"user\";q=5;w=60, \"org\";q=9;w=60");
        assertThat(first.headers().firstValue("RateLimit").orElseThrow()).matches("\"user\";r=4;t=\\d+, \"org\";r=8;t=\\d+");
        for (int i = 0; i < 4; i++) {
            assertThat(call("GET", path, tenant.owner(), null).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = call("GET", path, tenant.owner(), null);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        assertThat(limited.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"user\";r=0;t=");
        assertThat(body(limited).get("type").asString()).endsWith("/too-many-requests");
        // Personal endpoints spend the same user budget.
        assertThat(call("GET", "/api/v1/me", tenant.owner(), null).statusCode()).isEqualTo(429);
    }

    @Test
    void anOrganisationsBudgetIsSharedByItsMembers() {
        Tenant tenant = newTenant();
        Person second = joined(tenant.id(), "MEMBER");
        String path = "/api/v1/orgs/" + tenant.id() + "/projects";
        for (int i = 0; i < 5; i++) {
            assertThat(call("GET", path, tenant.owner(), null).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(call("GET", path, second, null).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = call("GET", path, second, null);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("RateLimit").orElseThrow()).contains("\"org\";r=0;t=");
        // Another organisation's budget is its own.
        Tenant other = newTenant();
        assertThat(call("GET", "/api/v1/orgs/" + other.id() + "/projects", other.owner(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void anApiKeyHasItsOwnBudget() {
        Tenant tenant = newTenant();
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner(),
                "{\"name\":\"k\",\"role\":\"VIEWER\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String[] key = {"Authorization", "Bearer " + body(created).get("key").asString()};
        String path = "/api/v1/orgs/" + tenant.id() + "/projects";
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = call("GET", path, null, null, key);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("RateLimit-Policy").orElseThrow()).startsWith("\"apikey\";q=3;w=60");
        }
        HttpResponse<String> limited = call("GET", path, null, null, key);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aTrustedProxysForwardedAddressIsTheClientsAddress() {
        String email = signedUp();
        HttpResponse<String> login = send(HttpRequest.newBuilder(uri("/api/v1/auth/login"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "1.2.3.4, 203.0.113.77")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("email", email, "password", STRONG_PASSWORD))))
                .build());
        assertThat(login.statusCode()).isEqualTo(200);
        JsonNode sessions = body(get("/api/v1/me/sessions", bearer(body(login))));
        assertThat(sessions.get("items").get(0).get("ip").asString()).isEqualTo("203.0.113.77");
    }
}
