package dev.bulwark.ai;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI gateway against stub providers on loopback (docs/ai-gateway.md): the policy, the allow-list and regions, an
 * organisation's own keys, every refusal reaching no provider, sanitising and restoration (streamed too), failing
 * closed on a provider's timeout or garbage, and the receipts: exactly one usage record and one {@code ai.completion}
 * event a call, with no prompt or output text in any table, log line or audit payload.
 */
class AiGatewayTest extends IntegrationTest {

    /** The stubs' ports: 27808-27810 are the gateway's among the loopback ports the egress test configuration allows. */
    static final int OPENAI_PORT = 27808;
    static final int ANTHROPIC_PORT = 27809;
    static final int THIRD_PORT = 27810;

    static final ObjectMapper STUB_JSON = JsonMapper.builder().build();

    static StubProvider openAi;
    static StubProvider anthropic;
    static StubProvider third;

    private Tenant tenant;
    private ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void stubs() throws Exception {
        openAi = StubProvider.startWhenFree(OPENAI_PORT, AiGatewayTest::echoOpenAi);
        anthropic = StubProvider.startWhenFree(ANTHROPIC_PORT, AiGatewayTest::echoAnthropic);
        third = StubProvider.startWhenFree(THIRD_PORT, AiGatewayTest::echoOpenAi);
    }

    @AfterAll
    static void stopStubs() throws Exception {
        openAi.close();
        anthropic.close();
        third.close();
    }

    /** The default answer: the last user message back, as received, with "Echo: " before it. */
    static StubProvider.Reply echoOpenAi(StubProvider.Received request) {
        return StubProvider.openAi(STUB_JSON, request, "Echo: " + StubProvider.lastUserText(STUB_JSON, request), 3, 11, 7);
    }

    static StubProvider.Reply echoAnthropic(StubProvider.Received request) {
        return StubProvider.anthropic(STUB_JSON, request, "Echo: " + StubProvider.lastUserText(STUB_JSON, request), 3, 13, 5);
    }

    @BeforeEach
    void freshOrganisationAndStubs() {
        openAi.reset(AiGatewayTest::echoOpenAi);
        anthropic.reset(AiGatewayTest::echoAnthropic);
        third.reset(AiGatewayTest::echoOpenAi);
        tenant = newTenant();
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stopCapturingLogs() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        openAi.release();
        anthropic.release();
        third.release();
    }

    // ---- helpers ----

    private String ai(UUID org) {
        return "/api/v1/orgs/" + org + "/ai";
    }

    private HttpResponse<String> putPolicy(Person as, UUID org, Object policy) {
        return call("PUT", ai(org) + "/policy", as, json.writeValueAsString(policy));
    }

    private void allow(List<String> providers, List<String> regions) {
        HttpResponse<String> set = putPolicy(tenant.owner(), tenant.id(), Map.of("enabled", true, "providers", providers,
                "regions", regions));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    }

    private static String request(String provider, String model, String content, boolean stream) {
        return STUB_JSON.writeValueAsString(Map.of("provider", provider, "model", model, "purpose", "test summary",
                "messages", List.of(Map.of("role", "system", "content", "You are terse."), Map.of("role", "user", "content", content)),
                "stream", stream));
    }

    private HttpResponse<String> complete(Person as, String body) {
        return call("POST", ai(tenant.id()) + "/completions", as, body);
    }

    private HttpResponse<String> completeWithKey(String key, String body) {
        return call("POST", ai(tenant.id()) + "/completions", null, body, "Authorization", "Bearer " + key,
                "Content-Type", "application/json");
    }

    private String apiKey(String role) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner(),
                "{\"name\":\"ai\",\"role\":\"" + role + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return body(created).get("key").asString();
    }

    private static String problem(HttpResponse<String> response, ObjectMapper json) {
        return json.readTree(response.body()).path("type").asString().replace("https://bulwark.dev/problems/", "");
    }

    private void assertProblem(HttpResponse<String> response, int status, String slug) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(problem(response, json)).isEqualTo(slug);
    }

    /** The organisation's usage records, oldest first, every column, read as the superuser. */
    private static List<Map<String, Object>> receipts(UUID org) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT * FROM bulwark.ai_usage WHERE tenant_id = ? ORDER BY occurred_at, id")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String hex(Object bytes) {
        return bytes == null ? null : HexFormat.of().formatHex((byte[]) bytes);
    }

    private UUID contact(String name, String email) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                json.writeValueAsString(Map.of("name", name, "email", email)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(body(created).get("id").asString());
    }

    /** The {@code data:} payloads of an event stream's unnamed events, and the done (or error) event's data last. */
    private record Streamed(List<String> deltas, JsonNode done, JsonNode error) {

        Streamed(List<String> deltas, JsonNode done) {
            this(deltas, done, null);
        }
    }

    /** A streamed answer that began (200) and ended with the error event {@code ai-provider-failed}, no done event. */
    private void assertStreamFailed(HttpResponse<String> response, List<String> deltas) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Streamed streamed = events(response.body());
        assertThat(streamed.deltas()).isEqualTo(deltas);
        assertThat(streamed.done()).isNull();
        assertThat(streamed.error()).as(response.body()).isNotNull();
        assertThat(streamed.error().get("type").asString()).isEqualTo("https://bulwark.dev/problems/ai-provider-failed");
    }

    private Streamed events(String body) {
        List<String> deltas = new ArrayList<>();
        JsonNode done = null;
        JsonNode error = null;
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            assertThat(done).as("nothing after the done event").isNull();
            assertThat(error).as("nothing after the error event").isNull();
            if ("done".equals(event)) {
                done = json.readTree(data.toString());
            } else if ("error".equals(event)) {
                error = json.readTree(data.toString());
            } else {
                assertThat(event).isNull();
                JsonNode delta = json.readTree(data.toString());
                assertThat(delta.propertyNames()).containsExactly("delta");
                deltas.add(delta.get("delta").asString());
            }
        }
        return new Streamed(deltas, done, error);
    }

    // ---- policy, allow-list, regions, keys ----

    @Test
    void aNewOrganisationHasAiOffAndItsCallsAreRefusedWithoutReachingAProvider() throws SQLException {
        JsonNode policy = body(call("GET", ai(tenant.id()) + "/policy", tenant.owner(), null));
        assertThat(policy.get("enabled").asBoolean()).isFalse();
        assertThat(policy.get("providers")).isEmpty();
        assertThat(policy.get("regions")).isEmpty();
        assertThat(policy.get("autoSendThreshold").isNull()).isTrue();

        assertProblem(complete(tenant.owner(), request("stub-openai", "stub-chat", "hello", false)), 403, "ai-disabled");
        assertThat(openAi.connections()).isZero();
        List<Map<String, Object>> receipts = receipts(tenant.id());
        assertThat(receipts).hasSize(1);
        assertThat(receipts.getFirst().get("outcome")).isEqualTo("refused");
        assertThat(receipts.getFirst().get("problem")).isEqualTo("ai-disabled");
        assertThat(receipts.getFirst().get("prompt_sha256")).isNull();
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(1);

        JsonNode providers = body(call("GET", ai(tenant.id()) + "/providers", tenant.owner(), null));
        assertThat(providers.get("nextCursor").isNull()).isTrue();
        assertThat(providers.get("items")).extracting(p -> p.get("id").asString())
                .containsExactly("stub-anthropic", "stub-byok", "stub-openai", "stub-slow");
        assertThat(providers.get("items")).allSatisfy(p -> {
            assertThat(p.get("allowed").asBoolean()).isFalse();
            assertThat(p.get("orgKey").isNull()).isTrue();
        });
        JsonNode openAiListed = providers.get("items").get(2);
        assertThat(openAiListed.get("kind").asString()).isEqualTo("openai");
        assertThat(openAiListed.get("region").asString()).isEqualTo("eu");
        assertThat(openAiListed.get("models")).extracting(JsonNode::asString).containsExactly("stub-chat", "stub-chat-large");
        assertThat(providers.toString()).doesNotContain("platform-openai-key");
    }

    @Test
    void thePolicyAllowsProvidersAndRegionsAndEveryOtherCallIsRefusedBeforeAnyConnection() throws SQLException {
        // Unknown provider: 400, nothing changes.
        HttpResponse<String> unknown = putPolicy(tenant.owner(), tenant.id(), Map.of("enabled", true,
                "providers", List.of("stub-openai", "no-such-provider"), "regions", List.of()));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.body()).contains("providers");
        assertThat(eventsOfType(tenant.id(), "ai.policy.updated")).isZero();
        HttpResponse<String> badThreshold = putPolicy(tenant.owner(), tenant.id(), Map.of("enabled", true,
                "providers", List.of(), "regions", List.of(), "autoSendThreshold", 1.5));
        assertThat(badThreshold.statusCode()).isEqualTo(400);

        // Only OWNER and ADMIN, in person.
        Person member = joined(tenant.id(), "MEMBER");
        assertThat(putPolicy(member, tenant.id(), Map.of("enabled", true, "providers", List.of(), "regions", List.of()))
                .statusCode()).isEqualTo(403);
        Person admin = joined(tenant.id(), "ADMIN");
        HttpResponse<String> byAdmin = putPolicy(admin, tenant.id(), Map.of("enabled", true,
                "providers", List.of("stub-openai", "stub-anthropic", "stub-openai"), "regions", List.of("EU"),
                "autoSendThreshold", 0.85));
        assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(200);
        JsonNode policy = body(byAdmin);
        assertThat(policy.get("providers")).extracting(JsonNode::asString).containsExactly("stub-openai", "stub-anthropic");
        assertThat(policy.get("regions")).extracting(JsonNode::asString).containsExactly("eu");
        assertThat(policy.get("autoSendThreshold").decimalValue()).isEqualByComparingTo("0.85");
        assertThat(policy.get("updatedAt").isNull()).isFalse();
        String ownerKey = apiKey("OWNER");
        assertThat(call("PUT", ai(tenant.id()) + "/policy", null, "{\"enabled\":false,\"providers\":[],\"regions\":[]}",
                "Authorization", "Bearer " + ownerKey, "Content-Type", "application/json").statusCode()).isEqualTo(403);
        assertThat(eventsOfType(tenant.id(), "ai.policy.updated")).isEqualTo(1);
        assertThat((String) auditEvents(tenant.id(), "ai.policy.updated").getFirst().get("after"))
                .contains("\"enabled\":true", "stub-anthropic", "\"regions\":[\"eu\"]");

        // stub-anthropic is allowed by name but runs in region us: refused.
        assertProblem(complete(tenant.owner(), request("stub-anthropic", "stub-claude", "hi", false)), 403, "ai-region-not-allowed");
        // stub-byok is in region eu but not on the list.
        assertProblem(complete(tenant.owner(), request("stub-byok", "stub-chat", "hi", false)), 403, "ai-provider-not-allowed");
        assertThat(anthropic.connections()).isZero();
        assertThat(third.connections()).isZero();
        JsonNode listed = body(call("GET", ai(tenant.id()) + "/providers", tenant.owner(), null));
        Map<String, Boolean> allowed = new LinkedHashMap<>();
        listed.get("items").forEach(p -> allowed.put(p.get("id").asString(), p.get("allowed").asBoolean()));
        assertThat(allowed).containsExactly(Map.entry("stub-anthropic", false), Map.entry("stub-byok", false),
                Map.entry("stub-openai", true), Map.entry("stub-slow", false));

        // Allowed: answered, with the platform's key.
        HttpResponse<String> answered = complete(tenant.owner(), request("stub-openai", "stub-chat", "hi", false));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(openAi.received()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer platform-openai-key-0001"));

        // Every region again: anthropic answers, with its key in its header.
        allow(List.of("stub-anthropic"), List.of());
        HttpResponse<String> viaAnthropic = complete(tenant.owner(), request("stub-anthropic", "stub-claude", "hi", false));
        assertThat(viaAnthropic.statusCode()).as(viaAnthropic.body()).isEqualTo(200);
        assertThat(body(viaAnthropic).get("output").asString()).isEqualTo("Echo: hi");
        StubProvider.Received sent = anthropic.received().getFirst();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo("platform-anthropic-key-0002");
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        JsonNode anthropicBody = json.readTree(sent.body());
        assertThat(anthropicBody.get("system").asString()).isEqualTo("You are terse.");
        assertThat(anthropicBody.get("max_tokens").asInt()).isEqualTo(512);
        assertThat(anthropicBody.get("messages")).hasSize(1);

        // Off again: refused, whatever the list.
        assertThat(putPolicy(tenant.owner(), tenant.id(), Map.of("enabled", false, "providers", List.of("stub-anthropic"),
                "regions", List.of())).statusCode()).isEqualTo(200);
        assertProblem(complete(tenant.owner(), request("stub-anthropic", "stub-claude", "hi", false)), 403, "ai-disabled");
        assertThat(anthropic.connections()).isEqualTo(1);
        assertThat(receipts(tenant.id())).extracting(r -> r.get("outcome") + "/" + r.get("problem")).containsExactly(
                "refused/ai-region-not-allowed", "refused/ai-provider-not-allowed", "answered/null", "answered/null",
                "refused/ai-disabled");
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(5);
    }

    @Test
    void anOrganisationsOwnKeyIsUsedInsteadOfThePlatformsAndIsNeverShownOrStoredInTheClear() throws Exception {
        allow(List.of("stub-byok", "stub-openai"), List.of("eu"));
        // No platform key and none of the organisation's: 409, no connection.
        assertProblem(complete(tenant.owner(), request("stub-byok", "stub-chat", "hi", false)), 409, "ai-provider-not-configured");
        assertThat(third.connections()).isZero();

        String orgKey = "sk-org-" + UUID.randomUUID().toString().replace("-", "");
        String keyPath = ai(tenant.id()) + "/providers/stub-byok/key";
        Person admin = joined(tenant.id(), "ADMIN");
        assertThat(call("PUT", keyPath, admin, json.writeValueAsString(Map.of("apiKey", orgKey))).statusCode()).isEqualTo(403);
        assertThat(call("PUT", ai(tenant.id()) + "/providers/no-such/key", tenant.owner(),
                json.writeValueAsString(Map.of("apiKey", orgKey))).statusCode()).isEqualTo(404);
        assertThat(call("PUT", keyPath, tenant.owner(), "{\"apiKey\":\"short\"}").statusCode()).isEqualTo(400);
        assertThat(call("PUT", keyPath, tenant.owner(), "{\"apiKey\":\"has a space in it, so no header\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> set = call("PUT", keyPath, tenant.owner(), json.writeValueAsString(Map.of("apiKey", orgKey)));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(body(set).get("providerId").asString()).isEqualTo("stub-byok");
        assertThat(body(set).get("hint").asString()).isEqualTo(orgKey.substring(orgKey.length() - 4));
        assertThat(body(set).has("setAt")).isTrue();
        assertThat(set.body()).doesNotContain(orgKey);

        HttpResponse<String> answered = complete(tenant.owner(), request("stub-byok", "stub-chat", "hi", false));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(third.received()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + orgKey));

        // The organisation's key wins over the platform's too.
        String ownOpenAi = "sk-own-openai-" + UUID.randomUUID().toString().replace("-", "");
        assertThat(call("PUT", ai(tenant.id()) + "/providers/stub-openai/key", tenant.owner(),
                json.writeValueAsString(Map.of("apiKey", ownOpenAi))).statusCode()).isEqualTo(200);
        assertThat(complete(tenant.owner(), request("stub-openai", "stub-chat", "hi", false)).statusCode()).isEqualTo(200);
        assertThat(openAi.received().getLast().header("Authorization")).isEqualTo("Bearer " + ownOpenAi);

        // Listed with its hint only; stored encrypted, never in the clear; recorded without the key.
        String listed = call("GET", ai(tenant.id()) + "/providers", tenant.owner(), null).body();
        assertThat(listed).contains("\"hint\":\"" + orgKey.substring(orgKey.length() - 4) + "\"").doesNotContain(orgKey, ownOpenAi);
        assertThat(databaseDump()).doesNotContain(orgKey, ownOpenAi,
                HexFormat.of().formatHex(orgKey.getBytes(StandardCharsets.UTF_8)));
        assertThat(eventsOfType(tenant.id(), "ai.key.set")).isEqualTo(2);
        assertThat(auditEvents(tenant.id(), "ai.key.set")).allSatisfy(e ->
                assertThat((String) e.get("after")).doesNotContain(orgKey, ownOpenAi));

        // Removed: the provider has no key again. Removing twice: 404.
        assertThat(call("DELETE", keyPath, admin, null).statusCode()).isEqualTo(403);
        assertThat(call("DELETE", keyPath, tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", keyPath, tenant.owner(), null).statusCode()).isEqualTo(404);
        assertThat(eventsOfType(tenant.id(), "ai.key.removed")).isEqualTo(1);
        assertProblem(complete(tenant.owner(), request("stub-byok", "stub-chat", "hi", false)), 409, "ai-provider-not-configured");
        assertThat(third.connections()).isEqualTo(1);
    }

    @Test
    void keysFollowTheRoleRulesOfPeopleAndARefusalByRoleLeavesNoReceipt() throws SQLException {
        allow(List.of("stub-openai"), List.of());
        String viewer = apiKey("VIEWER");
        HttpResponse<String> refused = completeWithKey(viewer, request("stub-openai", "stub-chat", "hi", false));
        assertThat(refused.statusCode()).isEqualTo(403);
        Person viewerPerson = joined(tenant.id(), "VIEWER");
        assertThat(complete(viewerPerson, request("stub-openai", "stub-chat", "hi", false)).statusCode()).isEqualTo(403);
        Person auditor = joined(tenant.id(), "AUDITOR");
        assertThat(complete(auditor, request("stub-openai", "stub-chat", "hi", false)).statusCode()).isEqualTo(403);
        assertThat(openAi.connections()).isZero();
        assertThat(receipts(tenant.id())).isEmpty();
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isZero();

        String member = apiKey("MEMBER");
        HttpResponse<String> answered = completeWithKey(member, request("stub-openai", "stub-chat", "hi", false));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        Map<String, Object> receipt = receipts(tenant.id()).getFirst();
        assertThat(receipt.get("api_key_id")).isNotNull();
        assertThat(receipt.get("user_id")).isEqualTo(tenant.owner().id());
        JsonNode usage = body(call("GET", ai(tenant.id()) + "/usage", tenant.owner(), null)).get("items").get(0);
        assertThat(usage.get("actor").get("type").asString()).isEqualTo("apikey");
        assertThat(usage.get("actor").get("id").asString()).isEqualTo(receipt.get("api_key_id").toString());
        assertThat(auditEvents(tenant.id(), "ai.completion").getFirst().get("actor_type")).isEqualTo("apikey");
        // Reading usage: ADMIN, OWNER, AUDITOR; not MEMBER.
        assertThat(call("GET", ai(tenant.id()) + "/usage", auditor, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", ai(tenant.id()) + "/usage", joined(tenant.id(), "MEMBER"), null).statusCode()).isEqualTo(403);
    }

    @Test
    void anotherOrganisationsIdsAre404EverywhereAndReachNoProvider() throws SQLException {
        allow(List.of("stub-openai"), List.of());
        assertThat(complete(tenant.owner(), request("stub-openai", "stub-chat", "hi", false)).statusCode()).isEqualTo(200);
        Tenant other = newTenant();
        UUID contactOfOther = UUID.fromString(body(call("POST", "/api/v1/orgs/" + other.id() + "/contacts", other.owner(),
                "{\"name\":\"Somebody Else\"}")).get("id").asString());
        List<String> before = tenantRows(tenant.id());
        int connections = openAi.connections();

        // The other organisation's owner, with this organisation's id: 404 on every AI endpoint.
        for (String[] endpoint : new String[][] {{"GET", "/policy", null}, {"PUT", "/policy", "{\"enabled\":true,\"providers\":[],\"regions\":[]}"},
                {"GET", "/providers", null}, {"PUT", "/providers/stub-openai/key", "{\"apiKey\":\"sk-hijack-0123456789abcdef\"}"},
                {"DELETE", "/providers/stub-openai/key", null}, {"GET", "/usage", null},
                {"POST", "/completions", request("stub-openai", "stub-chat", "hi", false)}}) {
            assertThat(call(endpoint[0], ai(tenant.id()) + endpoint[1], other.owner(), endpoint[2]).statusCode())
                    .as("%s %s", endpoint[0], endpoint[1]).isEqualTo(404);
        }
        assertThat(tenantRows(tenant.id())).isEqualTo(before);

        // A context reference to another organisation's record: 404, no receipt, no connection.
        String withForeignRef = json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat", "purpose", "x",
                "messages", List.of(Map.of("role", "user", "content", "hi")),
                "contextRefs", List.of(Map.of("type", "contact", "id", contactOfOther.toString()))));
        assertThat(complete(tenant.owner(), withForeignRef).statusCode()).isEqualTo(404);
        assertThat(openAi.connections()).isEqualTo(connections);
        assertThat(receipts(tenant.id())).hasSize(1);
        // Its own records are accepted and recorded, never sent.
        UUID own = contact("Context Person", "context.person@example.com");
        String withOwnRef = json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat", "purpose", "x",
                "messages", List.of(Map.of("role", "user", "content", "hi")),
                "contextRefs", List.of(Map.of("type", "contact", "id", own.toString()))));
        HttpResponse<String> answered = complete(tenant.owner(), withOwnRef);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(body(answered).get("provenance").get("contextRefs").get(0).get("id").asString()).isEqualTo(own.toString());
        assertThat(openAi.received().getLast().text()).doesNotContain(own.toString(), "Context Person");
        // Usage records of one organisation are not listed to another.
        assertThat(body(call("GET", ai(other.id()) + "/usage", other.owner(), null)).get("items")).isEmpty();
    }

    // ---- input ----

    @Test
    void badInputIsAnsweredBeforeTheGatewayAndRecordsNothing() throws SQLException {
        allow(List.of("stub-openai"), List.of());
        assertThat(complete(tenant.owner(), request("no-such", "stub-chat", "hi", false)).statusCode()).isEqualTo(400);
        assertThat(complete(tenant.owner(), request("stub-openai", "no-such-model", "hi", false)).statusCode()).isEqualTo(400);
        // A model of another provider is no model of this one.
        assertThat(complete(tenant.owner(), request("stub-openai", "stub-claude", "hi", false)).statusCode()).isEqualTo(400);
        assertThat(complete(tenant.owner(), "{\"provider\":\"stub-openai\",\"model\":\"stub-chat\",\"purpose\":\"x\",\"messages\":[]}")
                .statusCode()).isEqualTo(400);
        assertThat(complete(tenant.owner(), "{\"provider\":\"stub-openai\",\"model\":\"stub-chat\",\"purpose\":\"x\","
                + "\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}").statusCode()).isEqualTo(400);
        assertThat(complete(tenant.owner(), json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat",
                "purpose", "p".repeat(101), "messages", List.of(Map.of("role", "user", "content", "x"))))).statusCode()).isEqualTo(400);
        assertThat(complete(tenant.owner(), json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat",
                "purpose", "x", "messages", List.of(Map.of("role", "user", "content", "x")),
                "contextRefs", List.of(Map.of("type", "project", "id", UUID.randomUUID().toString()))))).statusCode()).isEqualTo(400);
        assertThat(complete(tenant.owner(), json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat",
                "purpose", "x", "messages", List.of(Map.of("role", "user", "content", "x")),
                "contextRefs", List.of(Map.of("type", "document", "id", UUID.randomUUID().toString()))))).statusCode()).isEqualTo(404);
        // Past bulwark.ai.max-prompt-bytes (64 KiB in tests), counted in UTF-8 bytes: 413.
        HttpResponse<String> oversize = complete(tenant.owner(), request("stub-openai", "stub-chat", "é".repeat(33 * 1024), false));
        assertProblem(oversize, 413, "content-too-large");
        assertThat(openAi.connections()).isZero();
        assertThat(receipts(tenant.id())).isEmpty();
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isZero();
    }

    // ---- sanitising and restoring ----

    private static final String STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Qx2Lm";
    private static final String CARD = "4111 1111 1111 1111";

    private String sensitivePrompt() {
        return "Write to Ada Lovelace (ada.lovelace@example.com) and to grace.hopper@example.org. "
                + "Card " + CARD + ", Stripe key " + STRIPE_KEY + ".";
    }

    @Test
    void theProviderReceivesOnlyPlaceholdersAndTheAnswerComesBackWithPeopleRestoredButNotSecrets() throws Exception {
        allow(List.of("stub-openai"), List.of());
        contact("Ada Lovelace", "ada.lovelace@example.com");
        HttpResponse<String> response = complete(tenant.owner(), request("stub-openai", "stub-chat", sensitivePrompt(), false));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        StubProvider.Received sent = openAi.received().getFirst();
        String seen = sent.text();
        assertThat(seen).doesNotContain("Ada", "Lovelace", "ada.lovelace", "grace.hopper", "4111", STRIPE_KEY, "sk_live");
        String user = StubProvider.lastUserText(STUB_JSON, sent);
        assertThat(user).contains("[NAME_1]", "[EMAIL_1]", "[EMAIL_2]", "[CARD_1]", "[SECRET]");

        JsonNode answer = body(response);
        assertThat(answer.get("label").asString()).isEqualTo("ai-generated");
        assertThat(answer.get("output").asString()).isEqualTo("Echo: Write to Ada Lovelace (ada.lovelace@example.com) and to "
                + "grace.hopper@example.org. Card [CARD_1], Stripe key [SECRET].");
        assertThat(answer.get("redactions").get("name").asInt()).isEqualTo(1);
        assertThat(answer.get("redactions").get("email").asInt()).isEqualTo(2);
        assertThat(answer.get("redactions").get("card").asInt()).isEqualTo(1);
        assertThat(answer.get("redactions").get("secret").asInt()).isEqualTo(1);

        JsonNode provenance = answer.get("provenance");
        assertThat(provenance.get("provider").asString()).isEqualTo("stub-openai");
        assertThat(provenance.get("model").asString()).isEqualTo("stub-chat");
        assertThat(provenance.get("region").asString()).isEqualTo("eu");
        assertThat(provenance.get("promptSha256").asString()).isEqualTo(sha256(sent.body()));
        assertThat(provenance.get("outputSha256").asString()).isEqualTo(sha256(("Echo: " + user).getBytes(StandardCharsets.UTF_8)));
        assertThat(provenance.get("inputTokens").asInt()).isEqualTo(11);
        assertThat(provenance.get("outputTokens").asInt()).isEqualTo(7);
        // 11 × 2.5 + 7 × 10 USD per million tokens.
        assertThat(provenance.get("costUsd").decimalValue()).isEqualByComparingTo("0.0000975");
        assertThat(provenance.get("latencyMs").decimalValue()).isGreaterThanOrEqualTo(provenance.get("overheadMs").decimalValue());
        assertThat(provenance.get("overheadMs").decimalValue().signum()).isGreaterThanOrEqualTo(0);
        assertThat(provenance.get("contextRefs")).isEmpty();
        assertThat(answer.get("id").asString()).isEqualTo(receipts(tenant.id()).getFirst().get("id").toString());

        JsonNode sentJson = json.readTree(sent.body());
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sentJson.get("model").asString()).isEqualTo("stub-chat");
        assertThat(sentJson.get("stream").asBoolean()).isFalse();
        assertThat(sentJson.get("messages").get(0).get("role").asString()).isEqualTo("system");
    }

    @Test
    void aStreamedAnswerIsRestoredPieceByPieceWithPlaceholdersSplitAcrossChunks() throws Exception {
        allow(List.of("stub-openai", "stub-anthropic"), List.of());
        contact("Ada Lovelace", "ada.lovelace@example.com");
        String expected = "Echo: Write to Ada Lovelace (ada.lovelace@example.com) and to grace.hopper@example.org. "
                + "Card [CARD_1], Stripe key [SECRET].";
        for (String[] target : new String[][] {{"stub-openai", "stub-chat"}, {"stub-anthropic", "stub-claude"}}) {
            HttpResponse<String> response = complete(tenant.owner(), request(target[0], target[1], sensitivePrompt(), true));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(response.headers().firstValue("Bulwark-Label")).hasValue("ai-generated");
            assertThat(response.headers().firstValue("Bulwark-Redactions")).hasValue("card=1, email=2, name=1, secret=1");
            Streamed streamed = events(response.body());
            assertThat(String.join("", streamed.deltas())).as(target[0]).isEqualTo(expected);
            // The stub sent three characters a piece: placeholders arrived split, and none leaves half restored.
            assertThat(streamed.deltas().size()).isGreaterThan(10);
            assertThat(streamed.deltas()).noneSatisfy(d -> assertThat(d).containsAnyOf("[NAME", "[EMAIL", "MAIL_", "AME_1]"));
            JsonNode done = streamed.done();
            assertThat(done).isNotNull();
            assertThat(done.get("provider").asString()).isEqualTo(target[0]);
            StubProvider.Received sent = (target[0].equals("stub-openai") ? openAi : anthropic).received().getLast();
            assertThat(json.readTree(sent.body()).get("stream").asBoolean()).isTrue();
            assertThat(sent.text()).doesNotContain("Lovelace", "4111", STRIPE_KEY);
            assertThat(done.get("promptSha256").asString()).isEqualTo(sha256(sent.body()));
            String raw = "Echo: " + StubProvider.lastUserText(STUB_JSON, sent);
            assertThat(done.get("outputSha256").asString()).isEqualTo(sha256(raw.getBytes(StandardCharsets.UTF_8)));
            assertThat(done.get("outputTokens").asInt()).isEqualTo(target[0].equals("stub-openai") ? 7 : 5);
            assertThat(response.headers().firstValue("Bulwark-Completion-Id")).hasValue(receipts(tenant.id()).getLast().get("id").toString());
        }
        assertThat(receipts(tenant.id())).extracting(r -> r.get("outcome")).containsExactly("answered", "answered");
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(2);
    }

    @Test
    void theClientSeesTheFirstPieceBeforeTheProviderHasFinished() throws Exception {
        allow(List.of("stub-openai", "stub-anthropic"), List.of());
        contact("Ada Lovelace", "ada.lovelace@example.com");
        for (String[] target : new String[][] {{"stub-openai", "stub-chat"}, {"stub-anthropic", "stub-claude"}}) {
            StubProvider stub = target[0].equals("stub-openai") ? openAi : anthropic;
            // The stub sends its stream up to the middle of the name placeholder, then waits until the test has read
            // the first piece from Bulwark: a gateway that read the stream whole would never answer.
            stub.reset(request -> {
                StubProvider.Reply reply = target[0].equals("stub-openai") ? echoOpenAi(request) : echoAnthropic(request);
                String body = new String(reply.body(), StandardCharsets.UTF_8);
                // Pieces of three characters: "[NA" is one, "ME_" the next; the pause falls inside the first's event.
                int cut = body.indexOf("[NA");
                assertThat(cut).as("the stream carries the name placeholder in pieces").isPositive();
                return reply.pausedAfter(body.substring(0, cut + 2).getBytes(StandardCharsets.UTF_8).length);
            });
            HttpRequest post = HttpRequest.newBuilder(uri(ai(tenant.id()) + "/completions"))
                    .headers(tenant.owner().auth())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(request(target[0], target[1],
                            "Write to Ada Lovelace about the plan.", true)))
                    .build();
            HttpResponse<java.io.InputStream> response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            StringBuilder received = new StringBuilder();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String first = lines.readLine();
                assertThat(first).as(target[0]).startsWith("data: ");
                assertThat(json.readTree(first.substring(6)).get("delta").asString()).isEqualTo("Ech");
                // The provider has not finished: it waits for this release.
                assertThat(stub.received()).hasSize(1);
                received.append(first).append('\n');
                stub.release();
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    received.append(line).append('\n');
                }
            }
            Streamed streamed = events(received.toString());
            // The placeholder came split across the pause and is restored whole, never half.
            assertThat(String.join("", streamed.deltas())).isEqualTo("Echo: Write to Ada Lovelace about the plan.");
            assertThat(streamed.deltas()).noneSatisfy(d -> assertThat(d).containsAnyOf("[NAME", "AME_", "_1]"));
            assertThat(streamed.done()).isNotNull();
            assertThat(streamed.done().get("provider").asString()).isEqualTo(target[0]);
            assertThat(stub.received().getLast().text()).doesNotContain("Lovelace");
        }
        assertThat(receipts(tenant.id())).extracting(r -> r.get("outcome")).containsExactly("answered", "answered");
    }

    // ---- failing closed ----

    @Test
    void aProviderTimeoutIs502WithOneFailedReceipt() throws SQLException {
        allow(List.of("stub-slow"), List.of());
        third.reset(request -> StubProvider.Reply.held());
        HttpResponse<String> response = complete(tenant.owner(), request("stub-slow", "stub-chat", "hi", false));
        assertProblem(response, 502, "ai-provider-failed");
        assertThat(third.connections()).isEqualTo(1);
        List<Map<String, Object>> receipts = receipts(tenant.id());
        assertThat(receipts).singleElement().satisfies(r -> {
            assertThat(r.get("outcome")).isEqualTo("failed");
            assertThat(r.get("problem")).isEqualTo("ai-provider-failed");
            assertThat(r.get("prompt_sha256")).isNotNull();
            assertThat(r.get("output_sha256")).isNull();
            assertThat(r.get("input_tokens")).isNull();
        });
        assertThat(hex(receipts.getFirst().get("prompt_sha256"))).isEqualTo(sha256Unchecked(third.received().getFirst().body()));
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(1);
    }

    private static String sha256Unchecked(byte[] bytes) {
        try {
            return sha256(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void garbageAnErrorStatusOrACutStreamFromTheProviderIs502() throws SQLException {
        allow(List.of("stub-openai", "stub-anthropic"), List.of());
        openAi.reset(request -> StubProvider.Reply.of(200, "application/json", "<html>this is no JSON</html>"));
        assertProblem(complete(tenant.owner(), request("stub-openai", "stub-chat", "hi", false)), 502, "ai-provider-failed");
        openAi.reset(request -> StubProvider.Reply.of(200, "application/json", "{\"choices\":\"not a list\"}"));
        assertProblem(complete(tenant.owner(), request("stub-openai", "stub-chat", "hi", false)), 502, "ai-provider-failed");
        openAi.reset(request -> StubProvider.Reply.of(500, "application/json", "{\"error\":{\"message\":\"overloaded\"}}"));
        assertProblem(complete(tenant.owner(), request("stub-openai", "stub-chat", "hi", false)), 502, "ai-provider-failed");
        // A stream is relayed as it comes, so a stream without its end marker, or with an error event, ends with an
        // error event after what came before it: no complete answer, and no done event.
        openAi.reset(request -> StubProvider.Reply.events("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"}}]}\n\n"));
        assertStreamFailed(complete(tenant.owner(), request("stub-openai", "stub-chat", "hi", true)), List.of("half"));
        anthropic.reset(request -> StubProvider.Reply.events("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n"));
        assertStreamFailed(complete(tenant.owner(), request("stub-anthropic", "stub-claude", "hi", true)), List.of());
        assertThat(receipts(tenant.id())).hasSize(5).allSatisfy(r -> {
            assertThat(r.get("outcome")).isEqualTo("failed");
            assertThat(r.get("output_sha256")).isNull();
            assertThat(r.get("prompt_sha256")).isNotNull();
        });
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(5);
    }

    // ---- receipts ----

    @Test
    void everyCallLeavesExactlyOneReceiptAndNoTextOfItAnywhere() throws Exception {
        String sentinel = "quokka" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "zephyr";
        String outputSentinel = "marmot" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "borealis";
        openAi.reset(request -> StubProvider.openAi(STUB_JSON, request,
                outputSentinel + " " + StubProvider.lastUserText(STUB_JSON, request), 4, 21, 9));
        UUID contact = contact("Context Holder", "holder@example.com");

        // refused, answered (whole and streamed), failed.
        assertProblem(complete(tenant.owner(), request("stub-openai", "stub-chat", sentinel, false)), 403, "ai-disabled");
        allow(List.of("stub-openai", "stub-slow"), List.of("eu"));
        String withRef = json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat-large", "purpose", "weekly digest",
                "messages", List.of(Map.of("role", "user", "content", "Summarise " + sentinel)),
                "contextRefs", List.of(Map.of("type", "contact", "id", contact.toString()))));
        HttpResponse<String> answered = complete(tenant.owner(), withRef);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(body(answered).get("output").asString()).contains(sentinel, outputSentinel);
        HttpResponse<String> streamed = complete(tenant.owner(), request("stub-openai", "stub-chat", sentinel, true));
        assertThat(streamed.statusCode()).isEqualTo(200);
        third.reset(request -> StubProvider.Reply.held());
        assertProblem(complete(tenant.owner(), request("stub-slow", "stub-chat", sentinel, false)), 502, "ai-provider-failed");
        third.release();

        List<Map<String, Object>> receipts = receipts(tenant.id());
        assertThat(receipts).extracting(r -> r.get("outcome")).containsExactly("refused", "answered", "answered", "failed");
        List<Map<String, Object>> events = auditEvents(tenant.id(), "ai.completion");
        assertThat(events).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(events.get(i).get("entity_id")).isEqualTo(receipts.get(i).get("id").toString());
            assertThat(events.get(i).get("actor_id")).isEqualTo(tenant.owner().id());
        }

        // The answered call's receipt, its event and its listing agree, field by field.
        Map<String, Object> receipt = receipts.get(1);
        JsonNode provenance = body(answered).get("provenance");
        assertThat(receipt.get("id").toString()).isEqualTo(body(answered).get("id").asString());
        assertThat(receipt.get("feature")).isEqualTo("weekly digest");
        assertThat(receipt.get("provider")).isEqualTo("stub-openai");
        assertThat(receipt.get("model")).isEqualTo("stub-chat-large");
        assertThat(receipt.get("region")).isEqualTo("eu");
        assertThat(hex(receipt.get("prompt_sha256"))).isEqualTo(provenance.get("promptSha256").asString());
        assertThat(hex(receipt.get("output_sha256"))).isEqualTo(provenance.get("outputSha256").asString());
        assertThat(receipt.get("input_tokens")).isEqualTo(21);
        assertThat(receipt.get("output_tokens")).isEqualTo(9);
        assertThat((java.math.BigDecimal) receipt.get("cost_usd")).isEqualByComparingTo("0.0001425");
        assertThat((java.math.BigDecimal) receipt.get("latency_ms")).isEqualByComparingTo(provenance.get("latencyMs").decimalValue());
        assertThat((java.math.BigDecimal) receipt.get("overhead_ms")).isEqualByComparingTo(provenance.get("overheadMs").decimalValue());
        assertThat(receipt.get("context_refs").toString()).contains(contact.toString(), "contact");
        JsonNode event = json.readTree((String) events.get(1).get("after"));
        assertThat(event.get("provider").asString()).isEqualTo("stub-openai");
        assertThat(event.get("model").asString()).isEqualTo("stub-chat-large");
        assertThat(event.get("region").asString()).isEqualTo("eu");
        assertThat(event.get("promptSha256").asString()).isEqualTo(provenance.get("promptSha256").asString());
        assertThat(event.get("outputSha256").asString()).isEqualTo(provenance.get("outputSha256").asString());
        assertThat(event.get("contextRefs").get(0).get("id").asString()).isEqualTo(contact.toString());
        assertThat(event.get("latencyMs").asString()).isEqualTo(provenance.get("latencyMs").decimalValue().toPlainString());
        assertThat(event.get("overheadMs").asString()).isEqualTo(provenance.get("overheadMs").decimalValue().toPlainString());
        assertThat(event.get("inputTokens").asInt()).isEqualTo(21);
        assertThat(event.get("outputTokens").asInt()).isEqualTo(9);
        assertThat(new java.math.BigDecimal(event.get("costUsd").asString())).isEqualByComparingTo("0.0001425");
        assertThat(event.get("outcome").asString()).isEqualTo("answered");
        JsonNode listed = body(call("GET", ai(tenant.id()) + "/usage", tenant.owner(), null));
        assertThat(listed.get("items")).hasSize(4);
        JsonNode item = listed.get("items").get(2); // newest first
        assertThat(item.get("id").asString()).isEqualTo(receipt.get("id").toString());
        assertThat(item.get("actor").get("type").asString()).isEqualTo("user");
        assertThat(item.get("actor").get("id").asString()).isEqualTo(tenant.owner().id().toString());
        assertThat(item.get("purpose").asString()).isEqualTo("weekly digest");
        assertThat(item.get("promptSha256").asString()).isEqualTo(provenance.get("promptSha256").asString());
        assertThat(item.get("outputSha256").asString()).isEqualTo(provenance.get("outputSha256").asString());
        assertThat(item.get("inputTokens").asInt()).isEqualTo(21);
        assertThat(item.get("costUsd").decimalValue()).isEqualByComparingTo("0.0001425");
        assertThat(item.get("latencyMs").decimalValue()).isEqualByComparingTo(provenance.get("latencyMs").decimalValue());
        assertThat(item.get("outcome").asString()).isEqualTo("answered");
        assertThat(listed.get("items").get(0).get("outcome").asString()).isEqualTo("failed");
        JsonNode paged = body(call("GET", ai(tenant.id()) + "/usage?limit=3", tenant.owner(), null));
        assertThat(paged.get("items")).hasSize(3);
        JsonNode rest = body(call("GET", ai(tenant.id()) + "/usage?limit=3&cursor=" + paged.get("nextCursor").asString(),
                tenant.owner(), null));
        assertThat(rest.get("items")).hasSize(1);
        assertThat(rest.get("items").get(0).get("outcome").asString()).isEqualTo("refused");
        assertThat(call("GET", ai(tenant.id()) + "/usage?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z", tenant.owner(), null)
                .statusCode()).isEqualTo(400);
        assertThat(body(call("GET", ai(tenant.id()) + "/usage?from=2099-01-01T00:00:00Z", tenant.owner(), null)).get("items")).isEmpty();

        // Neither the prompt nor the output is in any table (bytea as hex too), any audit payload, or any log line.
        String dump = databaseDump();
        for (String text : List.of(sentinel, outputSentinel)) {
            assertThat(dump).doesNotContain(text, HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)));
        }
        for (String type : auditTypes(tenant.id())) {
            for (Map<String, Object> e : auditEvents(tenant.id(), type)) {
                assertThat(String.valueOf(e.get("before")) + e.get("after")).doesNotContain(sentinel, outputSentinel);
            }
        }
        for (ILoggingEvent line : logs.list) {
            StringBuilder text = new StringBuilder(line.getFormattedMessage());
            for (IThrowableProxy t = line.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getMessage());
            }
            assertThat(text.toString()).doesNotContain(sentinel, outputSentinel);
        }

        JsonNode verified = body(call("GET", "/api/v1/orgs/" + tenant.id() + "/audit/verify", tenant.owner(), null));
        assertThat(verified.get("valid").asBoolean()).isTrue();
    }

    private static List<String> auditTypes(UUID org) throws SQLException {
        List<String> types = new ArrayList<>();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT type FROM bulwark.audit_events WHERE tenant_id = ?")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
        }
        return types;
    }

    @Test
    void usageRecordsArePurgedByTheRetentionEnforcerAfterTheirPeriod() throws SQLException {
        allow(List.of("stub-openai"), List.of());
        assertThat(complete(tenant.owner(), request("stub-openai", "stub-chat", "old", false)).statusCode()).isEqualTo(200);
        assertThat(complete(tenant.owner(), request("stub-openai", "stub-chat", "new", false)).statusCode()).isEqualTo(200);
        UUID old = (UUID) receipts(tenant.id()).getFirst().get("id");
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("UPDATE bulwark.ai_usage SET occurred_at = now() - interval '91 days' WHERE tenant_id = ? AND id = ?")) {
            ps.setObject(1, tenant.id());
            ps.setObject(2, old);
            ps.executeUpdate();
        }
        HttpResponse<String> run = call("POST", "/api/v1/orgs/" + tenant.id() + "/retention/run", tenant.owner(), null);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(body(run).get("purged").get("ai.usage").asInt()).isEqualTo(1);
        assertThat(receipts(tenant.id())).extracting(r -> r.get("id")).doesNotContain(old).hasSize(1);
    }

    @Test
    void aContactAddedIsRecognisedOnTheNextCall() {
        allow(List.of("stub-openai"), List.of());
        assertThat(complete(tenant.owner(), request("stub-openai", "stub-chat", "Call Grete Waitz today", false)).statusCode())
                .isEqualTo(200);
        assertThat(openAi.received().getLast().text()).contains("Grete Waitz");
        contact("Grete Waitz", "grete@example.com");
        HttpResponse<String> second = complete(tenant.owner(), request("stub-openai", "stub-chat", "Call Grete Waitz today", false));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(openAi.received().getLast().text()).doesNotContain("Grete").contains("[NAME_1]");
        assertThat(body(second).get("output").asString()).isEqualTo("Echo: Call Grete Waitz today");
    }
}
