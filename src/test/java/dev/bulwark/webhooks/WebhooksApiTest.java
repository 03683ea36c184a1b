package dev.bulwark.webhooks;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhooks API (docs/webhooks.md): registering, reading, changing, deleting, rotating; input refused with nothing
 * changed; other organisations' ids answer 404; a MEMBER gets 403, a key never registers; the secret is shown only at
 * creation and rotation, never in a read, a log line or an audit event.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhooksApiTest extends WebhookTestSupport {

    /** Nobody listens here in the suite: deliveries to it fail, and no other test's receiver gets them. */
    private static final String RECEIVER = "http://127.0.0.1:27810/hook";

    @Test
    void registeredWebhookIsReadChangedRotatedAndDeletedAndItsSecretIsShownOnlyTwice(CapturedOutput output) throws Exception {
        Tenant tenant = newTenant();
        HttpResponse<String> created = call("POST", webhooks(tenant), tenant.owner(),
                "{\"url\":\"" + RECEIVER + "\",\"events\":[\"project.created\",\"contact.created\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode webhook = body(created);
        String id = webhook.get("id").asString();
        String secret = webhook.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(webhook.get("url").asString()).isEqualTo(RECEIVER);
        assertThat(webhook.get("format").asString()).isEqualTo("standard");
        assertThat(webhook.get("enabled").asBoolean()).isTrue();
        assertThat(webhook.get("createdAt").asString()).isNotBlank();
        assertThat(webhook.get("events").toString()).isEqualTo("[\"project.created\",\"contact.created\"]");

        HttpResponse<String> one = call("GET", webhooks(tenant) + "/" + id, tenant.owner(), null);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(body(one).has("secret")).isFalse();
        HttpResponse<String> list = call("GET", webhooks(tenant), tenant.owner(), null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(body(list).get("items")).hasSize(1);
        assertThat(body(list).has("nextCursor")).isTrue();

        HttpResponse<String> patched = call("PATCH", webhooks(tenant) + "/" + id, tenant.owner(),
                "{\"events\":[\"*\"],\"enabled\":false}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(body(patched).get("events").toString()).isEqualTo("[\"*\"]");
        assertThat(body(patched).get("enabled").asBoolean()).isFalse();
        assertThat(body(patched).get("url").asString()).isEqualTo(RECEIVER);
        assertThat(body(patched).has("secret")).isFalse();

        HttpResponse<String> rotated = call("POST", webhooks(tenant) + "/" + id + "/rotate-secret", tenant.owner(), null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String fresh = body(rotated).get("secret").asString();
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(body(rotated).size()).isEqualTo(1);

        for (String[] read : List.of(new String[] {webhooks(tenant)}, new String[] {webhooks(tenant) + "/" + id},
                new String[] {webhooks(tenant) + "/" + id + "/deliveries"})) {
            String answer = call("GET", read[0], tenant.owner(), null).body();
            assertThat(answer).doesNotContain(secret).doesNotContain(fresh).doesNotContain("whsec_");
        }
        // The secrets are stored only as ciphertexts, and the audit trail names the destination, never a secret.
        assertThat(tenantRows(tenant.id()).toString()).doesNotContain(secret.substring(6)).doesNotContain(fresh.substring(6));
        for (String type : List.of("webhook.created", "webhook.updated", "webhook.secret_rotated")) {
            List<Map<String, Object>> events = auditEvents(tenant.id(), type);
            assertThat(events).as(type).hasSize(1);
            assertThat(events.getFirst().toString()).doesNotContain(secret.substring(6)).doesNotContain(fresh.substring(6))
                    .doesNotContain("/hook");
            assertThat(events.getFirst().get("entity_id")).isEqualTo(id);
        }
        assertThat(auditEvents(tenant.id(), "webhook.created").getFirst().get("after").toString())
                .contains("http://127.0.0.1:27810");
        assertThat(output.getAll()).doesNotContain(secret.substring(6)).doesNotContain(fresh.substring(6));

        assertThat(call("DELETE", webhooks(tenant) + "/" + id, tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(call("GET", webhooks(tenant) + "/" + id, tenant.owner(), null).statusCode()).isEqualTo(404);
        assertThat(eventsOfType(tenant.id(), "webhook.deleted")).isEqualTo(1);
        assertThat(call("DELETE", webhooks(tenant) + "/" + id, tenant.owner(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void badOrForbiddenDestinationsAndUnknownEventTypesAreRefusedAndChangeNothing() {
        Tenant tenant = newTenant();
        Registered existing = register(tenant, RECEIVER, "project.created");
        List<String> before = tenantRows(tenant.id());
        String tooLong = "https://example.com/" + "a".repeat(1990);
        assertThat(tooLong.length()).isGreaterThan(2000);
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("not a url", null);
        refusals.put(tooLong, "validation-failed");
        refusals.put("", "validation-failed");
        refusals.put("http://127.0.0.1:80/", "destination-not-allowed");
        refusals.put("http://169.254.169.254/latest/meta-data/", "destination-not-allowed");
        refusals.put("http://10.0.0.1:27801/", "destination-not-allowed");
        refusals.put("http://[::1]:27801/", "destination-not-allowed");
        refusals.put("ftp://example.com/", "destination-not-allowed");
        for (Map.Entry<String, String> refused : refusals.entrySet()) {
            String url = json.writeValueAsString(refused.getKey());
            HttpResponse<String> create = call("POST", webhooks(tenant), tenant.owner(), "{\"url\":" + url + ",\"events\":[\"*\"]}");
            HttpResponse<String> patch = call("PATCH", webhooks(tenant) + "/" + existing.id(), tenant.owner(), "{\"url\":" + url + "}");
            for (HttpResponse<String> answer : List.of(create, patch)) {
                assertThat(answer.statusCode()).as(refused.getKey() + ": " + answer.body()).isEqualTo(400);
                if (refused.getValue() != null) {
                    assertThat(body(answer).get("type").asString()).as(refused.getKey()).endsWith("/" + refused.getValue());
                }
            }
        }
        for (String events : List.of("[\"no.such.event\"]", "[]", "[\"project.created\",\"PROJECT.CREATED\"]", "[null]", "\"*\"",
                "[\"**\"]")) {
            assertThat(call("POST", webhooks(tenant), tenant.owner(), "{\"url\":\"" + RECEIVER + "\",\"events\":" + events + "}")
                    .statusCode()).as(events).isEqualTo(400);
            assertThat(call("PATCH", webhooks(tenant) + "/" + existing.id(), tenant.owner(), "{\"events\":" + events + "}")
                    .statusCode()).as(events).isEqualTo(400);
        }
        for (String body : List.of("{\"url\":\"" + RECEIVER + "\",\"events\":[\"*\"],\"format\":\"xml\"}",
                "{\"url\":\"" + RECEIVER + "\",\"events\":[\"*\"],\"secret\":\"whsec_mine\"}", "{\"url\":\"" + RECEIVER + "\"}")) {
            assertThat(call("POST", webhooks(tenant), tenant.owner(), body).statusCode()).as(body).isEqualTo(400);
        }
        for (String body : List.of("{\"url\":null}", "{\"enabled\":null}", "{\"events\":null}", "{\"format\":\"ocsf\"}",
                "{\"enabled\":\"yes\"}")) {
            assertThat(call("PATCH", webhooks(tenant) + "/" + existing.id(), tenant.owner(), body).statusCode()).as(body).isEqualTo(400);
        }
        assertThat(tenantRows(tenant.id())).isEqualTo(before);
    }

    @Test
    void anotherOrganisationsWebhooksAndDeliveriesAnswer404AndStayUnchanged() {
        Tenant mine = newTenant();
        Tenant theirs = newTenant();
        Registered their = register(theirs, RECEIVER, "project.created");
        createProject(theirs);
        UUID theirDelivery = UUID.fromString(awaitDelivery(theirs, their.id(), "project.created", d -> true).get("id").asString());
        // Switched off by its owner, their webhook's delivery settles (given up, nothing planned): the snapshot below holds.
        assertThat(call("PATCH", webhooks(theirs) + "/" + their.id(), theirs.owner(), "{\"enabled\":false}").statusCode()).isEqualTo(200);
        awaitDelivery(theirs, their.id(), "project.created", d -> d.get("nextAttemptAt").isNull());
        Registered own = register(mine, RECEIVER, "project.created");
        List<String> before = tenantRows(theirs.id());

        String path = webhooks(mine) + "/" + their.id();
        assertThat(call("GET", path, mine.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("PATCH", path, mine.owner(), "{\"enabled\":false}").statusCode()).isEqualTo(404);
        assertThat(call("DELETE", path, mine.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("POST", path + "/rotate-secret", mine.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", path + "/deliveries", mine.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("POST", path + "/deliveries/" + theirDelivery + "/retry", mine.owner(), null).statusCode()).isEqualTo(404);
        // Their delivery under my webhook's path, and their organisation's path with my credentials.
        assertThat(call("POST", webhooks(mine) + "/" + own.id() + "/deliveries/" + theirDelivery + "/retry", mine.owner(), null)
                .statusCode()).isEqualTo(404);
        assertThat(call("GET", webhooks(theirs), mine.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("POST", webhooks(theirs), mine.owner(), "{\"url\":\"" + RECEIVER + "\",\"events\":[\"*\"]}").statusCode())
                .isEqualTo(404);
        assertThat(call("GET", webhooks(mine), mine.owner(), null).body()).doesNotContain(their.id().toString());
        assertThat(tenantRows(theirs.id())).isEqualTo(before);
    }

    @Test
    void membersAreRefusedAndKeysNeverRegisterOrRotate() {
        Tenant tenant = newTenant();
        Registered webhook = register(tenant, RECEIVER, "project.created");
        for (String role : List.of("MEMBER", "VIEWER", "AUDITOR")) {
            Person member = joined(tenant.id(), role);
            assertThat(call("GET", webhooks(tenant), member, null).statusCode()).as(role).isEqualTo(403);
            assertThat(call("POST", webhooks(tenant), member, "{\"url\":\"" + RECEIVER + "\",\"events\":[\"*\"]}").statusCode())
                    .as(role).isEqualTo(403);
            assertThat(call("GET", webhooks(tenant) + "/" + webhook.id(), member, null).statusCode()).as(role).isEqualTo(403);
            assertThat(call("PATCH", webhooks(tenant) + "/" + webhook.id(), member, "{\"enabled\":false}").statusCode())
                    .as(role).isEqualTo(403);
            assertThat(call("DELETE", webhooks(tenant) + "/" + webhook.id(), member, null).statusCode()).as(role).isEqualTo(403);
            assertThat(call("POST", webhooks(tenant) + "/" + webhook.id() + "/rotate-secret", member, null).statusCode())
                    .as(role).isEqualTo(403);
            assertThat(call("GET", webhooks(tenant) + "/" + webhook.id() + "/deliveries", member, null).statusCode())
                    .as(role).isEqualTo(403);
        }
        Person admin = joined(tenant.id(), "ADMIN");
        assertThat(call("GET", webhooks(tenant), admin, null).statusCode()).isEqualTo(200);
        assertThat(call("POST", webhooks(tenant), admin, "{\"url\":\"" + RECEIVER + "\",\"events\":[\"*\"]}").statusCode())
                .isEqualTo(201);

        HttpResponse<String> key = call("POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner(),
                "{\"name\":\"automation\",\"role\":\"ADMIN\"}");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        String[] bearer = {"Authorization", "Bearer " + body(key).get("key").asString()};
        String[] typed = {bearer[0], bearer[1], "Content-Type", "application/json"};
        assertThat(call("GET", webhooks(tenant), null, null, bearer).statusCode()).isEqualTo(200);
        assertThat(call("POST", webhooks(tenant), null, "{\"url\":\"" + RECEIVER + "\",\"events\":[\"*\"]}", typed).statusCode())
                .isEqualTo(403);
        assertThat(call("POST", webhooks(tenant) + "/" + webhook.id() + "/rotate-secret", null, null, bearer).statusCode())
                .isEqualTo(403);
        // A key may switch a webhook off, never point it elsewhere.
        assertThat(call("PATCH", webhooks(tenant) + "/" + webhook.id(), null, "{\"url\":\"http://127.0.0.1:27810/elsewhere\"}", typed)
                .statusCode()).isEqualTo(403);
        assertThat(call("PATCH", webhooks(tenant) + "/" + webhook.id(), null, "{\"enabled\":false}", typed).statusCode())
                .isEqualTo(200);
    }
}
