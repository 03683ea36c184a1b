package dev.bulwark.privacy;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.internal.ChainVerifier;
import dev.bulwark.audit.internal.Checkpointer;
import dev.bulwark.privacy.internal.RetentionEnforcer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 8, acceptance 1 and 2: retention policies, and their enforcement with the clock moved. */
class RetentionTest extends IntegrationTest {

    private static final Map<String, Integer> DEFAULT_PERIODS = Map.of("interaction.call", 365, "interaction.chat", 365,
            "interaction.email", 730, "interaction.note", 730, "ai.usage", 90, "audit.log", 2555);

    @Autowired
    private RetentionEnforcer enforcer;
    @Autowired
    private Checkpointer checkpointer;
    @Autowired
    private ChainVerifier verifier;

    private String policies(Tenant t) {
        return "/api/v1/orgs/" + t.id() + "/retention-policies";
    }

    private Map<String, Integer> read(Tenant t) {
        Map<String, Integer> found = new java.util.HashMap<>();
        JsonNode listed = body(call("GET", policies(t), t.owner(), null));
        assertThat(listed.get("nextCursor").isNull()).as("the list envelope").isTrue();
        listed.get("items").forEach(p -> found.put(p.get("dataClass").asString(), p.get("retentionDays").asInt()));
        return found;
    }

    @Test
    void aNewOrganisationHasTheDocumentedDefaultsAndChangesAreAuditedWithinBounds() {
        Tenant t = newTenant();
        assertThat(read(t)).isEqualTo(DEFAULT_PERIODS);

        HttpResponse<String> changed = call("PUT", policies(t) + "/interaction.call", t.owner(), "{\"retentionDays\":30}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(body(changed).get("retentionDays").asInt()).isEqualTo(30);
        List<Map<String, Object>> events = auditEvents(t.id(), "retention.policy.updated");
        assertThat(events).hasSize(1);
        assertThat(String.valueOf(events.getFirst().get("before"))).contains("365");
        assertThat(String.valueOf(events.getFirst().get("after"))).contains("30", "interaction.call");

        for (String[] bad : new String[][] {{"interaction.call", "{\"retentionDays\":0}"}, {"interaction.call", "{\"retentionDays\":36501}"},
                {"interaction.call", "{\"retentionDays\":\"ten\"}"}, {"interaction.call", "{}"}, {"audit.log", "{\"retentionDays\":364}"},
                {"ai.usage", "{\"retentionDays\":-1}"}}) {
            HttpResponse<String> refused = call("PUT", policies(t) + "/" + bad[0], t.owner(), bad[1]);
            assertThat(refused.statusCode()).as(bad[0] + " " + bad[1]).isEqualTo(400);
        }
        assertThat(call("PUT", policies(t) + "/audit.log", t.owner(), "{\"retentionDays\":365}").statusCode())
                .as("the legal minimum itself").isEqualTo(200);
        for (String unknown : new String[] {"contacts", "interaction.sms", "audit.log';--"}) {
            assertThat(call("PUT", policies(t) + "/" + unknown, t.owner(), "{\"retentionDays\":30}").statusCode()).isIn(400, 404);
        }
        Map<String, Integer> expected = new java.util.HashMap<>(DEFAULT_PERIODS);
        expected.put("interaction.call", 30);
        expected.put("audit.log", 365);
        assertThat(read(t)).isEqualTo(expected);
        assertThat(auditEvents(t.id(), "retention.policy.updated")).hasSize(2);

        Person member = joined(t.id(), "MEMBER");
        assertThat(call("PUT", policies(t) + "/interaction.call", member, "{\"retentionDays\":1}").statusCode()).isEqualTo(403);
        assertThat(call("PUT", policies(t) + "/interaction.call", outsider(), "{\"retentionDays\":1}").statusCode()).isEqualTo(404);
    }

    @Test
    void theEnforcerPurgesExactlyWhatExpiredRespectsLegalHoldAndKeepsTheChainVerifiable() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Tenant t = newTenant();
        String contact = contact(t);
        String callOld = interaction(t, contact, "call", now.minus(Duration.ofDays(10)));
        String callNew = interaction(t, contact, "call", now);
        String chatOld = interaction(t, contact, "chat", now.minus(Duration.ofDays(10)));
        String emailOld = interaction(t, contact, "email", now.minus(Duration.ofDays(10)));
        String noteOld = interaction(t, contact, "note", now.minus(Duration.ofDays(10)));
        UUID aiOld = aiUsage(t.id(), now.minus(Duration.ofDays(10)));
        UUID aiNew = aiUsage(t.id(), now);
        assertThat(call("PUT", policies(t) + "/ai.usage", t.owner(), "{\"retentionDays\":365}").statusCode()).isEqualTo(200);
        assertThat(call("PUT", policies(t) + "/audit.log", t.owner(), "{\"retentionDays\":365}").statusCode()).isEqualTo(200);

        Tenant held = newTenant();
        String heldCall = interaction(held, contact(held), "call", now.minus(Duration.ofDays(10)));
        HttpResponse<String> hold = call("PUT", "/api/v1/orgs/" + held.id() + "/legal-hold", held.owner(),
                "{\"active\":true,\"reason\":\"litigation\"}");
        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(200);
        assertThat(body(hold).get("active").asBoolean()).isTrue();

        // 360 days on: calls and chats older than 365 days, and AI usage older than 365, go; nothing else.
        Optional<Map<UUID, Map<String, Integer>>> run = enforcer.runAll(moved(Duration.ofDays(360)));
        assertThat(run).isPresent();
        assertThat(run.get().get(t.id())).containsEntry("interaction.call", 1).containsEntry("interaction.chat", 1)
                .containsEntry("interaction.email", 0).containsEntry("interaction.note", 0).containsEntry("ai.usage", 1)
                .containsEntry("audit.log", 0);
        assertThat(interactions(t.id())).containsExactlyInAnyOrder(callNew, emailOld, noteOld).doesNotContain(callOld, chatOld);
        assertThat(aiUsageIds(t.id())).containsExactly(aiNew).doesNotContain(aiOld);
        assertThat(interactions(held.id())).as("legal hold").containsExactly(heldCall);
        assertThat(run.get()).doesNotContainKey(held.id());
        List<Map<String, Object>> purged = auditEvents(t.id(), "retention.purged");
        assertThat(purged).hasSize(1);
        assertThat(String.valueOf(purged.getFirst().get("after"))).contains("interaction.call");

        // 400 days on, after a checkpoint: the audit log goes too (up to the checkpoint), and the chain still verifies.
        assertThat(checkpointer.checkpoint(t.id(), true)).isPresent();
        long eventsBefore = eventCount(t.id());
        Map<String, Integer> later = enforcer.runAll(moved(Duration.ofDays(400))).orElseThrow().get(t.id());
        assertThat(later).containsEntry("interaction.call", 1).containsEntry("interaction.email", 0);
        assertThat(later.get("audit.log")).isPositive();
        assertThat(eventCount(t.id())).isLessThan(eventsBefore);
        assertThat(interactions(t.id())).containsExactlyInAnyOrder(emailOld, noteOld);
        assertThat(verifier.verify(t.id()).valid()).as("the chain verifies after the purge").isTrue();
        assertThat(interactions(held.id())).as("still on hold").containsExactly(heldCall);

        // The hold lifted, the held organisation is purged like any other.
        assertThat(call("PUT", "/api/v1/orgs/" + held.id() + "/legal-hold", held.owner(), "{\"active\":false}").statusCode()).isEqualTo(200);
        enforcer.runAll(moved(Duration.ofDays(400))).orElseThrow();
        assertThat(interactions(held.id())).isEmpty();
        assertThat(verifier.verify(held.id()).valid()).isTrue();
    }

    @Test
    void twoEnforcersStartedAtOnceDoNotBothPurge() throws Exception {
        Tenant t = newTenant();
        interaction(t, contact(t), "call", Instant.now().minus(Duration.ofDays(10)));
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Optional<Map<UUID, Map<String, Integer>>>>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return enforcer.runAll(moved(Duration.ofDays(370)));
            }));
        }
        start.countDown();
        List<Optional<Map<UUID, Map<String, Integer>>>> results = new ArrayList<>();
        for (var run : runs) {
            results.add(run.get());
        }
        // However they interleave, the organisation is purged once: one run purges, the other finds the lease taken or
        // nothing left.
        assertThat(results.stream().flatMap(Optional::stream).filter(r -> r.containsKey(t.id()))).hasSize(1);
        assertThat(auditEvents(t.id(), "retention.purged")).as("purged once").hasSize(1);
        assertThat(enforcer.lastFinished()).isPresent();

        // While another instance holds the lease, a run does nothing at all.
        Tenant other = newTenant();
        String waiting = interaction(other, contact(other), "call", Instant.now().minus(Duration.ofDays(10)));
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bulwark.leases (name, held_until) VALUES ('retention', now() + interval '10 years')"
                        + " ON CONFLICT (name) DO UPDATE SET holder = NULL, held_until = EXCLUDED.held_until")) {
            ps.executeUpdate();
        }
        assertThat(enforcer.runAll(moved(Duration.ofDays(370)))).as("the lease is taken").isEmpty();
        assertThat(interactions(other.id())).containsExactly(waiting);
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM bulwark.leases WHERE name = 'retention' AND holder IS NULL")) {
            ps.executeUpdate();
        }
        assertThat(enforcer.runAll(moved(Duration.ofDays(370)))).isPresent();
        assertThat(interactions(other.id())).isEmpty();
    }

    @Test
    void runningTheEnforcerForOneOrganisationNowAnswersWhatItPurged() throws Exception {
        Tenant t = newTenant();
        String contact = contact(t);
        interaction(t, contact, "chat", Instant.now().minus(Duration.ofDays(40)));
        String kept = interaction(t, contact, "chat", Instant.now().minus(Duration.ofDays(20)));
        assertThat(call("PUT", policies(t) + "/interaction.chat", t.owner(), "{\"retentionDays\":30}").statusCode()).isEqualTo(200);
        HttpResponse<String> run = call("POST", "/api/v1/orgs/" + t.id() + "/retention/run", t.owner(), null);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        JsonNode purged = body(run).get("purged");
        assertThat(purged.get("interaction.chat").asInt()).isEqualTo(1);
        assertThat(purged.get("interaction.call").asInt()).isZero();
        assertThat(interactions(t.id())).containsExactly(kept);
        // Nothing left: a second run purges nothing and records nothing.
        assertThat(body(call("POST", "/api/v1/orgs/" + t.id() + "/retention/run", t.owner(), null)).get("purged")
                .get("interaction.chat").asInt()).isZero();
        assertThat(auditEvents(t.id(), "retention.purged")).hasSize(1);
        assertThat(call("POST", "/api/v1/orgs/" + t.id() + "/retention/run", joined(t.id(), "MEMBER"), null).statusCode())
                .isEqualTo(403);
    }

    private static Clock moved(Duration by) {
        return Clock.offset(Clock.systemUTC(), by);
    }

    private String contact(Tenant t) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(), "{\"name\":\"Retained\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        return body(created).get("id").asString();
    }

    private String interaction(Tenant t, String contact, String channel, Instant at) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + t.id() + "/contacts/" + contact + "/interactions", t.owner(),
                "{\"channel\":\"" + channel + "\",\"subject\":\"S\",\"body\":\"B\",\"occurredAt\":\"" + at + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return body(created).get("id").asString();
    }

    private static UUID aiUsage(UUID org, Instant at) throws Exception {
        UUID id = UUID.randomUUID();
        asOwnerOf(org, "INSERT INTO bulwark.ai_usage (tenant_id, id, feature, model, input_tokens, output_tokens, occurred_at) "
                + "VALUES (?, '" + id + "', 'summary', 'model-x', 100, 20, '" + at + "')");
        return id;
    }

    private static List<String> interactions(UUID org) throws Exception {
        return ids("SELECT id FROM bulwark.interactions WHERE tenant_id = ?", org).stream().map(UUID::toString).toList();
    }

    private static List<UUID> aiUsageIds(UUID org) throws Exception {
        return ids("SELECT id FROM bulwark.ai_usage WHERE tenant_id = ?", org);
    }

    private static long eventCount(UUID org) throws Exception {
        return ids("SELECT id FROM bulwark.audit_events WHERE tenant_id = ?", org).size();
    }

    private static List<UUID> ids(String sql, UUID org) throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }
}
