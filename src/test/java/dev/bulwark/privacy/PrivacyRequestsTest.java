package dev.bulwark.privacy;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.internal.ChainVerifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 8, acceptance 3, 4 and 5: access requests, erasure, and the full export. */
class PrivacyRequestsTest extends IntegrationTest {

    @Autowired
    private ChainVerifier verifier;

    private record Seeded(Tenant tenant, String tag, String email, String phone, List<String> subjectContacts, String otherContact,
                          String sameNameContact, List<String> subjectInteractions) {
    }

    /** The subject (two contacts sharing an email), a namesake and a colleague at the same domain, with interactions. */
    private Seeded seed() {
        Tenant t = newTenant();
        String tag = "Z" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String email = tag.toLowerCase() + "@acme.example";
        String contacts = "/api/v1/orgs/" + t.id() + "/contacts";
        List<String> mine = new ArrayList<>();
        String phone = "+44207946" + (1000 + (tag.hashCode() & 4095));
        mine.add(create(t, contacts, "{\"name\":\"" + tag + " Person\",\"email\":\"" + email + "\",\"phone\":\"" + phone
                + "\",\"notes\":\"" + tag + " notes\"}"));
        mine.add(create(t, contacts, "{\"name\":\"" + tag + " Person (work)\",\"email\":\"" + email.toUpperCase() + "\"}"));
        String namesake = create(t, contacts, "{\"name\":\"" + tag + " Person\",\"email\":\"namesake-" + tag.toLowerCase()
                + "@other.example\"}");
        // Same domain, another person.
        String colleague = create(t, contacts, "{\"name\":\"Colleague\",\"email\":\"colleague." + UUID.randomUUID().toString()
                .substring(0, 6) + "@acme.example\"}");
        List<String> interactions = new ArrayList<>();
        for (String contact : mine) {
            interactions.add(create(t, contacts + "/" + contact + "/interactions",
                    "{\"channel\":\"call\",\"subject\":\"" + tag + " call\",\"body\":\"" + tag + " said hello\"}"));
        }
        create(t, contacts + "/" + colleague + "/interactions", "{\"channel\":\"note\",\"subject\":\"Colleague note\",\"body\":\"x\"}");
        create(t, contacts + "/" + namesake + "/interactions", "{\"channel\":\"note\",\"subject\":\"Namesake note\",\"body\":\"y\"}");
        return new Seeded(t, tag, email, phone, mine, colleague, namesake, interactions);
    }

    private String create(Tenant t, String path, String json) {
        HttpResponse<String> created = call("POST", path, t.owner(), json);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return body(created).get("id").asString();
    }

    @Test
    void anAccessRequestReturnsEveryRecordAboutTheSubjectAndNothingAboutAnyoneElse() throws Exception {
        Seeded s = seed();
        String path = "/api/v1/orgs/" + s.tenant().id() + "/privacy/access-requests";
        HttpResponse<String> answer = call("POST", path, s.tenant().owner(), "{\"email\":\"" + s.email().toUpperCase() + "\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode access = body(answer);
        assertThat(access.get("subject").get("email").asString()).isEqualToIgnoringCase(s.email());
        assertThat(access.get("generatedAt").isNull()).isFalse();
        assertThat(ids(access.get("contacts"))).containsExactlyInAnyOrderElementsOf(s.subjectContacts());
        assertThat(ids(access.get("interactions"))).containsExactlyInAnyOrderElementsOf(s.subjectInteractions());
        List<String> about = new ArrayList<>();
        access.get("auditEvents").forEach(e -> about.add(e.get("entity").get("id").asString()));
        assertThat(about).isNotEmpty().allMatch(id -> s.subjectContacts().contains(id) || s.subjectInteractions().contains(id));
        assertThat(answer.body()).contains(s.tag() + " notes", s.tag() + " said hello")
                .doesNotContain(s.otherContact(), s.sameNameContact(), "Colleague", "Namesake");
        assertThat(auditEvents(s.tenant().id(), "privacy.access.exported")).hasSize(1);
        assertThat(String.valueOf(auditEvents(s.tenant().id(), "privacy.access.exported").getFirst().get("after")))
                .doesNotContainIgnoringCase(s.email());

        // The same as a ZIP of JSON and CSV.
        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", s.tenant().owner().auth()[1])
                .header("Content-Type", "application/json").header("Accept", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + s.email() + "\"}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/zip");
        Map<String, String> files = unzip(zip.body());
        assertThat(files).containsKeys("access.json", "contacts.csv", "interactions.csv", "audit-events.csv", "manifest.json");
        assertThat(files.get("contacts.csv").lines().count()).isEqualTo(1 + s.subjectContacts().size());
        assertThat(files.get("interactions.csv")).contains(s.tag() + " said hello").doesNotContain("Colleague note");

        // Refused: bad input, a non-owner, another organisation's owner.
        for (String bad : new String[] {"{}", "{\"email\":\"not-an-email\"}", "{\"email\":\"x@y.z'; DROP TABLE contacts;--\"}"}) {
            assertThat(call("POST", path, s.tenant().owner(), bad).statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(call("POST", path, joined(s.tenant().id(), "ADMIN"), "{\"email\":\"" + s.email() + "\"}").statusCode()).isEqualTo(403);
        assertThat(call("POST", path, outsider(), "{\"email\":\"" + s.email() + "\"}").statusCode()).isEqualTo(404);
        assertThat(auditEvents(s.tenant().id(), "privacy.access.exported")).hasSize(2);
    }

    @Test
    void afterErasureTheSubjectIsNowhereOthersAreUntouchedAndTheChainVerifies() throws Exception {
        Seeded s = seed();
        UUID org = s.tenant().id();
        String contacts = "/api/v1/orgs/" + org + "/contacts";
        String namesakeBefore = call("GET", contacts + "/" + s.sameNameContact(), s.tenant().owner(), null).body();

        HttpResponse<String> erased = call("POST", "/api/v1/orgs/" + org + "/privacy/erasure-requests", s.tenant().owner(),
                "{\"email\":\"" + s.email() + "\"}");
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(body(erased).get("contacts").asInt()).isEqualTo(2);
        assertThat(body(erased).get("interactions").asInt()).isEqualTo(2);
        assertThat(body(erased).get("auditEvents").asInt()).isPositive();
        List<Map<String, Object>> completed = auditEvents(org, "privacy.erasure.completed");
        assertThat(completed).hasSize(1);
        assertThat(String.valueOf(completed.getFirst())).doesNotContainIgnoringCase(s.email()).doesNotContain(s.tag());

        // Not through the API: records, search, access requests, the audit log, the export.
        for (String contact : s.subjectContacts()) {
            JsonNode read = body(call("GET", contacts + "/" + contact, s.tenant().owner(), null));
            assertThat(read.get("name").asString()).startsWith("erased:").doesNotContain(s.tag());
            assertThat(read.get("email").isNull()).isTrue();
            assertThat(read.get("phone").isNull()).isTrue();
        }
        assertThat(body(call("GET", contacts + "?email=" + s.email(), s.tenant().owner(), null)).get("items")).isEmpty();
        String everything = call("GET", contacts + "?limit=100", s.tenant().owner(), null).body()
                + call("GET", "/api/v1/orgs/" + org + "/audit?limit=200", s.tenant().owner(), null).body()
                + String.join("\n", unzip(export(s.tenant())).values());
        // An access request finds nothing any more (its answer only echoes the address asked about).
        JsonNode after = body(call("POST", "/api/v1/orgs/" + org + "/privacy/access-requests", s.tenant().owner(),
                "{\"email\":\"" + s.email() + "\"}"));
        assertThat(after.get("contacts")).isEmpty();
        assertThat(after.get("interactions")).isEmpty();
        assertThat(after.get("auditEvents").toString()).doesNotContainIgnoringCase(s.email()).doesNotContain(s.tag() + " notes");
        // (The namesake keeps the first contact's name: it is theirs too.)
        assertThat(everything).doesNotContainIgnoringCase(s.email()).doesNotContain(s.phone(), s.tag() + " Person (work)",
                s.tag() + " notes", s.tag() + " said hello", s.tag() + " call");
        // Others untouched.
        assertThat(call("GET", contacts + "/" + s.sameNameContact(), s.tenant().owner(), null).body()).isEqualTo(namesakeBefore);
        assertThat(body(call("GET", contacts + "/" + s.otherContact(), s.tenant().owner(), null)).get("email").asString())
                .startsWith("colleague.");
        assertThat(verifier.verify(org).valid()).as("audit/verify after erasure").isTrue();
        assertThat(body(call("GET", "/api/v1/orgs/" + org + "/audit/verify", s.tenant().owner(), null)).get("valid").asBoolean()).isTrue();

        // Not in a dump of the database: no plaintext, no unkeyed SHA-256 of the address.
        String dump = databaseDump();
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.email().getBytes(StandardCharsets.UTF_8)));
        assertThat(dump).doesNotContainIgnoringCase(s.email()).doesNotContain(s.phone()).doesNotContain(s.tag() + " notes")
                .doesNotContain(sha).doesNotContain(sha.toUpperCase());

        // A second erasure changes nothing and says so.
        HttpResponse<String> again = call("POST", "/api/v1/orgs/" + org + "/privacy/erasure-requests", s.tenant().owner(),
                "{\"email\":\"" + s.email().toUpperCase() + "\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(body(again).get("contacts").asInt()).isZero();
        assertThat(body(again).get("alreadyErasedAt").isNull()).isFalse();
        assertThat(body(again).get("detail").asString()).contains("already erased");
    }

    @Test
    void theFullExportHoldsEveryRecordOfTheOrganisationAndNoneOfAnother() throws Exception {
        Seeded mine = seed();
        Seeded theirs = seed();
        String project = body(call("POST", "/api/v1/orgs/" + mine.tenant().id() + "/projects", mine.tenant().owner(),
                "{\"name\":\"Exported project\"}")).get("id").asString();
        String document = create(mine.tenant(), "/api/v1/orgs/" + mine.tenant().id() + "/projects/" + project + "/documents",
                "{\"title\":\"Doc\",\"body\":\"<p>first " + mine.tag() + "</p>\"}");
        assertThat(call("PATCH", "/api/v1/orgs/" + mine.tenant().id() + "/projects/" + project + "/documents/" + document,
                mine.tenant().owner(), "{\"body\":\"<p>second</p>\"}", "If-Match", "\"1\"").statusCode()).isEqualTo(200);

        Map<String, String> files = unzip(export(mine.tenant()));
        assertThat(files).containsKeys("manifest.json", "organisation.json", "members.json", "members.csv", "retention_policies.json",
                "projects.json", "projects.csv", "documents.json", "document_versions.json", "contacts.json", "contacts.csv",
                "interactions.json", "interactions.csv", "audit-events.ndjson");
        JsonNode contacts = json.readTree(files.get("contacts.json"));
        assertThat(contacts).hasSize(4);
        assertThat(files.get("contacts.csv").lines().count()).isEqualTo(5);
        assertThat(json.readTree(files.get("interactions.json"))).hasSize(4);
        assertThat(json.readTree(files.get("document_versions.json"))).hasSize(2);
        assertThat(files.get("document_versions.json")).contains("first " + mine.tag(), "second");
        assertThat(files.get("contacts.json")).contains(mine.tag() + " notes");
        assertThat(files.get("audit-events.ndjson").lines().count()).isPositive();
        JsonNode manifest = json.readTree(files.get("manifest.json"));
        assertThat(manifest.get("organisationId").asString()).isEqualTo(mine.tenant().id().toString());
        Map<String, Long> counted = new HashMap<>();
        manifest.get("files").forEach(f -> counted.put(f.get("name").asString(), f.get("records").asLong()));
        assertThat(counted).containsEntry("contacts.json", 4L).containsEntry("contacts.csv", 4L);
        String all = String.join("\n", files.values());
        assertThat(all).doesNotContain(theirs.tag()).doesNotContain(theirs.tenant().id().toString());
        assertThat(auditEvents(mine.tenant().id(), "org.exported")).hasSize(1);

        assertThat(call("GET", "/api/v1/orgs/" + mine.tenant().id() + "/export", theirs.tenant().owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/orgs/" + mine.tenant().id() + "/export", joined(mine.tenant().id(), "ADMIN"), null).statusCode())
                .isEqualTo(403);
    }

    @Test
    void aFormulaInAContactComesOutOfEveryCsvAsText() throws Exception {
        Tenant t = newTenant();
        String email = "formula-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.example";
        String formula = "=HYPERLINK(\"http://evil\",\"x\")";
        String contact = create(t, "/api/v1/orgs/" + t.id() + "/contacts", json.writeValueAsString(Map.of("name", formula,
                "email", email, "phone", "+442079461234", "notes", "@SUM(1+1)*cmd|' /C calc'!A0")));
        create(t, "/api/v1/orgs/" + t.id() + "/contacts/" + contact + "/interactions",
                json.writeValueAsString(Map.of("channel", "note", "subject", "-2+3+cmd|' /C calc'!A0", "body", "\tTAB\rCR")));

        HttpResponse<byte[]> access = http.send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + t.id() + "/privacy/access-requests"))
                .header("Authorization", t.owner().auth()[1]).header("Content-Type", "application/json").header("Accept", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(access.statusCode()).isEqualTo(200);
        for (Map<String, String> files : List.of(unzip(access.body()), unzip(export(t)))) {
            List<org.apache.commons.csv.CSVRecord> contacts = csv(files.get("contacts.csv"));
            assertThat(contacts).hasSize(1);
            assertThat(contacts.getFirst().get("name")).isEqualTo("'" + formula);
            assertThat(contacts.getFirst().get("phone")).isEqualTo("'+442079461234");
            assertThat(contacts.getFirst().get("notes")).startsWith("'@SUM");
            assertThat(files.get("contacts.csv")).contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
            List<org.apache.commons.csv.CSVRecord> interactions = csv(files.get("interactions.csv"));
            assertThat(interactions.getFirst().get("subject")).isEqualTo("'-2+3+cmd|' /C calc'!A0");
            assertThat(interactions.getFirst().get("body")).isEqualTo("'\tTAB\rCR");
            // No cell of any CSV in the archive starts as a formula would.
            files.forEach((name, text) -> {
                if (name.endsWith(".csv")) {
                    csv(text).forEach(row -> row.forEach(cell -> assertThat(cell).as(name).doesNotStartWith("=").doesNotStartWith("+")
                            .doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r")));
                }
            });
        }
    }

    private static List<org.apache.commons.csv.CSVRecord> csv(String text) {
        try {
            return org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new java.io.StringReader(text))
                    .getRecords();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private byte[] export(Tenant t) throws Exception {
        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + t.id() + "/export"))
                .header("Authorization", t.owner().auth()[1]).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        // The file is named by the server, from the organisation's id alone.
        assertThat(zip.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"bulwark-export-" + t.id() + ".zip\"");
        return zip.body();
    }

    private static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.get("id").asString()));
        return ids;
    }
}
