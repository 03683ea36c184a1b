package dev.bulwark.webhooks;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.standardwebhooks.Webhook;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.webhooks.internal.DeliveryWorker;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliveries (docs/webhooks.md), received by real HTTP receivers on loopback and verified with Standard Webhooks'
 * reference library: what they carry (and never), signatures by both secrets during a rotation and by the new one
 * only after, failures recorded and retried under the same webhook-id, slow and huge answers, the outbox's "nothing
 * for a rolled-back action", and a webhook disabled after five days of failures (time moved for the worker).
 */
class WebhookDeliveryTest extends WebhookTestSupport {

    @Autowired
    private DeliveryWorker worker;

    @Autowired
    private AuditLog audit;

    @Autowired
    private TransactionTemplate transactions;

    @Autowired
    private TenantScope tenantScope;

    @Autowired
    private JdbcClient jdbc;

    @Autowired
    private WebhookSigning signing;

    @Test
    void aDeliveryIsSignedAsStandardWebhooksAndCarriesTheEventsFactsButNoPersonalData() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.on(27801)) {
            Tenant tenant = newTenant();
            Registered webhook = register(tenant, receiver.url(), "contact.created");
            HttpResponse<String> contact = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                    "{\"name\":\"Ada Lovelace\",\"email\":\"ada.lovelace@example.com\",\"phone\":\"+441234567890\",\"notes\":\"private\"}");
            assertThat(contact.statusCode()).as(contact.body()).isEqualTo(201);

            JsonNode delivery = awaitDelivery(tenant, webhook.id(), "contact.created", d -> d.get("status").asString().equals("succeeded"));
            assertThat(delivery.get("attempt").asInt()).isEqualTo(1);
            assertThat(delivery.get("responseStatus").asInt()).isEqualTo(204);
            assertThat(delivery.get("nextAttemptAt").isNull()).isTrue();
            String deliveryId = delivery.get("id").asString();
            WebhookReceiver.Received received = receiver.await("contact.created", r -> deliveryId.equals(r.header("webhook-id")));

            received.verify(webhook.secret());
            assertThat(received.header("content-type")).isEqualTo("application/json");
            assertThat(received.header("webhook-signature")).matches("v1,[A-Za-z0-9+/]{43}=");
            assertThat(Long.parseLong(received.header("webhook-timestamp")))
                    .isBetween(Instant.now().minusSeconds(300).getEpochSecond(), Instant.now().plusSeconds(5).getEpochSecond());
            String tampered = received.body().replace("contact.created", "contact.deleted");
            assertThat(new WebhookReceiver.Received(received.headers(), tampered, received.at()).verifies(webhook.secret())).isFalse();
            assertThat(received.verifies(dev.bulwark.webhooks.internal.Signatures.newSecret())).isFalse();

            Map<String, Object> event = auditEvents(tenant.id(), "contact.created").getFirst();
            JsonNode body = json.readTree(received.body());
            assertThat(fields(body)).containsExactly("type", "timestamp", "data");
            assertThat(body.get("type").asString()).isEqualTo("contact.created");
            JsonNode data = body.get("data");
            assertThat(fields(data)).containsExactly("id", "seq", "type", "actor", "entity", "occurredAt", "hash");
            assertThat(data.get("id").asString()).isEqualTo(event.get("id").toString());
            assertThat(data.get("seq").asLong()).isEqualTo(event.get("seq"));
            assertThat(data.get("hash").asString()).isEqualTo(HexFormat.of().formatHex((byte[]) event.get("hash")));
            assertThat(data.get("actor").get("type").asString()).isEqualTo("user");
            assertThat(data.get("actor").get("id").asString()).isEqualTo(tenant.owner().id().toString());
            assertThat(data.get("entity").get("type").asString()).isEqualTo("contact");
            assertThat(data.get("entity").get("id").asString()).isEqualTo(body(contact).get("id").asString());
            assertThat(body.get("timestamp").asString()).isEqualTo(data.get("occurredAt").asString());
            // The event's payload holds the contact's fields: none of it leaves.
            assertThat(event.get("after").toString()).contains("Ada Lovelace");
            assertThat(received.body()).doesNotContain("Ada").doesNotContain("Lovelace").doesNotContain("ada.lovelace")
                    .doesNotContain("+441234567890").doesNotContain("private").doesNotContain("before").doesNotContain("after")
                    .doesNotContain("127.0.0.1");
            // Only the subscribed type: the webhook's own creation was not delivered.
            assertThat(deliveries(tenant, webhook.id())).hasSize(1);
        }
    }

    @Test
    void anOcsfWebhookGetsTheEventAsOcsfMapsItSigned() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.on(27801)) {
            Tenant tenant = newTenant();
            HttpResponse<String> created = call("POST", webhooks(tenant), tenant.owner(),
                    "{\"url\":\"" + receiver.url() + "\",\"events\":[\"contact.created\"],\"format\":\"ocsf\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(body(created).get("format").asString()).isEqualTo("ocsf");
            String secret = body(created).get("secret").asString();
            UUID webhookId = UUID.fromString(body(created).get("id").asString());
            assertThat(call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                    "{\"name\":\"Grace Hopper\",\"email\":\"grace.hopper@example.com\"}").statusCode()).isEqualTo(201);
            String id = awaitDelivery(tenant, webhookId, "contact.created", d -> d.get("status").asString().equals("succeeded"))
                    .get("id").asString();
            WebhookReceiver.Received received = receiver.await("the OCSF delivery", r -> id.equals(r.header("webhook-id")));
            received.verify(secret);
            JsonNode ocsf = json.readTree(received.body());
            Map<String, Object> event = auditEvents(tenant.id(), "contact.created").getFirst();
            assertThat(ocsf.get("class_uid").asInt()).isEqualTo(6003);
            assertThat(ocsf.get("activity_id").asInt()).isEqualTo(1);
            assertThat(ocsf.get("metadata").get("uid").asString()).isEqualTo(event.get("id").toString());
            assertThat(ocsf.get("metadata").get("tenant_uid").asString()).isEqualTo(tenant.id().toString());
            assertThat(ocsf.get("unmapped").get("hash").asString()).isEqualTo(HexFormat.of().formatHex((byte[]) event.get("hash")));
            assertThat(received.body()).doesNotContain("Grace").doesNotContain("grace.hopper").doesNotContain("\"before\"")
                    .doesNotContain("\"after\"");
            // The client's address and user agent are personal data: withheld from the stream, kept in the audit log.
            assertThat(event.get("ip")).as("the event had a client address").isNotNull();
            assertThat(received.body()).doesNotContain((String) event.get("ip")).doesNotContain("\"user_agent\"");
            assertThat(ocsf.get("src_endpoint").get("name").asString()).isEqualTo("withheld");
        }
    }

    @Test
    void eventsOfAnotherOrganisationAreNeverDeliveredToThisOnesWebhooks() {
        try (WebhookReceiver receiver = WebhookReceiver.on(27808)) {
            Tenant mine = newTenant();
            Tenant theirs = newTenant();
            Registered own = register(mine, receiver.url(), "*");
            createProject(theirs);
            createProject(mine);
            awaitDelivery(mine, own.id(), "project.created", d -> d.get("status").asString().equals("succeeded"));
            UUID theirEvent = (UUID) auditEvents(theirs.id(), "project.created").getFirst().get("id");
            assertThat(scalar("SELECT count(*) FROM bulwark.webhook_deliveries WHERE event_id = ?", theirEvent)).isEqualTo(0L);
            assertThat(receiver.received()).noneMatch(r -> r.body().contains(theirEvent.toString()));
            assertThat(deliveries(mine, own.id())).allSatisfy(d -> assertThat(
                    scalar("SELECT tenant_id FROM bulwark.audit_events WHERE id = ?", UUID.fromString(d.get("eventId").asString())))
                    .isEqualTo(mine.id()));
        }
    }

    @Test
    void duringARotationBothSecretsVerifyAndADayLaterOnlyTheNewOneSigns() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.on(27802)) {
            Tenant tenant = newTenant();
            Registered webhook = register(tenant, receiver.url(), "project.created");
            HttpResponse<String> rotated = call("POST", webhooks(tenant) + "/" + webhook.id() + "/rotate-secret", tenant.owner(), null);
            assertThat(rotated.statusCode()).isEqualTo(200);
            String fresh = body(rotated).get("secret").asString();

            createProject(tenant);
            String first = awaitDelivery(tenant, webhook.id(), "project.created", d -> d.get("status").asString().equals("succeeded"))
                    .get("id").asString();
            WebhookReceiver.Received during = receiver.await("during rotation", r -> first.equals(r.header("webhook-id")));
            assertThat(during.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
            during.verify(fresh);
            during.verify(webhook.secret());
            assertThat(during.verifies(dev.bulwark.webhooks.internal.Signatures.newSecret())).isFalse();

            // A day later (time moved for the worker): the old secret signs no more. The receiver fails every attempt, so
            // the delivery stays due for the worker's attempt at the moved time, told apart by its timestamp.
            receiver.answering(503);
            createProject(tenant);
            JsonNode second = awaitDelivery(tenant, webhook.id(), "project.created", d -> d.get("status").asString().equals("failed"));
            Instant dayLater = Instant.now().plus(Duration.ofHours(25));
            String secondId = second.get("id").asString();
            WebhookReceiver.Received after = awaitAttemptAt(dayLater, receiver, secondId,
                    r -> Long.parseLong(r.header("webhook-timestamp")) > Instant.now().plus(Duration.ofHours(24)).getEpochSecond());
            long timestamp = Long.parseLong(after.header("webhook-timestamp"));
            assertThat(after.header("webhook-signature")).isEqualTo(new Webhook(fresh).sign(secondId, timestamp, after.body()));
            assertThat(after.header("webhook-signature")).isNotEqualTo(new Webhook(webhook.secret()).sign(secondId, timestamp, after.body()));
        }
    }

    @Test
    void aFailedAttemptIsRecordedAndRetriedUnderTheSameWebhookIdAndARedirectIsNotFollowed() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.on(27803).answering(500)) {
            Tenant tenant = newTenant();
            Registered webhook = register(tenant, receiver.url(), "project.created");
            createProject(tenant);
            Instant before = Instant.now();
            JsonNode failed = awaitDelivery(tenant, webhook.id(), "project.created", d -> d.get("status").asString().equals("failed"));
            assertThat(failed.get("attempt").asInt()).isEqualTo(1);
            assertThat(failed.get("responseStatus").asInt()).isEqualTo(500);
            // The first retry waits 30 seconds, with jitter of a fifth either way.
            Instant next = Instant.parse(failed.get("nextAttemptAt").asString());
            assertThat(next).isBetween(before.plusSeconds(20), Instant.now().plusSeconds(40));
            String id = failed.get("id").asString();

            receiver.answering(200);
            assertThat(call("POST", webhooks(tenant) + "/" + webhook.id() + "/deliveries/" + id + "/retry", tenant.owner(), null)
                    .statusCode()).isEqualTo(202);
            JsonNode retried = awaitDelivery(tenant, webhook.id(), "project.created", d -> d.get("attempt").asInt() == 2);
            assertThat(retried.get("status").asString()).isEqualTo("succeeded");
            assertThat(retried.get("responseStatus").asInt()).isEqualTo(200);
            assertThat(retried.get("nextAttemptAt").isNull()).isTrue();
            assertThat(retried.get("id").asString()).isEqualTo(id);

            receiver.answering(302);
            assertThat(call("POST", webhooks(tenant) + "/" + webhook.id() + "/deliveries/" + id + "/retry", tenant.owner(), null)
                    .statusCode()).isEqualTo(202);
            JsonNode redirected = awaitDelivery(tenant, webhook.id(), "project.created", d -> d.get("attempt").asInt() == 3);
            assertThat(redirected.get("status").asString()).isEqualTo("failed");
            assertThat(redirected.get("responseStatus").asInt()).isEqualTo(302);

            List<WebhookReceiver.Received> attempts = receiver.received().stream().filter(r -> id.equals(r.header("webhook-id"))).toList();
            assertThat(attempts).hasSize(3);
            for (WebhookReceiver.Received attempt : attempts) {
                attempt.verify(webhook.secret());
                assertThat(attempt.body()).isEqualTo(attempts.getFirst().body());
            }
            // Unknown or foreign delivery ids, and a retry of a disabled webhook's delivery, are refused.
            assertThat(call("POST", webhooks(tenant) + "/" + webhook.id() + "/deliveries/" + UUID.randomUUID() + "/retry",
                    tenant.owner(), null).statusCode()).isEqualTo(404);
            assertThat(call("PATCH", webhooks(tenant) + "/" + webhook.id(), tenant.owner(), "{\"enabled\":false}").statusCode())
                    .isEqualTo(200);
            assertThat(call("POST", webhooks(tenant) + "/" + webhook.id() + "/deliveries/" + id + "/retry", tenant.owner(), null)
                    .statusCode()).isEqualTo(409);
        }
    }

    @Test
    void aSlowOrHugeAnswerIsAFailedAttemptAndIsRetried() {
        try (WebhookReceiver slow = WebhookReceiver.on(27804).after(Duration.ofSeconds(6));
             WebhookReceiver huge = WebhookReceiver.on(27805).withBodyOf(10 * 1024 * 1024).answering(200)) {
            Tenant tenant = newTenant();
            Registered slowHook = register(tenant, slow.url(), "project.created");
            Registered hugeHook = register(tenant, huge.url(), "project.created");
            createProject(tenant);
            for (Registered hook : List.of(slowHook, hugeHook)) {
                JsonNode failed = awaitDelivery(tenant, hook.id(), "project.created", d -> d.get("status").asString().equals("failed"));
                assertThat(failed.get("attempt").asInt()).isEqualTo(1);
                assertThat(failed.get("responseStatus").isNull()).as("no complete answer came").isTrue();
                assertThat(failed.get("nextAttemptAt").isNull()).isFalse();
            }
            slow.after(Duration.ZERO);
            huge.withBodyOf(0);
            for (Registered hook : List.of(slowHook, hugeHook)) {
                String id = deliveries(tenant, hook.id()).getFirst().get("id").asString();
                assertThat(call("POST", webhooks(tenant) + "/" + hook.id() + "/deliveries/" + id + "/retry", tenant.owner(), null)
                        .statusCode()).isEqualTo(202);
                JsonNode retried = awaitDelivery(tenant, hook.id(), "project.created", d -> d.get("attempt").asInt() == 2);
                assertThat(retried.get("status").asString()).isEqualTo("succeeded");
            }
        }
    }

    @Test
    void aRolledBackActionDeliversNothingAndACommittedOneIsDelivered() {
        try (WebhookReceiver receiver = WebhookReceiver.on(27806)) {
            Tenant tenant = newTenant();
            Registered webhook = register(tenant, receiver.url(), "retention.purged");
            UUID[] rolledBack = new UUID[1];
            transactions.executeWithoutResult(status -> {
                rolledBack[0] = audit.systemAction(tenant.id(), AuditType.RETENTION_PURGED, "test: rolled back", Map.of("n", 1)).id();
                long queued = tenantScope.inTenant(tenant.id(), null, () -> jdbc.sql(
                                "SELECT count(*) FROM webhook_deliveries WHERE tenant_id = :org AND event_id = :event")
                        .param("org", tenant.id()).param("event", rolledBack[0]).query(Long.class).single());
                assertThat(queued).as("the delivery is written with its event, in the same transaction").isEqualTo(1);
                status.setRollbackOnly();
            });
            UUID committed = transactions.execute(status ->
                    audit.systemAction(tenant.id(), AuditType.RETENTION_PURGED, "test: committed", Map.of("n", 2)).id());

            receiver.await("the committed event", r -> r.body().contains(committed.toString()));
            awaitDelivery(tenant, webhook.id(), "retention.purged", d -> d.get("status").asString().equals("succeeded"));
            assertThat(deliveries(tenant, webhook.id())).hasSize(1);
            assertThat(scalar("SELECT count(*) FROM bulwark.webhook_deliveries WHERE event_id = ?", rolledBack[0])).isEqualTo(0L);
            assertThat(receiver.received()).noneMatch(r -> r.body().contains(rolledBack[0].toString()));
        }
    }

    @Test
    void aWebhookWhoseAttemptsFailForFiveDaysIsDisabled() {
        try (WebhookReceiver receiver = WebhookReceiver.on(27807).answering(500)) {
            Tenant tenant = newTenant();
            Registered webhook = register(tenant, receiver.url(), "project.created");
            createProject(tenant);
            String id = awaitDelivery(tenant, webhook.id(), "project.created", d -> d.get("status").asString().equals("failed"))
                    .get("id").asString();

            // Four days on: still failing, still enabled, another attempt planned.
            DeliveryWorker.Outcome fourDays = attemptAt(Instant.now().plus(Duration.ofDays(4)), id);
            assertThat(fourDays.succeeded()).isFalse();
            assertThat(fourDays.disabledWebhook()).isFalse();
            assertThat(fourDays.nextAttemptAt()).isNotNull();
            assertThat(body(call("GET", webhooks(tenant) + "/" + webhook.id(), tenant.owner(), null)).get("enabled").asBoolean()).isTrue();

            // Five days and an hour after the first failure: disabled, by Bulwark, on the record.
            DeliveryWorker.Outcome fiveDays = attemptAt(Instant.now().plus(Duration.ofDays(5)).plus(Duration.ofHours(1)), id);
            assertThat(fiveDays.disabledWebhook()).isTrue();
            assertThat(fiveDays.nextAttemptAt()).isNull();
            assertThat(body(call("GET", webhooks(tenant) + "/" + webhook.id(), tenant.owner(), null)).get("enabled").asBoolean()).isFalse();
            List<Map<String, Object>> disabled = auditEvents(tenant.id(), "webhook.disabled");
            assertThat(disabled).hasSize(1);
            assertThat(disabled.getFirst().get("actor_type")).isEqualTo("system");
            assertThat(disabled.getFirst().get("entity_id")).isEqualTo(webhook.id().toString());
            JsonNode last = deliveries(tenant, webhook.id()).getFirst();
            assertThat(last.get("status").asString()).isEqualTo("failed");
            assertThat(last.get("nextAttemptAt").isNull()).isTrue();
            assertThat(last.get("attempt").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(scalar("SELECT count(*) FROM bulwark.webhook_queue WHERE tenant_id = ?", tenant.id())).isEqualTo(0L);

            // A disabled webhook gets no deliveries; enabled again, it does.
            createProject(tenant);
            assertThat(deliveries(tenant, webhook.id())).hasSize(1);
            receiver.answering(204);
            assertThat(call("PATCH", webhooks(tenant) + "/" + webhook.id(), tenant.owner(), "{\"enabled\":true}").statusCode())
                    .isEqualTo(200);
            createProject(tenant);
            awaitDelivery(tenant, webhook.id(), "project.created", d -> d.get("status").asString().equals("succeeded"));
        }
    }

    @Test
    void theTrustCentersSigningCheckVerifiesTheProductionSigningWithTheReferenceLibrary() {
        WebhookSigning.SelfTest test = signing.run();
        assertThat(test.currentSecretVerifies()).isTrue();
        assertThat(test.previousSecretVerifies()).isTrue();
        assertThat(test.tamperedBodyRefused()).isTrue();
        assertThat(test.otherSecretRefused()).isTrue();
        assertThat(test.noPersonalData()).isTrue();
        assertThat(test.passed()).isTrue();
    }

    /**
     * Runs the worker at {@code at} until it has attempted delivery {@code id} (the worker's own schedule may hold the
     * delivery claimed for a moment) and returns that attempt's outcome.
     */
    private DeliveryWorker.Outcome attemptAt(Instant at, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            for (DeliveryWorker.Outcome outcome : worker.deliverDue(at)) {
                if (outcome.deliveryId().toString().equals(id) && outcome.attempted()) {
                    return outcome;
                }
            }
            assertThat(System.nanoTime()).as("an attempt of " + id + " at " + at).isLessThan(deadline);
            sleep(100);
        }
    }

    private WebhookReceiver.Received awaitAttemptAt(Instant at, WebhookReceiver receiver, String id,
                                                    java.util.function.Predicate<WebhookReceiver.Received> moved) {
        attemptAt(at, id);
        return receiver.await("the attempt at " + at, r -> id.equals(r.header("webhook-id")) && moved.test(r));
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
