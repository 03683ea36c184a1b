package dev.bulwark.billing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.stripe.net.Webhook;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripe's webhook over real HTTP, signed by Stripe's own library (stripe-java, tests only): applied events, their order
 * and idempotency, the refusals that store nothing (checked in the tables as the superuser), the events acknowledged and
 * ignored, and the organisation's read of its subscription, across tenants.
 */
@TestPropertySource(properties = "bulwark.billing.stripe.webhook-secret=" + BillingWebhookTest.SECRET)
class BillingWebhookTest extends IntegrationTest {

    static final String SECRET = "whsec_billing_test_5f0c2a9e1b7d4c36";
    private static final String WEBHOOK = "/api/v1/billing/stripe/webhook";
    /** Stripe's times in these events: fixed, so the order of events is the test's, never the clock's. */
    private static final long CREATED = 1_780_000_000L;

    // --- events and deliveries -------------------------------------------------------------------------------------

    private static String eventId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A subscription event as Stripe sends it (the fields Bulwark reads, and some it does not). */
    private ObjectNode event(String id, String type, long created, UUID org, String status, String plan, String priceId) {
        ObjectNode event = json.createObjectNode();
        event.put("id", id);
        event.put("object", "event");
        event.put("api_version", "2025-03-31.basil");
        event.put("created", created);
        event.put("livemode", false);
        event.put("type", type);
        ObjectNode subscription = event.putObject("data").putObject("object");
        subscription.put("id", "sub_" + id.substring(4, 20));
        subscription.put("object", "subscription");
        subscription.put("customer", "cus_T1");
        subscription.put("status", status);
        ObjectNode metadata = subscription.putObject("metadata");
        if (org != null) {
            metadata.put("organisationId", org.toString());
        }
        if (plan != null) {
            metadata.put("plan", plan);
        }
        ObjectNode item = subscription.putObject("items").put("object", "list").putArray("data").addObject();
        item.put("id", "si_1");
        item.put("current_period_end", created + 30 * 86_400);
        item.putObject("price").put("id", priceId).put("object", "price").put("unit_amount", 2900);
        return event;
    }

    private HttpResponse<String> deliver(String payload, String signatureHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(WEBHOOK))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return send(request.build());
    }

    private static String sign(String payload, String secret, long t) {
        try {
            return Webhook.Signature.generateSignatureHeader(payload, secret, t);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Delivered and signed now, the way Stripe does it. */
    private HttpResponse<String> deliver(JsonNode event) {
        String payload = json.writeValueAsString(event);
        return deliver(payload, sign(payload, SECRET, Instant.now().getEpochSecond()));
    }

    private String outcome(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return body(response).get("outcome").asString();
    }

    private JsonNode billing(Tenant tenant) {
        HttpResponse<String> response = call("GET", "/api/v1/orgs/" + tenant.id() + "/billing", tenant.owner(), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return body(response);
    }

    /** Rows of the billing tables holding {@code text} anywhere, in any organisation (read as the superuser). */
    private static List<String> billingRowsWith(String text) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connectAs("postgres")) {
            for (String table : List.of("billing_subscriptions", "billing_events")) {
                // Table names are constants of this test.
                try (PreparedStatement ps = c.prepareStatement("SELECT t::text FROM bulwark." + table + " t WHERE strpos(t::text, ?) > 0")) {
                    ps.setString(1, text);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(table + ": " + rs.getString(1));
                        }
                    }
                }
            }
        }
        return rows;
    }

    // --- applying --------------------------------------------------------------------------------------------------

    @Test
    void aSignedSubscriptionEventSetsTheOrganisationsBillingWithItsAuditEvent() throws Exception {
        Tenant tenant = newTenant();
        JsonNode before = billing(tenant);
        assertThat(before.get("plan").isNull()).isTrue();
        assertThat(before.get("status").asString()).isEqualTo("none");
        assertThat(before.get("currentPeriodEnd").isNull()).isTrue();
        assertThat(before.get("updatedAt").isNull()).isTrue();

        String id = eventId();
        assertThat(outcome(deliver(event(id, "customer.subscription.created", CREATED, tenant.id(), "trialing", "pro", "price_pro"))))
                .isEqualTo("applied");

        JsonNode after = billing(tenant);
        assertThat(after.get("plan").asString()).isEqualTo("pro");
        assertThat(after.get("status").asString()).isEqualTo("trialing");
        assertThat(Instant.parse(after.get("currentPeriodEnd").asString())).isEqualTo(Instant.ofEpochSecond(CREATED + 30 * 86_400));
        assertThat(after.get("updatedAt").isString()).isTrue();

        List<Map<String, Object>> events = auditEvents(tenant.id(), "billing.subscription.updated");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("actor_type")).isEqualTo("system");
        assertThat(events.getFirst().get("reason")).isEqualTo("stripe customer.subscription.created");
        assertThat((String) events.getFirst().get("after")).contains(id, "\"status\":\"trialing\"", "\"plan\":\"pro\"");
        assertThat(events.getFirst().get("ip")).isNotNull();
        assertThat(events.getFirst().get("request_id")).isNotNull();
    }

    @Test
    void aRedeliveryIsAcknowledgedAndChangesNothing() throws Exception {
        Tenant tenant = newTenant();
        JsonNode event = event(eventId(), "customer.subscription.updated", CREATED, tenant.id(), "active", "pro", "price_pro");
        assertThat(outcome(deliver(event))).isEqualTo("applied");
        JsonNode first = billing(tenant);
        List<String> rows = tenantRows(tenant.id());

        // The same event, signed anew as Stripe's retries are.
        assertThat(outcome(deliver(event))).isEqualTo("duplicate");
        assertThat(outcome(deliver(event))).isEqualTo("duplicate");
        assertThat(billing(tenant)).isEqualTo(first);
        assertThat(tenantRows(tenant.id())).isEqualTo(rows);
        assertThat(eventsOfType(tenant.id(), "billing.subscription.updated")).isEqualTo(1);
    }

    @Test
    void anOlderEventNeverOverwritesANewerOne() throws Exception {
        Tenant tenant = newTenant();
        // Stripe sent "created" and then "updated"; they arrive the other way round.
        assertThat(outcome(deliver(event(eventId(), "customer.subscription.updated", CREATED + 60, tenant.id(), "active", "pro",
                "price_pro")))).isEqualTo("applied");
        assertThat(outcome(deliver(event(eventId(), "customer.subscription.created", CREATED, tenant.id(), "incomplete", "starter",
                "price_starter")))).isEqualTo("superseded");
        assertThat(billing(tenant).get("status").asString()).isEqualTo("active");
        assertThat(billing(tenant).get("plan").asString()).isEqualTo("pro");
        assertThat(eventsOfType(tenant.id(), "billing.subscription.updated")).isEqualTo(1);

        // Within one second, deleted outranks updated, which outranks created, whatever the order of arrival.
        assertThat(outcome(deliver(event(eventId(), "customer.subscription.deleted", CREATED + 120, tenant.id(), "canceled", "pro",
                "price_pro")))).isEqualTo("applied");
        assertThat(outcome(deliver(event(eventId(), "customer.subscription.updated", CREATED + 120, tenant.id(), "active", "pro",
                "price_pro")))).isEqualTo("superseded");
        assertThat(billing(tenant).get("status").asString()).isEqualTo("canceled");

        // A newer event does apply.
        assertThat(outcome(deliver(event(eventId(), "customer.subscription.created", CREATED + 180, tenant.id(), "active", "team",
                "price_team")))).isEqualTo("applied");
        assertThat(billing(tenant).get("plan").asString()).isEqualTo("team");
        assertThat(eventsOfType(tenant.id(), "billing.subscription.updated")).isEqualTo(3);
    }

    @Test
    void aDeletedSubscriptionIsCanceledWhateverStatusItCarries() {
        Tenant tenant = newTenant();
        deliver(event(eventId(), "customer.subscription.created", CREATED, tenant.id(), "active", "pro", "price_pro"));
        assertThat(outcome(deliver(event(eventId(), "customer.subscription.deleted", CREATED + 1, tenant.id(), "active", "pro",
                "price_pro")))).isEqualTo("applied");
        JsonNode billing = billing(tenant);
        assertThat(billing.get("status").asString()).isEqualTo("canceled");
        assertThat(billing.get("plan").asString()).isEqualTo("pro");
    }

    @Test
    void thePlanIsTheMetadataPlanElseTheFirstItemsPriceId() {
        Tenant tenant = newTenant();
        deliver(event(eventId(), "customer.subscription.created", CREATED, tenant.id(), "active", null, "price_1Abc"));
        assertThat(billing(tenant).get("plan").asString()).isEqualTo("price_1Abc");
        deliver(event(eventId(), "customer.subscription.updated", CREATED + 1, tenant.id(), "past_due", "enterprise", "price_1Abc"));
        assertThat(billing(tenant).get("plan").asString()).isEqualTo("enterprise");
        assertThat(billing(tenant).get("status").asString()).isEqualTo("past_due");

        // Stripe's older API versions carry the period's end on the subscription itself.
        ObjectNode legacy = event(eventId(), "customer.subscription.updated", CREATED + 2, tenant.id(), "active", null, "price_2");
        ((ObjectNode) legacy.get("data").get("object")).put("current_period_end", CREATED + 7);
        deliver(legacy);
        assertThat(billing(tenant).get("plan").asString()).isEqualTo("price_2");
        assertThat(Instant.parse(billing(tenant).get("currentPeriodEnd").asString())).isEqualTo(Instant.ofEpochSecond(CREATED + 7));
    }

    // --- refusals that store nothing --------------------------------------------------------------------------------

    @Test
    void badStaleFutureMissingOrMalformedSignaturesAre400AndStoreNothing() throws Exception {
        Tenant tenant = newTenant();
        String id = eventId();
        String payload = json.writeValueAsString(event(id, "customer.subscription.created", CREATED, tenant.id(), "active", "pro",
                "price_pro"));
        long now = Instant.now().getEpochSecond();
        String good = sign(payload, SECRET, now);
        List<String> rows = tenantRows(tenant.id());

        List<String> refused = List.of(
                sign(payload, "whsec_not_the_endpoints_secret_00", now),
                sign(payload, SECRET, now - 3_600),
                sign(payload, SECRET, now + 3_600),
                "t=" + now,
                "v1=" + good.substring(good.indexOf("v1=") + 3),
                "t=" + now + ",v0=" + good.substring(good.indexOf("v1=") + 3),
                "this is not a signature",
                "t=" + now + ";v1=" + good.substring(good.indexOf("v1=") + 3));
        for (String header : refused) {
            HttpResponse<String> response = deliver(payload, header);
            assertThat(response.statusCode()).as(header).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
            assertThat(body(response).get("type").asString()).endsWith("/signature-invalid");
            assertThat(response.body()).doesNotContain(SECRET);
        }
        HttpResponse<String> missing = deliver(payload, null);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(body(missing).get("detail").asString()).contains("missing");
        // The body changed after signing.
        assertThat(deliver(payload.replace("\"pro\"", "\"enterprise\""), good).statusCode()).isEqualTo(400);

        assertThat(billingRowsWith(id)).isEmpty();
        assertThat(tenantRows(tenant.id())).isEqualTo(rows);
        assertThat(billing(tenant).get("status").asString()).isEqualTo("none");

        // The same payload, rightly signed, then applies: the refusals were about the signature alone.
        assertThat(outcome(deliver(payload, good))).isEqualTo("applied");
    }

    @Test
    void severalV1SignaturesPassWhenOneIsRight() {
        Tenant tenant = newTenant();
        String payload = json.writeValueAsString(event(eventId(), "customer.subscription.created", CREATED, tenant.id(), "active",
                "pro", "price_pro"));
        long now = Instant.now().getEpochSecond();
        String right = sign(payload, SECRET, now);
        String old = sign(payload, "whsec_the_secret_before_rolling_0", now);
        String header = "t=" + now + ",v1=" + old.substring(old.indexOf("v1=") + 3) + ",v1=" + right.substring(right.indexOf("v1=") + 3)
                + ",v0=00ff";
        assertThat(outcome(deliver(payload, header))).isEqualTo("applied");
    }

    @Test
    void aSignedBodyThatIsNoEventIs400AndStoresNothing() throws Exception {
        Tenant tenant = newTenant();
        String id = eventId();
        ObjectNode noCreated = event(id, "customer.subscription.created", CREATED, tenant.id(), "active", "pro", "price_pro");
        noCreated.remove("created");
        ObjectNode badStatus = event(id, "customer.subscription.created", CREATED, tenant.id(), "ACTIVE; DROP", "pro", "price_pro");
        ObjectNode noSubscription = event(id, "customer.subscription.created", CREATED, tenant.id(), "active", "pro", "price_pro");
        ((ObjectNode) noSubscription.get("data")).put("object", "sub_1");
        for (String payload : List.of("", "[1,2]", "not json", "null", "{\"id\":\"" + id + "\",\"type\":\"x\",\"id\":\"evt_2\"}",
                json.writeValueAsString(noCreated), json.writeValueAsString(badStatus), json.writeValueAsString(noSubscription))) {
            HttpResponse<String> response = deliver(payload, sign(payload, SECRET, Instant.now().getEpochSecond()));
            assertThat(response.statusCode()).as(payload).isEqualTo(400);
        }
        assertThat(billingRowsWith(id)).isEmpty();
        assertThat(eventsOfType(tenant.id(), "billing.subscription.updated")).isZero();
    }

    @Test
    void anOversizeBodyIs413AndStoresNothing() throws Exception {
        Tenant tenant = newTenant();
        String id = eventId();
        ObjectNode event = event(id, "customer.subscription.created", CREATED, tenant.id(), "active", "pro", "price_pro");
        event.put("padding", "x".repeat(1_100_000));
        String payload = json.writeValueAsString(event);
        HttpResponse<String> response = deliver(payload, sign(payload, SECRET, Instant.now().getEpochSecond()));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(billingRowsWith(id)).isEmpty();
        assertThat(billing(tenant).get("status").asString()).isEqualTo("none");
    }

    // --- acknowledged and ignored ------------------------------------------------------------------------------------

    @Test
    void otherEventTypesAndSubscriptionsOfNoOrganisationHereAreAcknowledgedAndStoreNothing() throws Exception {
        Tenant tenant = newTenant();
        List<String> rows = tenantRows(tenant.id());
        List<String> ids = new ArrayList<>();

        String invoice = eventId();
        ids.add(invoice);
        ObjectNode other = event(invoice, "invoice.paid", CREATED, tenant.id(), "active", "pro", "price_pro");
        assertThat(outcome(deliver(other))).isEqualTo("ignored");

        for (String named : new String[] {null, "not-a-uuid", UUID.randomUUID().toString(), PLATFORM_ORG.toString(),
                tenant.id() + "' OR '1'='1", " " + tenant.id()}) {
            String id = eventId();
            ids.add(id);
            ObjectNode event = event(id, "customer.subscription.created", CREATED, null, "active", "pro", "price_pro");
            if (named != null) {
                ((ObjectNode) event.get("data").get("object").get("metadata")).put("organisationId", named);
            }
            assertThat(outcome(deliver(event))).as(String.valueOf(named)).isEqualTo("ignored");
        }
        ObjectNode numeric = event(eventId(), "customer.subscription.created", CREATED, null, "active", "pro", "price_pro");
        ((ObjectNode) numeric.get("data").get("object").get("metadata")).put("organisationId", 42);
        assertThat(outcome(deliver(numeric))).isEqualTo("ignored");

        for (String id : ids) {
            assertThat(billingRowsWith(id)).isEmpty();
        }
        assertThat(tenantRows(tenant.id())).isEqualTo(rows);
    }

    @Test
    void theWebhookNeedsNoCookieNoOriginAndNoCsrfToken() {
        // A server-to-server POST: nothing but the signature (the deliveries above send no Origin, cookie or token either).
        Tenant tenant = newTenant();
        String payload = json.writeValueAsString(event(eventId(), "customer.subscription.created", CREATED, tenant.id(), "active",
                "pro", "price_pro"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(WEBHOOK))
                .header("Stripe-Signature", sign(payload, SECRET, Instant.now().getEpochSecond()))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build());
        assertThat(outcome(response)).isEqualTo("applied");
    }

    // --- ids and tenants -----------------------------------------------------------------------------------------------

    @Test
    void sqlMetacharactersInIdsAreStoredAsTheTextTheyAre() throws Exception {
        Tenant tenant = newTenant();
        String id = "evt_'); DELETE FROM billing_subscriptions; --\"" + UUID.randomUUID();
        ObjectNode event = event(id, "customer.subscription.created", CREATED, tenant.id(), "active", "pro'; DROP TABLE x; --",
                "price_1");
        ((ObjectNode) event.get("data").get("object")).put("id", "sub_\\'%_\"; SELECT pg_sleep(10); --");
        assertThat(outcome(deliver(event))).isEqualTo("applied");
        assertThat(billing(tenant).get("plan").asString()).isEqualTo("pro'; DROP TABLE x; --");
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT subscription_id, event_id FROM bulwark.billing_subscriptions WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("sub_\\'%_\"; SELECT pg_sleep(10); --");
                assertThat(rs.getString(2)).isEqualTo(id);
            }
        }
        assertThat(outcome(deliver(event))).isEqualTo("duplicate");
    }

    @Test
    void anOrganisationReadsOnlyItsOwnBillingAndEventsReachOnlyTheOrganisationTheyName() {
        Tenant mine = newTenant();
        Tenant theirs = newTenant();
        deliver(event(eventId(), "customer.subscription.created", CREATED, mine.id(), "active", "pro", "price_pro"));

        assertThat(billing(theirs).get("status").asString()).isEqualTo("none");
        assertThat(call("GET", "/api/v1/orgs/" + mine.id() + "/billing", theirs.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/orgs/" + theirs.id() + "/billing", mine.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/orgs/" + mine.id() + "/billing", null, null).statusCode()).isEqualTo(401);

        // Every member may read it (READ_ORGANISATION), down to VIEWER and AUDITOR.
        for (String role : List.of("VIEWER", "AUDITOR", "MEMBER", "ADMIN")) {
            HttpResponse<String> read = call("GET", "/api/v1/orgs/" + mine.id() + "/billing", joined(mine.id(), role), null);
            assertThat(read.statusCode()).as(role).isEqualTo(200);
            assertThat(body(read).get("plan").asString()).isEqualTo("pro");
        }
    }
}
