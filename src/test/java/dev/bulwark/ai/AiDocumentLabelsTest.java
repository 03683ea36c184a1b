package dev.bulwark.ai;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ooxml.POIXMLProperties;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.DublinCoreSchema;
import org.apache.xmpbox.schema.XMPSchema;
import org.apache.xmpbox.xml.DomXmpParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Documents' status and origin, AI drafts and the labels of their exports (docs/workspace.md, "Status and origin" and
 * "Exports"; docs/ai-gateway.md, "AI drafts"): a draft made through the gateway against a stub provider on loopback is
 * origin ai, status draft and names its usage record; its PDF and DOCX, re-opened with PDFBox and POI, carry the IPTC
 * digital source type in XMP, a visible label and the OOXML custom properties, and a person's document carries none;
 * no endpoint, key or database write of the app role makes a document effective; other organisations' ids are 404.
 */
class AiDocumentLabelsTest extends IntegrationTest {

    static final String IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    static final String TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

    static StubProvider provider;

    private Tenant tenant;
    private UUID project;

    /** The stub takes the port of stub-openai (waiting while another test JVM holds it). */
    @BeforeAll
    static void stub() throws Exception {
        provider = StubProvider.startWhenFree(AiGatewayTest.OPENAI_PORT, AiGatewayTest::echoOpenAi);
    }

    @AfterAll
    static void stopStub() throws Exception {
        provider.close();
    }

    @BeforeEach
    void organisationWithAProject() {
        provider.reset(AiGatewayTest::echoOpenAi);
        tenant = newTenant();
        project = createdId(call("POST", org(tenant) + "/projects", tenant.owner(), "{\"name\":\"Policies\"}"));
    }

    // ---- helpers ----

    private static String org(Tenant t) {
        return "/api/v1/orgs/" + t.id();
    }

    private String documents() {
        return org(tenant) + "/projects/" + project + "/documents";
    }

    private UUID createdId(HttpResponse<String> created) {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(body(created).get("id").asString());
    }

    private void enableAi() {
        HttpResponse<String> set = call("PUT", org(tenant) + "/ai/policy", tenant.owner(), json.writeValueAsString(
                Map.of("enabled", true, "providers", List.of("stub-openai"), "regions", List.of())));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    }

    private String draftBody(String instruction, List<UUID> sources) {
        return json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat", "instruction", instruction,
                "sourceDocumentIds", sources));
    }

    private UUID humanDocument(String title, String body) {
        return createdId(call("POST", documents(), tenant.owner(), json.writeValueAsString(Map.of("title", title, "body", body))));
    }

    private HttpResponse<byte[]> export(Person as, String documentPath, String format) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(documentPath + "/export?format=" + format)).headers(as.auth()).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private byte[] exported(String documentPath, String format) throws Exception {
        HttpResponse<byte[]> response = export(tenant.owner(), documentPath, format);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return response.body();
    }

    private static String problem(String body) {
        return body.replaceAll("(?s).*\"type\"\\s*:\\s*\"https://bulwark.dev/problems/([^\"]+)\".*", "$1");
    }

    private static List<UUID> receiptIds(UUID org) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT id FROM bulwark.ai_usage WHERE tenant_id = ? ORDER BY occurred_at")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    /** The organisation's documents and their versions, every column, read as the superuser. */
    private static List<String> documentRows(UUID org) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connectAs("postgres")) {
            for (String sql : List.of("SELECT t::text FROM bulwark.documents t WHERE tenant_id = ? ORDER BY 1",
                    "SELECT t::text FROM bulwark.document_versions t WHERE tenant_id = ? ORDER BY 1")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setObject(1, org);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** The IPTC digital source type of the PDF's XMP (null when it has none), and the XMP's text. */
    private record Xmp(String digitalSourceType, String title, String raw) {
    }

    private static Xmp xmpOf(PDDocument pdf) throws Exception {
        PDMetadata metadata = pdf.getDocumentCatalog().getMetadata();
        assertThat(metadata).as("every export has XMP metadata").isNotNull();
        byte[] raw = metadata.toByteArray();
        DomXmpParser parser = new DomXmpParser();
        parser.setStrictParsing(false);
        XMPMetadata xmp = parser.parse(raw);
        XMPSchema iptc = xmp.getSchema(IPTC_EXT);
        DublinCoreSchema dc = xmp.getDublinCoreSchema();
        return new Xmp(iptc == null ? null : iptc.getUnqualifiedTextPropertyValue("DigitalSourceType"),
                dc == null ? null : dc.getTitle(), new String(raw, StandardCharsets.UTF_8));
    }

    // ---- tests ----

    @Test
    void anAiDraftIsADraftOfOriginAiNamingItsReceiptAndItsSourcesReachTheModelSanitised() throws Exception {
        enableAi();
        UUID source = humanDocument("Source", "<p>Escalations go to ada@example.com within a day.</p>");
        long createdBefore = eventsOfType(tenant.id(), "document.created");

        HttpResponse<String> drafted = call("POST", documents() + "/ai-draft", tenant.owner(),
                draftBody("Write an escalation policy.", List.of(source)));
        assertThat(drafted.statusCode()).as(drafted.body()).isEqualTo(201);
        JsonNode draft = body(drafted);
        UUID id = UUID.fromString(draft.get("id").asString());
        assertThat(draft.get("origin").asString()).isEqualTo("ai");
        assertThat(draft.get("status").asString()).isEqualTo("draft");
        assertThat(draft.get("aiGenerated").asBoolean()).isTrue();
        assertThat(draft.get("projectId").asString()).isEqualTo(project.toString());
        assertThat(draft.get("body").asString()).isEqualTo("Echo: Write an escalation policy.");
        assertThat(drafted.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith(documents() + "/" + id));
        // The provenance is the gateway's usage record: exactly one, one ai.completion, and the draft's document.created.
        assertThat(receiptIds(tenant.id())).containsExactly(UUID.fromString(draft.get("aiCompletionId").asString()));
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(1);
        assertThat(eventsOfType(tenant.id(), "document.created")).isEqualTo(createdBefore + 1);
        // The source's body went into the prompt, through the sanitiser: the address never left.
        assertThat(provider.received()).hasSize(1);
        String sent = new String(provider.received().getFirst().body(), StandardCharsets.UTF_8);
        assertThat(sent).contains("Escalations go to").doesNotContain("ada@example.com");

        // Read back, listed, and after an edit: still origin ai, still a draft.
        JsonNode read = body(call("GET", documents() + "/" + id, tenant.owner(), null));
        assertThat(read.get("aiGenerated").asBoolean()).isTrue();
        assertThat(read.get("aiCompletionId").asString()).isEqualTo(draft.get("aiCompletionId").asString());
        HttpResponse<String> edited = call("PATCH", documents() + "/" + id, tenant.owner(), "{\"body\":\"<p>Edited by a person.</p>\"}");
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        assertThat(body(edited).get("origin").asString()).isEqualTo("ai");
        assertThat(body(edited).get("status").asString()).isEqualTo("draft");
        JsonNode listed = body(call("GET", documents(), tenant.owner(), null)).get("items");
        for (JsonNode item : listed) {
            boolean ai = item.get("id").asString().equals(id.toString());
            assertThat(item.get("origin").asString()).isEqualTo(ai ? "ai" : "human");
            assertThat(item.get("aiGenerated").asBoolean()).isEqualTo(ai);
            assertThat(item.get("status").asString()).isEqualTo("draft");
        }
        JsonNode human = body(call("GET", documents() + "/" + source, tenant.owner(), null));
        assertThat(human.get("origin").asString()).isEqualTo("human");
        assertThat(human.get("aiGenerated").asBoolean()).isFalse();
        assertThat(human.get("aiCompletionId").isNull()).isTrue();
    }

    @Test
    void exportsOfAnAiDraftCarryTheMarksAndAPersonsDocumentNone() throws Exception {
        enableAi();
        HttpResponse<String> drafted = call("POST", documents() + "/ai-draft", tenant.owner(),
                draftBody("Draft the retention policy.", List.of()));
        assertThat(drafted.statusCode()).as(drafted.body()).isEqualTo(201);
        UUID ai = UUID.fromString(body(drafted).get("id").asString());
        String completion = body(drafted).get("aiCompletionId").asString();
        StringBuilder longBody = new StringBuilder("<h1>Retention</h1><p>Hello <b>world</b> &amp; Grüße, ĳ, 日本.</p>"
                + "<script>alert(1)</script><ul><li>first</li><li>second</li></ul>");
        for (int i = 0; i < 150; i++) {
            longBody.append("<p>Paragraph ").append(i).append(" keeps the records of the organisation for as long as the law asks.</p>");
        }
        UUID human = humanDocument("Human policy", longBody.toString());
        // The AI draft gets long too, so its label is checked on more than one page (an edit keeps the origin).
        assertThat(call("PATCH", documents() + "/" + ai, tenant.owner(), json.writeValueAsString(Map.of("body", longBody.toString())))
                .statusCode()).isEqualTo(200);

        // PDF of the AI draft: the IPTC digital source type in XMP, and the label on every page.
        HttpResponse<byte[]> pdfAnswer = export(tenant.owner(), documents() + "/" + ai, "pdf");
        assertThat(pdfAnswer.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(pdfAnswer.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        try (PDDocument pdf = Loader.loadPDF(pdfAnswer.body())) {
            Xmp xmp = xmpOf(pdf);
            assertThat(xmp.digitalSourceType()).isEqualTo(TRAINED);
            assertThat(pdf.getNumberOfPages()).isGreaterThan(1);
            PDFTextStripper stripper = new PDFTextStripper();
            for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                assertThat(stripper.getText(pdf)).as("page %d", page).contains("AI-generated").contains(completion);
            }
        }

        // PDF of the person's document: XMP without the mark, no label, the body as text and no markup.
        try (PDDocument pdf = Loader.loadPDF(exported(documents() + "/" + human, "pdf"))) {
            Xmp xmp = xmpOf(pdf);
            assertThat(xmp.digitalSourceType()).isNull();
            assertThat(xmp.raw()).doesNotContain("DigitalSourceType").doesNotContain("trainedAlgorithmicMedia");
            assertThat(xmp.title()).isEqualTo("Human policy");
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).doesNotContain("AI-generated");
            assertThat(text).contains("Human policy", "Retention", "Hello world & Grüße", "• first", "Paragraph 149");
            assertThat(text).doesNotContain("<b>").doesNotContain("alert(1)").doesNotContain("<p>");
        }

        // DOCX of the AI draft: both custom properties and the label; of the person's document: neither.
        try (XWPFDocument docx = new XWPFDocument(new ByteArrayInputStream(exported(documents() + "/" + ai, "docx")))) {
            POIXMLProperties.CustomProperties custom = docx.getProperties().getCustomProperties();
            assertThat(custom.getProperty("bulwark.aiGenerated").getBool()).isTrue();
            assertThat(custom.getProperty("bulwark.aiCompletionId").getLpwstr()).isEqualTo(completion);
            try (XWPFWordExtractor text = new XWPFWordExtractor(docx)) {
                assertThat(text.getText()).startsWith("AI-generated").contains("Paragraph 149");
            }
        }
        HttpResponse<byte[]> docxAnswer = export(tenant.owner(), documents() + "/" + human, "docx");
        assertThat(docxAnswer.headers().firstValue("Content-Type"))
                .hasValue("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        try (XWPFDocument docx = new XWPFDocument(new ByteArrayInputStream(docxAnswer.body()))) {
            POIXMLProperties.CustomProperties custom = docx.getProperties().getCustomProperties();
            assertThat(custom.contains("bulwark.aiGenerated")).isFalse();
            assertThat(custom.contains("bulwark.aiCompletionId")).isFalse();
            assertThat(custom.getUnderlyingProperties().sizeOfPropertyArray()).isZero();
            try (XWPFWordExtractor text = new XWPFWordExtractor(docx)) {
                assertThat(text.getText()).doesNotContain("AI-generated").contains("Hello world & Grüße").doesNotContain("<b>");
            }
        }

        // Reading is enough to export; a bad or missing format is a 400.
        Person viewer = joined(tenant.id(), "VIEWER");
        assertThat(export(viewer, documents() + "/" + ai, "pdf").statusCode()).isEqualTo(200);
        assertThat(export(tenant.owner(), documents() + "/" + ai, "html").statusCode()).isEqualTo(400);
        assertThat(export(tenant.owner(), documents() + "/" + ai, "").statusCode()).isEqualTo(400);
        assertThat(export(tenant.owner(), documents() + "/" + UUID.randomUUID(), "pdf").statusCode()).isEqualTo(404);
    }

    @Test
    void nothingPromotesADraftAndNoClientSetsAStatusOrAnOrigin() throws Exception {
        enableAi();
        UUID ai = UUID.fromString(body(call("POST", documents() + "/ai-draft", tenant.owner(),
                draftBody("Draft a policy.", List.of()))).get("id").asString());
        UUID human = humanDocument("Mine", "<p>x</p>");
        String ownerKey = body(call("POST", org(tenant) + "/api-keys", tenant.owner(), "{\"name\":\"k\",\"role\":\"OWNER\"}"))
                .get("key").asString();
        Person member = joined(tenant.id(), "MEMBER");
        Person viewer = joined(tenant.id(), "VIEWER");
        List<String> before = documentRows(tenant.id());

        for (UUID id : List.of(ai, human)) {
            String promote = documents() + "/" + id + "/promote";
            for (Person person : List.of(tenant.owner(), member)) {
                HttpResponse<String> refused = call("POST", promote, person, "{\"version\":1}");
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
                assertThat(problem(refused.body())).isEqualTo("signatures-required");
            }
            HttpResponse<String> byKey = call("POST", promote, null, "{\"version\":1}", "Authorization", "Bearer " + ownerKey);
            // An API key never promotes (people only: docs/signatures.md).
            assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(403);
            assertThat(call("POST", promote, viewer, "{\"version\":1}").statusCode()).isEqualTo(403);
            for (String bad : List.of("{}", "{\"version\":0}", "{\"version\":\"1\"}", "{\"version\":1,\"status\":\"effective\"}")) {
                assertThat(call("POST", promote, tenant.owner(), bad).statusCode()).as(bad).isEqualTo(400);
            }
            // PATCH may not set a status or touch the origin, whoever asks.
            for (String bad : List.of("{\"status\":\"effective\"}", "{\"status\":\"draft\"}", "{\"origin\":\"human\"}",
                    "{\"origin\":\"ai\"}", "{\"title\":\"t\",\"status\":\"in_review\"}")) {
                HttpResponse<String> patched = call("PATCH", documents() + "/" + id, tenant.owner(), bad);
                assertThat(patched.statusCode()).as(bad + ": " + patched.body()).isEqualTo(400);
                assertThat(call("PATCH", documents() + "/" + id, null, bad, "Authorization", "Bearer " + ownerKey,
                        "Content-Type", "application/json").statusCode()).as(bad).isEqualTo(400);
            }
        }
        assertThat(call("POST", documents() + "/" + UUID.randomUUID() + "/promote", tenant.owner(), "{\"version\":1}")
                .statusCode()).isEqualTo(404);
        // Create: origin only human, status never.
        for (String bad : List.of("{\"title\":\"t\",\"origin\":\"ai\"}", "{\"title\":\"t\",\"status\":\"effective\"}",
                "{\"title\":\"t\",\"status\":\"draft\"}", "{\"title\":\"t\",\"aiGenerated\":true}",
                "{\"title\":\"t\",\"aiCompletionId\":\"" + UUID.randomUUID() + "\"}")) {
            HttpResponse<String> created = call("POST", documents(), tenant.owner(), bad);
            assertThat(created.statusCode()).as(bad + ": " + created.body()).isEqualTo(400);
            assertThat(call("POST", documents(), null, bad, "Authorization", "Bearer " + ownerKey, "Content-Type",
                    "application/json").statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(documentRows(tenant.id())).isEqualTo(before);
        HttpResponse<String> explicit = call("POST", documents(), tenant.owner(), "{\"title\":\"t\",\"origin\":\"human\"}");
        assertThat(explicit.statusCode()).as(explicit.body()).isEqualTo(201);
        assertThat(body(explicit).get("origin").asString()).isEqualTo("human");
        assertThat(body(explicit).get("status").asString()).isEqualTo("draft");

        // Below the API: the app role (every request, job and key runs as it) can make no document effective by hand.
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '" + tenant.id() + "', true)");
            }
            for (String sql : List.of(
                    "UPDATE bulwark.documents SET status = 'effective' WHERE id = '" + ai + "'",
                    "UPDATE bulwark.documents SET origin = 'human', ai_completion_id = NULL WHERE id = '" + ai + "'",
                    "INSERT INTO bulwark.documents (tenant_id, id, project_id, title, body, status, version, created_at, updated_at)"
                            + " VALUES ('" + tenant.id() + "', gen_random_uuid(), '" + project + "', 't', '', 'effective', 1, now(), now())")) {
                try (Statement s = app.createStatement()) {
                    s.execute("SAVEPOINT attempt");
                    // Since V52 the app role may write a status, but the database refuses `effective` without an
                    // approval signature on the version (docs/signatures.md).
                    assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("permission denied", "cannot become effective"));
                    s.execute("ROLLBACK TO SAVEPOINT attempt");
                }
            }
            app.rollback();
        }
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bulwark.documents WHERE tenant_id = ? AND status <> 'draft'")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void aRefusedDraftLeavesItsReceiptAndNoDocumentAndBadInputLeavesNothing() throws Exception {
        // AI is off: the gateway's refusal, its one receipt, no document, no connection to the provider.
        UUID source = humanDocument("Source", "<p>s</p>");
        long documentsBefore = eventsOfType(tenant.id(), "document.created");
        HttpResponse<String> refused = call("POST", documents() + "/ai-draft", tenant.owner(), draftBody("Draft.", List.of(source)));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(problem(refused.body())).isEqualTo("ai-disabled");
        assertThat(receiptIds(tenant.id())).hasSize(1);
        assertThat(eventsOfType(tenant.id(), "ai.completion")).isEqualTo(1);
        assertThat(eventsOfType(tenant.id(), "document.created")).isEqualTo(documentsBefore);
        assertThat(provider.received()).isEmpty();

        enableAi();
        Person viewer = joined(tenant.id(), "VIEWER");
        List<String> before = tenantRows(tenant.id());
        for (String bad : List.of("{\"provider\":\"stub-openai\",\"model\":\"stub-chat\"}",
                "{\"provider\":\"stub-openai\",\"model\":\"stub-chat\",\"instruction\":\" \"}",
                "{\"provider\":\"stub-openai\",\"model\":\"stub-chat\",\"instruction\":\"x\",\"sourceDocumentIds\":[\"nope\"]}",
                "{\"provider\":\"stub-openai\",\"model\":\"stub-chat\",\"instruction\":\"x\",\"title\":\"t\"}",
                "{\"provider\":\"stub-openai\",\"model\":\"stub-chat\",\"instruction\":\"x\",\"origin\":\"human\"}",
                "{\"provider\":\"nobody\",\"model\":\"stub-chat\",\"instruction\":\"x\"}",
                "{\"provider\":\"stub-openai\",\"model\":\"other\",\"instruction\":\"x\"}")) {
            HttpResponse<String> response = call("POST", documents() + "/ai-draft", tenant.owner(), bad);
            assertThat(response.statusCode()).as(bad + ": " + response.body()).isEqualTo(400);
        }
        // A source or a project that is not the organisation's: 404 before any call.
        HttpResponse<String> unknown = call("POST", documents() + "/ai-draft", tenant.owner(), draftBody("x", List.of(UUID.randomUUID())));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(call("POST", org(tenant) + "/projects/" + UUID.randomUUID() + "/documents/ai-draft", tenant.owner(),
                draftBody("x", List.of())).statusCode()).isEqualTo(404);
        // Roles: a VIEWER may neither use AI nor write.
        assertThat(call("POST", documents() + "/ai-draft", viewer, draftBody("x", List.of())).statusCode())
                .isEqualTo(403);
        assertThat(tenantRows(tenant.id())).isEqualTo(before);
        assertThat(provider.received()).isEmpty();

        // A MEMBER's API key may draft: the actor is the key, and the draft is still only a draft.
        String key = body(call("POST", org(tenant) + "/api-keys", tenant.owner(), "{\"name\":\"k\",\"role\":\"MEMBER\"}"))
                .get("key").asString();
        HttpResponse<String> byKey = call("POST", documents() + "/ai-draft", null, draftBody("Draft.", List.of()),
                "Authorization", "Bearer " + key, "Content-Type", "application/json");
        assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(201);
        assertThat(body(byKey).get("status").asString()).isEqualTo("draft");
        assertThat(body(byKey).get("origin").asString()).isEqualTo("ai");
    }

    @Test
    void anotherOrganisationsIdsAreNotFoundAndNothingOfTheirsChanges() throws Exception {
        enableAi();
        UUID theirs = UUID.fromString(body(call("POST", documents() + "/ai-draft", tenant.owner(), draftBody("Draft.", List.of())))
                .get("id").asString());
        Tenant mine = newTenant();
        UUID myProject = createdId(call("POST", org(mine) + "/projects", mine.owner(), "{\"name\":\"Mine\"}"));
        assertThat(call("PUT", org(mine) + "/ai/policy", mine.owner(), json.writeValueAsString(
                Map.of("enabled", true, "providers", List.of("stub-openai"), "regions", List.of()))).statusCode()).isEqualTo(200);
        List<String> before = tenantRows(tenant.id());
        int sent = provider.received().size();

        // Their organisation in the path: I am not a member.
        assertThat(export(mine.owner(), documents() + "/" + theirs, "pdf").statusCode()).isEqualTo(404);
        assertThat(call("POST", documents() + "/" + theirs + "/promote", mine.owner(), "{\"version\":1}").statusCode()).isEqualTo(404);
        assertThat(call("POST", documents() + "/ai-draft", mine.owner(), draftBody("x", List.of())).statusCode()).isEqualTo(404);
        // My organisation, their project or document.
        String myDocuments = org(mine) + "/projects/" + myProject + "/documents";
        for (String format : List.of("pdf", "docx")) {
            HttpResponse<byte[]> response = export(mine.owner(), myDocuments + "/" + theirs, format);
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("Echo");
            assertThat(export(mine.owner(), org(mine) + "/projects/" + project + "/documents/" + theirs, format).statusCode())
                    .isEqualTo(404);
        }
        assertThat(call("POST", myDocuments + "/" + theirs + "/promote", mine.owner(), "{\"version\":1}").statusCode()).isEqualTo(404);
        assertThat(call("POST", org(mine) + "/projects/" + project + "/documents/ai-draft", mine.owner(), draftBody("x", List.of()))
                .statusCode()).isEqualTo(404);
        // Their document as my draft's source: 404, and nothing is sent.
        HttpResponse<String> stolen = call("POST", myDocuments + "/ai-draft", mine.owner(), draftBody("x", List.of(theirs)));
        assertThat(stolen.statusCode()).as(stolen.body()).isEqualTo(404);
        assertThat(provider.received()).hasSize(sent);
        assertThat(receiptIds(mine.id())).isEmpty();
        assertThat(tenantRows(tenant.id())).isEqualTo(before);
    }
}
