package dev.bulwark.ai;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failing closed on the sanitiser: with a time budget no sanitising can meet (one nanosecond), every call that the
 * policy admits answers 503 {@code ai-sanitiser-failed}, the provider sees no connection at all, and the call leaves
 * its one failed receipt. An application of its own (the budget is read at start-up).
 */
@TestPropertySource(properties = "bulwark.ai.sanitiser.budget=1ns")
class AiSanitiserFailureTest extends IntegrationTest {

    static StubProvider provider;

    @BeforeAll
    static void stub() throws Exception {
        provider = StubProvider.startWhenFree(AiGatewayTest.OPENAI_PORT, AiGatewayTest::echoOpenAi);
    }

    @AfterAll
    static void stopStub() throws Exception {
        provider.close();
    }

    @Test
    void aSanitiserFailureIs503AndNothingIsSent() throws Exception {
        Tenant tenant = newTenant();
        String ai = "/api/v1/orgs/" + tenant.id() + "/ai";
        assertThat(call("PUT", ai + "/policy", tenant.owner(), json.writeValueAsString(Map.of("enabled", true,
                "providers", List.of("stub-openai"), "regions", List.of()))).statusCode()).isEqualTo(200);
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> response = call("POST", ai + "/completions", tenant.owner(), json.writeValueAsString(Map.of(
                    "provider", "stub-openai", "model", "stub-chat", "purpose", "x", "stream", stream,
                    "messages", List.of(Map.of("role", "user", "content", "Mail ada@example.com the report")))));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(body(response).get("type").asString()).endsWith("/ai-sanitiser-failed");
            assertThat(response.body()).doesNotContain("ada@example.com");
        }
        assertThat(provider.connections()).isZero();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT outcome, problem, prompt_sha256 FROM bulwark.ai_usage WHERE tenant_id = ? ORDER BY occurred_at")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; i < 2; i++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("failed");
                    assertThat(rs.getString(2)).isEqualTo("ai-sanitiser-failed");
                    assertThat(rs.getBytes(3)).as("nothing was sent, so nothing was hashed").isNull();
                }
                assertThat(rs.next()).isFalse();
            }
        }
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(2);
    }
}
