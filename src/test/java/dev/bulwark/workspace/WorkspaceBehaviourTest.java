package dev.bulwark.workspace;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workspace as a product: document versions and optimistic concurrency, partial updates, the case-insensitive
 * email lookup, cascading deletes, cursor pagination, and the single observation point of contact reads.
 */
class WorkspaceBehaviourTest extends WorkspaceFixtures {

    private Tenant tenant;
    private Seeded seeded;

    @BeforeEach
    void aSeededWorkspace() {
        tenant = newTenant();
        seeded = seed(tenant.id(), tenant.owner());
    }

    @Test
    void threeUpdatesMakeVersionFourAndEveryEarlierVersionStaysReadable() {
        String doc = seeded.fill(DOCUMENT);
        HttpResponse<String> first = call("GET", doc, tenant.owner(), null);
        assertThat(first.headers().firstValue("ETag")).hasValue("\"1\"");
        for (int i = 2; i <= 4; i++) {
            HttpResponse<String> updated = call("PATCH", doc, tenant.owner(), "{\"body\":\"<p>v" + i + "</p>\"}",
                    "If-Match", "\"" + (i - 1) + "\"");
            assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
            assertThat(body(updated).get("version").asInt()).isEqualTo(i);
            assertThat(updated.headers().firstValue("ETag")).hasValue("\"" + i + "\"");
        }
        JsonNode current = read(doc, tenant.owner());
        assertThat(current.get("version").asInt()).isEqualTo(4);
        assertThat(current.get("body").asString()).isEqualTo("<p>v4</p>");
        assertThat(current.get("title").asString()).isEqualTo("Seed document");

        assertThat(read(doc + "/versions/1", tenant.owner()).get("body").asString()).isEqualTo("<p>seed</p>");
        for (int i = 2; i <= 4; i++) {
            JsonNode version = read(doc + "/versions/" + i, tenant.owner());
            assertThat(version.get("version").asInt()).isEqualTo(i);
            assertThat(version.get("body").asString()).isEqualTo("<p>v" + i + "</p>");
        }
        assertThat(call("GET", doc + "/versions/5", tenant.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", doc + "/versions/0", tenant.owner(), null).statusCode()).isEqualTo(404);

        JsonNode page = read(doc + "/versions?limit=3", tenant.owner());
        List<Integer> order = new ArrayList<>();
        page.get("items").forEach(v -> order.add(v.get("version").asInt()));
        assertThat(order).containsExactly(4, 3, 2);
        JsonNode rest = read(doc + "/versions?limit=3&cursor=" + page.get("nextCursor").asString(), tenant.owner());
        assertThat(rest.get("items")).hasSize(1);
        assertThat(rest.get("items").get(0).get("version").asInt()).isEqualTo(1);
        assertThat(rest.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void aStaleIfMatchIsA412AndChangesNothing() {
        String contact = seeded.fill(CONTACT);
        assertThat(call("PATCH", contact, tenant.owner(), "{\"notes\":\"one\"}", "If-Match", "\"1\"").statusCode()).isEqualTo(200);
        List<String> before = snapshot(tenant.id());
        for (String stale : List.of("\"1\"", "W/\"2\"", "\"3\", \"7\"")) {
            HttpResponse<String> response = call("PATCH", contact, tenant.owner(), "{\"notes\":\"two\"}", "If-Match", stale);
            assertThat(response.statusCode()).as(stale).isEqualTo(412);
            assertThat(body(response).get("type").asString()).endsWith("/precondition-failed");
            assertThat(call("DELETE", contact, tenant.owner(), null, "If-Match", stale).statusCode()).isEqualTo(412);
        }
        assertThat(call("PATCH", contact, tenant.owner(), "{\"notes\":\"two\"}", "If-Match", "not-quoted").statusCode()).isEqualTo(400);
        assertThat(snapshot(tenant.id())).isEqualTo(before);

        assertThat(call("PATCH", contact, tenant.owner(), "{\"notes\":\"two\"}", "If-Match", "\"1\", \"2\"").statusCode()).isEqualTo(200);
        assertThat(call("PATCH", contact, tenant.owner(), "{\"notes\":\"three\"}", "If-Match", "*").statusCode()).isEqualTo(200);
        assertThat(call("PATCH", contact, tenant.owner(), "{\"notes\":\"four\"}").statusCode()).isEqualTo(200);
        assertThat(read(contact, tenant.owner()).get("version").asInt()).isEqualTo(5);
        assertThat(call("DELETE", contact, tenant.owner(), null, "If-Match", "\"5\"").statusCode()).isEqualTo(204);
    }

    @Test
    void concurrentWritersHoldingTheSameTagCannotBothWin() throws Exception {
        String doc = seeded.fill(DOCUMENT);
        for (int round = 1; round <= 5; round++) {
            String tag = "\"" + round + "\"";
            int r = round;
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<Integer>> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> call("PATCH", doc, tenant.owner(),
                            "{\"body\":\"<p>round " + r + " writer " + writer + "</p>\"}", "If-Match", tag).statusCode()));
                }
                List<Integer> codes = new ArrayList<>();
                for (var f : writers) {
                    codes.add(f.get());
                }
                assertThat(codes).as("round %d", round).containsOnlyOnce(200).containsOnly(200, 412);
            }
        }
        assertThat(read(doc, tenant.owner()).get("version").asInt()).isEqualTo(6);
        assertThat(count("document_versions", tenant.id())).isEqualTo(6);
    }

    @Test
    void notFoundComesBeforeThePrecondition() {
        HttpResponse<String> response = call("PATCH", seeded.fill(PROJECTS) + "/" + UUID.randomUUID(), tenant.owner(),
                "{\"name\":\"x\"}", "If-Match", "\"1\"");
        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void aReadCarriesItsETagAndAnswers304WhenUnchanged() {
        String project = seeded.fill(PROJECT);
        HttpResponse<String> first = call("GET", project, tenant.owner(), null);
        String tag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(call("GET", project, tenant.owner(), null, "If-None-Match", tag).statusCode()).isEqualTo(304);
        call("PATCH", project, tenant.owner(), "{\"name\":\"Renamed\"}");
        HttpResponse<String> after = call("GET", project, tenant.owner(), null, "If-None-Match", tag);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(body(after).get("name").asString()).isEqualTo("Renamed");
    }

    @Test
    void patchChangesOnlyTheFieldsItNamesAndNullClearsOptionalOnes() {
        String contact = seeded.fill(CONTACT);
        JsonNode patched = body(call("PATCH", contact, tenant.owner(), "{\"phone\":null,\"notes\":\"new notes\"}",
                "Content-Type", "application/merge-patch+json"));
        assertThat(patched.get("name").asString()).isEqualTo("Seed contact");
        assertThat(patched.get("email").asString()).isEqualTo("seed@example.com");
        assertThat(patched.get("phone").isNull()).isTrue();
        assertThat(patched.get("notes").asString()).isEqualTo("new notes");
        assertThat(read(contact, tenant.owner())).isEqualTo(patched);

        JsonNode interaction = body(call("PATCH", seeded.fill(INTERACTION), tenant.owner(),
                "{\"channel\":\"email\",\"occurredAt\":\"2024-03-01T10:15:30.123456Z\"}"));
        assertThat(interaction.get("channel").asString()).isEqualTo("email");
        assertThat(interaction.get("occurredAt").asString()).isEqualTo("2024-03-01T10:15:30.123456Z");
        assertThat(interaction.get("subject").asString()).isEqualTo("Seed interaction");
        assertThat(read(seeded.fill(INTERACTION), tenant.owner())).isEqualTo(interaction);
    }

    @Test
    void createAnswersTheResourceWithItsLocationAndTimes() {
        HttpResponse<String> created = call("POST", seeded.fill(CONTACTS), tenant.owner(),
                "{\"name\":\"Grace\",\"email\":\"grace@example.com\",\"phone\":\"+14155550123\",\"notes\":\"n\"}");
        JsonNode contact = body(created);
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l ->
                assertThat(l).endsWith(seeded.fill(CONTACTS) + "/" + contact.get("id").asString()));
        assertThat(contact.get("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(contact.get("updatedAt").asString()).isEqualTo(contact.get("createdAt").asString());
        assertThat(UUID.fromString(contact.get("id").asString()).version()).isEqualTo(7);
        assertThat(read(seeded.fill(CONTACTS) + "/" + contact.get("id").asString(), tenant.owner())).isEqualTo(contact);

        JsonNode interaction = body(call("POST", seeded.fill(INTERACTIONS), tenant.owner(), "{\"channel\":\"chat\",\"subject\":\"Hi\"}"));
        assertThat(interaction.get("occurredAt").asString()).isEqualTo(interaction.get("createdAt").asString());
        assertThat(interaction.get("body").isNull()).isTrue();
    }

    @Test
    void emailLookupFindsExactlyThoseContactsWhateverTheCaseAndNothingElsewhere() {
        UUID upper = created(seeded.fill(CONTACTS), tenant.owner(), "{\"name\":\"Ana One\",\"email\":\"Ana.Lima@Example.com\"}");
        UUID lower = created(seeded.fill(CONTACTS), tenant.owner(), "{\"name\":\"Ana Two\",\"email\":\"ana.lima@example.com\"}");
        created(seeded.fill(CONTACTS), tenant.owner(), "{\"name\":\"Not Ana\",\"email\":\"ana.lima@example.co\"}");
        created(seeded.fill(CONTACTS), tenant.owner(), "{\"name\":\"Also not\",\"email\":\"xana.lima@example.com\"}");
        Tenant other = newTenant();
        created("/api/v1/orgs/" + other.id() + "/contacts", other.owner(), "{\"name\":\"Other Ana\",\"email\":\"ana.lima@example.com\"}");

        for (String query : List.of("ana.lima@example.com", "ANA.LIMA@EXAMPLE.COM", "Ana.Lima@example.COM")) {
            JsonNode found = read(seeded.fill(CONTACTS) + "?email=" + query, tenant.owner());
            Set<String> ids = new HashSet<>(found.get("items").findValuesAsString("id"));
            assertThat(ids).as(query).containsExactlyInAnyOrder(upper.toString(), lower.toString());
        }
        assertThat(read(seeded.fill(CONTACTS) + "?email=nobody@example.com", tenant.owner()).get("items")).isEmpty();
    }

    @Test
    void deletingAProjectDeletesItsDocumentsAndVersionsAndAContactItsInteractions() {
        call("PATCH", seeded.fill(DOCUMENT), tenant.owner(), "{\"title\":\"v2\"}");
        created(seeded.fill(DOCUMENTS), tenant.owner(), "{\"title\":\"second\"}");
        created(seeded.fill(INTERACTIONS), tenant.owner(), "{\"channel\":\"email\",\"subject\":\"second\"}");
        assertThat(count("documents", tenant.id())).isEqualTo(2);
        assertThat(count("document_versions", tenant.id())).isEqualTo(3);
        assertThat(count("interactions", tenant.id())).isEqualTo(2);

        assertThat(call("DELETE", seeded.fill(PROJECT), tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(count("projects", tenant.id())).isZero();
        assertThat(count("documents", tenant.id())).isZero();
        assertThat(count("document_versions", tenant.id())).isZero();
        assertThat(call("GET", seeded.fill(DOCUMENT), tenant.owner(), null).statusCode()).isEqualTo(404);

        assertThat(call("DELETE", seeded.fill(CONTACT), tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(count("contacts", tenant.id())).isZero();
        assertThat(count("interactions", tenant.id())).isZero();
        assertThat(call("GET", seeded.fill(INTERACTION), tenant.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", seeded.fill(CONTACT), tenant.owner(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void everyListIsPagedByCursorWithoutGapsOrRepeats() {
        for (int i = 0; i < 4; i++) {
            created(seeded.fill(PROJECTS), tenant.owner(), "{\"name\":\"p" + i + "\"}");
            created(seeded.fill(DOCUMENTS), tenant.owner(), "{\"title\":\"d" + i + "\"}");
            created(seeded.fill(CONTACTS), tenant.owner(), "{\"name\":\"c" + i + "\"}");
            created(seeded.fill(INTERACTIONS), tenant.owner(), "{\"channel\":\"note\",\"subject\":\"i" + i + "\"}");
        }
        for (String list : List.of(PROJECTS, DOCUMENTS, CONTACTS, INTERACTIONS)) {
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = read(seeded.fill(list) + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), tenant.owner());
                assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
                seen.addAll(page.get("items").findValuesAsString("id"));
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
                pages++;
            } while (cursor != null);
            assertThat(seen).as(list).hasSize(5).doesNotHaveDuplicates();
            assertThat(pages).isEqualTo(3);
            List<String> all = read(seeded.fill(list), tenant.owner()).get("items").findValuesAsString("id");
            assertThat(seen).isEqualTo(all);
        }
        JsonNode documents = read(seeded.fill(DOCUMENTS), tenant.owner());
        assertThat(documents.get("items").get(0).has("body")).as("lists leave large bodies out").isFalse();
    }

    @Test
    void everyReadOfContactsIsAuditedOncePerRequestNamingExactlyTheContactsReturned() {
        UUID second = created(seeded.fill(CONTACTS), tenant.owner(), "{\"name\":\"Second\",\"email\":\"SEED@example.com\"}");
        int before = auditEvents(tenant.id(), "contact.read").size();

        read(seeded.fill(CONTACT), tenant.owner());
        read(seeded.fill(CONTACTS) + "?limit=1", tenant.owner());
        read(seeded.fill(CONTACTS) + "?email=seed@example.com", tenant.owner());
        read(seeded.fill(CONTACTS) + "?email=nobody@example.com", tenant.owner());
        call("GET", seeded.fill(CONTACTS) + "/" + UUID.randomUUID(), tenant.owner(), null);

        List<Map<String, Object>> reads = auditEvents(tenant.id(), "contact.read");
        List<Map<String, Object>> mine = reads.subList(before, reads.size());
        assertThat(mine).hasSize(3);
        assertThat(mine.get(0).get("after")).isEqualTo("{\"contactIds\":[\"" + seeded.contact() + "\"]}");
        assertThat(mine.get(0).get("entity_id")).isEqualTo(seeded.contact().toString());
        assertThat(mine.get(1).get("after")).as("the look-ahead row of a page is not read")
                .isEqualTo("{\"contactIds\":[\"" + seeded.contact() + "\"]}");
        assertThat(mine.get(2).get("after")).isEqualTo("{\"contactIds\":[\"" + seeded.contact() + "\",\"" + second + "\"]}");
        assertThat(mine).allSatisfy(e -> {
            assertThat(e.get("actor_type")).isEqualTo("user");
            assertThat(e.get("actor_id")).isEqualTo(tenant.owner().id());
            assertThat(e.get("request_id")).isNotNull();
        });
    }
}
