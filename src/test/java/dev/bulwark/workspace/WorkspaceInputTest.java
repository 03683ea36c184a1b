package dev.bulwark.workspace;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on every workspace write: too long, wrong type, unknown field, bad enum, bad email or phone, control
 * characters, malformed JSON, oversize bodies. Each answers a 4xx problem naming the field and changes nothing.
 * Script in rich text is stored sanitised; SQL metacharacters are stored as the text they are.
 */
class WorkspaceInputTest extends WorkspaceFixtures {

    private Tenant tenant;
    private Seeded seeded;

    private record Bad(String method, String path, String body, String field) {
    }

    @BeforeEach
    void aSeededWorkspace() {
        tenant = newTenant();
        seeded = seed(tenant.id(), tenant.owner());
    }

    @Test
    void badInputOnEveryWriteIsA400NamingTheFieldAndChangesNothing() {
        String longName = "x".repeat(201);
        String longNotes = "n".repeat(10_001);
        String longBody = "b".repeat(500_001);
        List<Bad> bad = List.of(
                new Bad("POST", PROJECTS, "{}", "name"),
                new Bad("POST", PROJECTS, "{\"name\":\"\"}", "name"),
                new Bad("POST", PROJECTS, "{\"name\":\"   \"}", "name"),
                new Bad("POST", PROJECTS, "{\"name\":\"" + longName + "\"}", "name"),
                new Bad("POST", PROJECTS, "{\"name\":42}", "name"),
                new Bad("POST", PROJECTS, "{\"name\":[\"a\"]}", "name"),
                new Bad("POST", PROJECTS, "{\"name\":\"ok\",\"owner\":\"me\"}", "owner"),
                new Bad("POST", PROJECTS, "{\"name\":\"ok\",\"description\":\"" + longNotes + "\"}", "description"),
                new Bad("POST", PROJECTS, "{\"name\":\"a\\u0000b\"}", "name"),
                new Bad("POST", PROJECTS, "{\"name\":\"\\ud800\"}", "name"),
                new Bad("PATCH", PROJECT, "{\"name\":null}", "name"),
                new Bad("PATCH", PROJECT, "{\"name\":\"\"}", "name"),
                new Bad("PATCH", PROJECT, "{\"id\":\"00000000-0000-0000-0000-000000000000\"}", "id"),
                new Bad("PATCH", PROJECT, "{\"version\":9}", "version"),
                new Bad("POST", DOCUMENTS, "{\"body\":\"<p>x</p>\"}", "title"),
                new Bad("POST", DOCUMENTS, "{\"title\":\"t\",\"body\":\"" + longBody + "\"}", "body"),
                new Bad("POST", DOCUMENTS, "{\"title\":\"t\",\"body\":false}", "body"),
                new Bad("PATCH", DOCUMENT, "{\"title\":null}", "title"),
                new Bad("PATCH", DOCUMENT, "{\"projectId\":\"" + seeded.project() + "\"}", "projectId"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"email\":\"not-an-email\"}", "email"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"email\":\"a@b\"}", "email"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"email\":\"" + "a".repeat(250) + "@example.com\"}", "email"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"email\":\"ann@example.com' OR '1'='1\"}", "email"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"phone\":\"12345678\"}", "phone"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"phone\":\"+0123456789\"}", "phone"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"phone\":\"+1234567\"}", "phone"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"phone\":\"+1234567890123456\"}", "phone"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"phone\":\"+1 415 555 0100\"}", "phone"),
                new Bad("POST", CONTACTS, "{\"name\":\"Ann\",\"notes\":\"" + longNotes + "\"}", "notes"),
                new Bad("PATCH", CONTACT, "{\"email\":\"nope\"}", "email"),
                new Bad("PATCH", CONTACT, "{\"name\":null}", "name"),
                new Bad("POST", INTERACTIONS, "{\"channel\":\"fax\",\"subject\":\"s\"}", "channel"),
                new Bad("POST", INTERACTIONS, "{\"channel\":\"CALL\",\"subject\":\"s\"}", "channel"),
                new Bad("POST", INTERACTIONS, "{\"subject\":\"s\"}", "channel"),
                new Bad("POST", INTERACTIONS, "{\"channel\":\"call\"}", "subject"),
                new Bad("POST", INTERACTIONS, "{\"channel\":\"call\",\"subject\":\"s\",\"occurredAt\":\"yesterday\"}", "occurredAt"),
                new Bad("POST", INTERACTIONS, "{\"channel\":\"call\",\"subject\":\"s\",\"occurredAt\":\"1850-01-01T00:00:00Z\"}", "occurredAt"),
                new Bad("POST", INTERACTIONS, "{\"channel\":\"call\",\"subject\":\"s\",\"occurredAt\":\"+20000-01-01T00:00:00Z\"}", "occurredAt"),
                new Bad("POST", INTERACTIONS, "{\"channel\":\"call\",\"subject\":\"s\",\"body\":\"" + longBody + "\"}", "body"),
                new Bad("PATCH", INTERACTION, "{\"channel\":null}", "channel"),
                new Bad("PATCH", INTERACTION, "{\"occurredAt\":null}", "occurredAt"),
                new Bad("PATCH", INTERACTION, "{\"contactId\":\"" + seeded.contact() + "\"}", "contactId"));

        List<String> before = snapshot(tenant.id());
        for (Bad b : bad) {
            HttpResponse<String> response = call(b.method(), seeded.fill(b.path()), tenant.owner(), b.body());
            String shown = b.body().length() > 120 ? b.body().substring(0, 120) + "…" : b.body();
            assertThat(response.statusCode()).as("%s %s %s: %s", b.method(), b.path(), shown, response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = body(response);
            assertThat(problem.get("errors").findValuesAsString("field")).as("%s %s", b.method(), shown).contains(b.field());
            assertThat(response.body()).doesNotContain("Exception", "SQL", "tools.jackson", "dev.bulwark");
        }
        assertThat(snapshot(tenant.id())).isEqualTo(before);
    }

    @Test
    void malformedAndMistypedBodiesAreRefused() {
        List<String> before = snapshot(tenant.id());
        for (String body : List.of("{", "[]", "\"name\"", "null", "{\"name\":\"a\"} trailing", "")) {
            HttpResponse<String> response = call("POST", seeded.fill(PROJECTS), tenant.owner(), body);
            assertThat(response.statusCode()).as("body %s", body).isEqualTo(400);
        }
        HttpResponse<String> xml = send(java.net.http.HttpRequest.newBuilder(uri(seeded.fill(PROJECTS)))
                .headers(tenant.owner().auth()).header("Content-Type", "application/xml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("<name>x</name>")).build());
        assertThat(xml.statusCode()).isEqualTo(415);
        HttpResponse<String> huge = call("POST", seeded.fill(DOCUMENTS), tenant.owner(),
                "{\"title\":\"t\",\"body\":\"" + "b".repeat(1_100_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(snapshot(tenant.id())).isEqualTo(before);
    }

    @Test
    void badPagingAndLookupParametersAreRefused() {
        for (String query : List.of("?limit=0", "?limit=201", "?limit=ten", "?cursor=not-a-cursor", "?email=nope",
                "?email=%27%20OR%20%271%27=%271", "?email=a%00b@example.com")) {
            HttpResponse<String> response = call("GET", seeded.fill(CONTACTS) + query, tenant.owner(), null);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
        }
        String versionsCursor = "bjE6Mw"; // "n1:3", a cursor of a numbered list, is no cursor of a list by time
        assertThat(call("GET", seeded.fill(PROJECTS) + "?cursor=" + versionsCursor, tenant.owner(), null).statusCode()).isEqualTo(400);
    }

    @Test
    void scriptInRichTextIsStoredSanitised() {
        String hostile = "<p onclick=\\\"steal()\\\">Hello <b>world</b></p><script>alert(1)</script>"
                + "<a href=\\\"javascript:alert(2)\\\">x</a><a href=\\\"https://example.com\\\">ok</a>"
                + "<img src=x onerror=alert(3)><iframe src=\\\"https://evil.example\\\"></iframe><style>body{}</style>";
        HttpResponse<String> created = call("POST", seeded.fill(DOCUMENTS), tenant.owner(),
                "{\"title\":\"<script>t</script>\",\"body\":\"" + hostile + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String body = body(created).get("body").asString();
        assertThat(body).contains("<p>Hello <b>world</b></p>", "href=\"https://example.com\"", "rel=\"nofollow noopener noreferrer\"")
                .doesNotContain("<script", "onclick", "javascript:", "onerror", "<img", "<iframe", "<style", "alert(1)");
        String stored = read(seeded.fill(DOCUMENTS) + "/" + body(created).get("id").asString(), tenant.owner()).get("body").asString();
        assertThat(stored).isEqualTo(body);
        // The title is plain text: kept as written, for the client to escape like any other text.
        assertThat(body(created).get("title").asString()).isEqualTo("<script>t</script>");

        HttpResponse<String> patched = call("PATCH", seeded.fill(DOCUMENT), tenant.owner(),
                "{\"body\":\"<svg onload=alert(1)><p>fine</p>\"}");
        assertThat(body(patched).get("body").asString()).isEqualTo("<p>fine</p>");
    }

    @Test
    void sqlMetacharactersAreStoredAsTextAndHarmNothing() {
        String name = "Robert'); DROP TABLE projects;-- \\\" % _ \\\\ ;";
        HttpResponse<String> created = call("POST", seeded.fill(PROJECTS), tenant.owner(), "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(body(created).get("name").asString()).isEqualTo("Robert'); DROP TABLE projects;-- \" % _ \\ ;");
        assertThat(read(seeded.fill(PROJECTS), tenant.owner()).get("items")).hasSize(2);

        String email = "o'brien+%_test@example.com";
        call("POST", seeded.fill(CONTACTS), tenant.owner(), "{\"name\":\"O'Brien\",\"email\":\"" + email + "\"}");
        JsonNode found = read(seeded.fill(CONTACTS) + "?email=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8),
                tenant.owner());
        assertThat(found.get("items")).hasSize(1);
        assertThat(found.get("items").get(0).get("name").asString()).isEqualTo("O'Brien");
        // LIKE wildcards are not wildcards here: an exact lookup.
        assertThat(read(seeded.fill(CONTACTS) + "?email=o%27brien%2B%25%25_test@example.com", tenant.owner()).get("items")).isEmpty();
    }
}
