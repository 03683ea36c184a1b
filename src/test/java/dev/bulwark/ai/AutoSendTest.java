package dev.bulwark.ai;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto-send decisions (docs/ai-gateway.md#auto-send): the score is compared with the organisation's threshold as it
 * stands, both are kept with the decision and receipted, a missing threshold never sends, a completion has one decision,
 * and other organisations' completions, unanswered ones and bad scores change nothing.
 */
class AutoSendTest extends IntegrationTest {

    static StubProvider provider;

    private Tenant tenant;

    @BeforeAll
    static void stub() throws Exception {
        provider = StubProvider.startWhenFree(AiGatewayTest.OPENAI_PORT, AiGatewayTest::echoOpenAi);
    }

    @AfterAll
    static void stopStub() throws Exception {
        provider.close();
    }

    @BeforeEach
    void organisationWithAi() {
        provider.reset(AiGatewayTest::echoOpenAi);
        tenant = newTenant();
        policy(tenant, null);
    }

    // ---- helpers ----

    private static String ai(Tenant t) {
        return "/api/v1/orgs/" + t.id() + "/ai";
    }

    private void policy(Tenant t, String threshold) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", true);
        body.put("providers", List.of("stub-openai"));
        body.put("regions", List.of());
        body.put("autoSendThreshold", threshold == null ? null : new java.math.BigDecimal(threshold));
        HttpResponse<String> set = call("PUT", ai(t) + "/policy", t.owner(), json.writeValueAsString(body));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    }

    /** An answered completion of {@code t}'s owner: its id. */
    private UUID answered(Tenant t) {
        HttpResponse<String> done = call("POST", ai(t) + "/completions", t.owner(), json.writeValueAsString(Map.of(
                "provider", "stub-openai", "model", "stub-chat", "purpose", "helpdesk reply",
                "messages", List.of(Map.of("role", "user", "content", "Where is my order?")))));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        return UUID.fromString(body(done).get("id").asString());
    }

    private HttpResponse<String> decide(Tenant t, Person as, Object completionId, Object score) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("completionId", completionId);
        body.put("channel", "helpdesk-reply");
        body.put("score", score);
        return call("POST", ai(t) + "/auto-send-decisions", as, json.writeValueAsString(body));
    }

    private static List<Map<String, Object>> rows(UUID org) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("""
                     SELECT completion_id, score::text AS score, threshold::text AS threshold, decision, channel
                     FROM bulwark.ai_auto_send_decisions WHERE tenant_id = ? ORDER BY decided_at""")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (String column : List.of("completion_id", "score", "threshold", "decision", "channel")) {
                        row.put(column, rs.getObject(column));
                    }
                    rows.add(row);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static String problem(HttpResponse<String> response, tools.jackson.databind.ObjectMapper json) {
        return json.readTree(response.body()).path("type").asString().replace("https://bulwark.dev/problems/", "");
    }

    // ---- the decision ----

    @Test
    void withoutAThresholdTheDecisionIsAlwaysHoldEvenForAPerfectScore() {
        HttpResponse<String> decided = decide(tenant, tenant.owner(), answered(tenant), 1);
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(201);
        JsonNode d = body(decided);
        assertThat(d.get("decision").asString()).isEqualTo("hold");
        assertThat(d.get("reason").asString()).isEqualTo("threshold-not-set");
        assertThat(d.get("threshold").isNull()).isTrue();
        assertThat(rows(tenant.id())).singleElement().satisfies(row -> {
            assertThat(row.get("decision")).isEqualTo("hold");
            assertThat(row.get("threshold")).isNull();
            assertThat(row.get("score")).isEqualTo("1.000");
        });
    }

    @Test
    void theScoreIsComparedWithTheThresholdAndBothAreKeptWithTheDecision() throws Exception {
        policy(tenant, "0.8");
        String[][] cases = {{"0.799", "hold", "below-threshold"}, {"0.8", "send", "at-or-above-threshold"},
                {"0.95", "send", "at-or-above-threshold"}, {"0", "hold", "below-threshold"}};
        for (String[] c : cases) {
            UUID completion = answered(tenant);
            HttpResponse<String> decided = decide(tenant, tenant.owner(), completion, new java.math.BigDecimal(c[0]));
            assertThat(decided.statusCode()).as(decided.body()).isEqualTo(201);
            JsonNode d = body(decided);
            assertThat(d.get("decision").asString()).as(c[0]).isEqualTo(c[1]);
            assertThat(d.get("reason").asString()).as(c[0]).isEqualTo(c[2]);
            assertThat(d.get("threshold").decimalValue()).isEqualByComparingTo("0.8");
            assertThat(d.get("completionId").asString()).isEqualTo(completion.toString());
        }
        assertThat(rows(tenant.id())).extracting(r -> r.get("score") + "/" + r.get("threshold") + "/" + r.get("decision"))
                .containsExactly("0.799/0.800/hold", "0.800/0.800/send", "0.950/0.800/send", "0.000/0.800/hold");
        // Each decision is receipted in the organisation's chain with the score, the threshold and the outcome.
        List<Map<String, Object>> events = auditEvents(tenant.id(), "ai.auto_send.decided");
        assertThat(events).hasSize(4);
        JsonNode first = json.readTree((String) events.getFirst().get("after"));
        assertThat(first.get("score").asString()).isEqualTo("0.799");
        assertThat(first.get("threshold").asString()).isEqualTo("0.8");
        assertThat(first.get("decision").asString()).isEqualTo("hold");
        assertThat(first.get("channel").asString()).isEqualTo("helpdesk-reply");
        // The list shows them newest first, to those who read the audit trail.
        HttpResponse<String> listed = call("GET", ai(tenant) + "/auto-send-decisions", tenant.owner(), null);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(body(listed).get("items")).hasSize(4);
        assertThat(body(listed).get("items").get(0).get("score").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void aDecisionStaysAsMadeWhenTheThresholdChangesLater() {
        policy(tenant, "0.5");
        UUID completion = answered(tenant);
        assertThat(decide(tenant, tenant.owner(), completion, 0.6).statusCode()).isEqualTo(201);
        policy(tenant, "0.9");
        JsonNode listed = body(call("GET", ai(tenant) + "/auto-send-decisions", tenant.owner(), null)).get("items").get(0);
        assertThat(listed.get("decision").asString()).isEqualTo("send");
        assertThat(listed.get("threshold").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(listed.get("reason").asString()).isEqualTo("at-or-above-threshold");
    }

    @Test
    void theDatabaseRefusesASendThatNoThresholdAllows() {
        // A second line behind the code: a row saying "send" without a threshold, or below it, cannot be stored.
        UUID completion = answered(tenant);
        for (String threshold : new String[] {"NULL", "0.9"}) {
            try (Connection c = connectAs("postgres"); java.sql.Statement s = c.createStatement()) {
                s.execute("INSERT INTO bulwark.ai_auto_send_decisions (tenant_id, id, completion_id, channel, score, threshold, "
                        + "decision, decided_at) VALUES ('" + tenant.id() + "', gen_random_uuid(), '" + completion
                        + "', 'x', 0.5, " + threshold + ", 'send', now())");
                throw new AssertionError("a send with threshold " + threshold + " was stored");
            } catch (SQLException refused) {
                assertThat(refused.getMessage()).contains("ai_auto_send_decided_by_threshold");
            }
        }
    }

    @Test
    void aMemberKeyDecidesAndTheReceiptNamesTheKey() {
        policy(tenant, "0.7");
        UUID completion = answered(tenant);
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner(),
                "{\"name\":\"helpdesk\",\"role\":\"MEMBER\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = body(created).get("key").asString();
        HttpResponse<String> decided = call("POST", ai(tenant) + "/auto-send-decisions", null,
                json.writeValueAsString(Map.of("completionId", completion, "channel", "helpdesk-reply", "score", 0.71)),
                "Authorization", "Bearer " + key, "Content-Type", "application/json");
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(201);
        assertThat(body(decided).get("decision").asString()).isEqualTo("send");
        assertThat(auditEvents(tenant.id(), "ai.auto_send.decided")).singleElement()
                .satisfies(e -> assertThat(e.get("actor_type")).isEqualTo("apikey"));
    }

    // ---- refusals: each changes nothing ----

    @Test
    void aCompletionHasOneDecision() {
        policy(tenant, "0.5");
        UUID completion = answered(tenant);
        assertThat(decide(tenant, tenant.owner(), completion, 0.9).statusCode()).isEqualTo(201);
        HttpResponse<String> again = decide(tenant, tenant.owner(), completion, 0.1);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(rows(tenant.id())).singleElement().satisfies(r -> assertThat(r.get("decision")).isEqualTo("send"));
        assertThat(auditEvents(tenant.id(), "ai.auto_send.decided")).hasSize(1);
    }

    @Test
    void anotherOrganisationsCompletionOrAnUnknownOneIsNotFound() {
        Tenant other = newTenant();
        policy(other, "0.1");
        UUID theirs = answered(other);
        for (Object id : List.of(theirs, UUID.randomUUID())) {
            HttpResponse<String> refused = decide(tenant, tenant.owner(), id, 0.9);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
        }
        // Nor may a member of this organisation decide in the other one.
        HttpResponse<String> outside = decide(other, tenant.owner(), theirs, 0.9);
        assertThat(outside.statusCode()).as(outside.body()).isIn(403, 404);
        assertThat(rows(tenant.id())).isEmpty();
        assertThat(rows(other.id())).isEmpty();
    }

    @Test
    void aRefusedCompletionHasNothingToSend() {
        Tenant off = newTenant(); // AI off: the call is refused, and its receipt says so
        HttpResponse<String> refused = call("POST", ai(off) + "/completions", off.owner(), json.writeValueAsString(Map.of(
                "provider", "stub-openai", "model", "stub-chat", "purpose", "helpdesk reply",
                "messages", List.of(Map.of("role", "user", "content", "hello")))));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        JsonNode receipt = body(call("GET", ai(off) + "/usage", off.owner(), null)).get("items").get(0);
        assertThat(receipt.get("outcome").asString()).isEqualTo("refused");
        HttpResponse<String> decided = decide(off, off.owner(), UUID.fromString(receipt.get("id").asString()), 1);
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(409);
        assertThat(problem(decided, json)).isEqualTo("completion-not-answered");
        assertThat(rows(off.id())).isEmpty();
    }

    @Test
    void badScoresAndChannelsAreRefusedAndChangeNothing() {
        policy(tenant, "0.5");
        UUID completion = answered(tenant);
        for (Object score : new Object[] {1.5, -0.1, 0.1234, "high", null}) {
            HttpResponse<String> refused = decide(tenant, tenant.owner(), completion, score);
            assertThat(refused.statusCode()).as(String.valueOf(score)).isEqualTo(400);
        }
        for (String channel : new String[] {"", "Helpdesk Reply", "x'; DROP TABLE ai_usage; --", "a".repeat(65)}) {
            HttpResponse<String> refused = call("POST", ai(tenant) + "/auto-send-decisions", tenant.owner(),
                    json.writeValueAsString(Map.of("completionId", completion, "channel", channel, "score", 0.9)));
            assertThat(refused.statusCode()).as(channel).isEqualTo(400);
        }
        HttpResponse<String> notAnId = call("POST", ai(tenant) + "/auto-send-decisions", tenant.owner(),
                "{\"completionId\":\"not-a-uuid\",\"channel\":\"x\",\"score\":0.9}");
        assertThat(notAnId.statusCode()).isEqualTo(400);
        assertThat(rows(tenant.id())).isEmpty();
        assertThat(auditEvents(tenant.id(), "ai.auto_send.decided")).isEmpty();
    }

    @Test
    void viewersMayNotDecideAndMembersMayNotReadTheDecisions() {
        UUID completion = answered(tenant);
        Person viewer = joined(tenant.id(), "VIEWER");
        assertThat(decide(tenant, viewer, completion, 0.9).statusCode()).isEqualTo(403);
        Person member = joined(tenant.id(), "MEMBER");
        assertThat(call("GET", ai(tenant) + "/auto-send-decisions", member, null).statusCode()).isEqualTo(403);
        Person auditor = joined(tenant.id(), "AUDITOR");
        assertThat(call("GET", ai(tenant) + "/auto-send-decisions", auditor, null).statusCode()).isEqualTo(200);
        assertThat(rows(tenant.id())).isEmpty();
    }

    @Test
    void purgingTheUsageRecordRemovesItsDecision() throws Exception {
        policy(tenant, "0.5");
        UUID completion = answered(tenant);
        assertThat(decide(tenant, tenant.owner(), completion, 0.9).statusCode()).isEqualTo(201);
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM bulwark.ai_usage WHERE tenant_id = ? AND id = ?")) {
            ps.setObject(1, tenant.id());
            ps.setObject(2, completion);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(rows(tenant.id())).isEmpty();
    }
}
