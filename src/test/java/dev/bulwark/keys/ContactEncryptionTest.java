package dev.bulwark.keys;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.shared.UndecryptableFieldException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Contacts' personal data at rest: ciphertext only in the row, found by email through the blind index, and a
 * ciphertext moved to another row or organisation answered with a clear error, never with the other row's data.
 */
class ContactEncryptionTest extends IntegrationTest {

    @org.springframework.beans.factory.annotation.Autowired
    PlaintextSealing sealing;

    @org.springframework.beans.factory.annotation.Autowired
    private Shredding shredding;
    @org.springframework.beans.factory.annotation.Autowired
    private FieldCipher cipher;
    @org.springframework.beans.factory.annotation.Autowired
    private dev.bulwark.audit.internal.ChainVerifier verifier;

    @Test
    void aContactIsStoredAsCiphertextAndFoundByEmailThroughTheBlindIndex() throws Exception {
        Tenant tenant = newTenant();
        JsonNode created = create(tenant, "Ada Lovelace", "Ada.Lovelace@Example.org", "+442079460123", "Met at the Analytical Society");
        Map<String, Object> row = row(tenant.id(), UUID.fromString(created.get("id").asString()));
        assertThat(row.get("name")).isNull();
        assertThat(row.get("email")).isNull();
        assertThat(row.get("phone")).isNull();
        assertThat(row.get("notes")).isNull();
        String stored = new String((byte[]) row.get("name_ct"), StandardCharsets.ISO_8859_1)
                + new String((byte[]) row.get("email_ct"), StandardCharsets.ISO_8859_1)
                + new String((byte[]) row.get("phone_ct"), StandardCharsets.ISO_8859_1)
                + new String((byte[]) row.get("notes_ct"), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain("Ada").doesNotContain("Lovelace").doesNotContain("2079460123").doesNotContain("Analytical");

        HttpResponse<String> found = call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts?email="
                + URLEncoder.encode("ada.lovelace@example.ORG", StandardCharsets.UTF_8), tenant.owner(), null);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(body(found).get("items")).singleElement()
                .satisfies(c -> assertThat(c.get("name").asString()).isEqualTo("Ada Lovelace"));

        // The same email in another organisation has another index value.
        Tenant other = newTenant();
        JsonNode theirs = create(other, "Ada L.", "ada.lovelace@example.org", null, null);
        assertThat((byte[]) row(other.id(), UUID.fromString(theirs.get("id").asString())).get("email_bidx"))
                .isNotEqualTo(row.get("email_bidx"));
    }

    @Test
    void aCiphertextMovedToAnotherRowOrOrganisationIsAClearErrorNotTheOtherRowsData() throws Exception {
        Tenant tenant = newTenant();
        UUID source = UUID.fromString(create(tenant, "Grace Hopper", "grace@example.com", null, null).get("id").asString());
        UUID target = UUID.fromString(create(tenant, "Someone Else", "else@example.com", null, null).get("id").asString());
        asOwnerOf(tenant.id(), "UPDATE bulwark.contacts SET email_ct = (SELECT email_ct FROM bulwark.contacts WHERE id = '"
                + source + "') WHERE tenant_id = ? AND id = '" + target + "'");
        assertUndecryptable(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts/" + target, tenant.owner(), null), "grace");

        Tenant other = newTenant();
        UUID theirs = UUID.fromString(create(other, "Their Contact", "theirs@example.com", null, null).get("id").asString());
        byte[] sealed = (byte[]) row(tenant.id(), source).get("name_ct");
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("UPDATE bulwark.contacts SET name_ct = ? WHERE id = ?")) {
            ps.setBytes(1, sealed);
            ps.setObject(2, theirs);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertUndecryptable(call("GET", "/api/v1/orgs/" + other.id() + "/contacts/" + theirs, other.owner(), null), "Grace");
    }

    /**
     * A row as V7 wrote it, in plaintext: refused wherever it is read (never served, not even found by its email);
     * the start-up step ({@link PlaintextSealing}) encrypts it, sets its blind index and clears the plaintext, and then it
     * reads as any other.
     */
    @Test
    void aRowInPlaintextIsRefusedUntilTheStartUpStepSealsIt() throws Exception {
        Tenant tenant = newTenant();
        UUID id = UUID.randomUUID();
        asOwnerOf(tenant.id(), """
                INSERT INTO bulwark.contacts (tenant_id, id, name, email, version, created_at, updated_at)
                VALUES (?, '%s', 'Legacy Person', 'legacy@example.com', 1, now(), now())""".formatted(id));
        assertUndecryptable(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts/" + id, tenant.owner(), null), "Legacy Person");
        assertThat(body(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts?email=LEGACY@example.com", tenant.owner(), null))
                .get("items")).as("not matched on its plaintext").isEmpty();

        assertThat(sealing.seal(tenant.id())).isEqualTo(1);

        Map<String, Object> row = row(tenant.id(), id);
        assertThat(row.get("name")).isNull();
        assertThat(row.get("email")).isNull();
        assertThat(row.get("name_ct")).isNotNull();
        JsonNode sealed = body(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts/" + id, tenant.owner(), null));
        assertThat(sealed.get("name").asString()).isEqualTo("Legacy Person");
        assertThat(body(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts?email=legacy@EXAMPLE.com", tenant.owner(), null))
                .get("items")).singleElement().satisfies(c -> assertThat(c.get("id").asString()).isEqualTo(id.toString()));
        assertThat(sealing.seal(tenant.id())).as("nothing left to seal").isZero();

        // Planted again behind the application's back, after sealing: refused, not served.
        asOwnerOf(tenant.id(), "UPDATE bulwark.contacts SET notes = 'Planted' WHERE tenant_id = ? AND id = '%s'".formatted(id));
        assertUndecryptable(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts/" + id, tenant.owner(), null), "Planted");
    }

    @Test
    void interactionSubjectsAndBodiesAndEveryDocumentVersionsBodyAreCiphertext() throws Exception {
        Tenant tenant = newTenant();
        UUID contact = UUID.fromString(create(tenant, "Mary Somerville", null, null, null).get("id").asString());
        HttpResponse<String> interaction = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts/" + contact + "/interactions",
                tenant.owner(), "{\"channel\":\"call\",\"subject\":\"Orbital mechanics\",\"body\":\"Discussed perturbations\"}");
        assertThat(interaction.statusCode()).as(interaction.body()).isEqualTo(201);
        UUID interactionId = UUID.fromString(body(interaction).get("id").asString());
        HttpResponse<String> project = call("POST", "/api/v1/orgs/" + tenant.id() + "/projects", tenant.owner(), "{\"name\":\"P\"}");
        UUID projectId = UUID.fromString(body(project).get("id").asString());
        String documents = "/api/v1/orgs/" + tenant.id() + "/projects/" + projectId + "/documents";
        HttpResponse<String> document = call("POST", documents, tenant.owner(), "{\"title\":\"Notes\",\"body\":\"First draft on tides\"}");
        assertThat(document.statusCode()).as(document.body()).isEqualTo(201);
        UUID documentId = UUID.fromString(body(document).get("id").asString());
        assertThat(call("PATCH", documents + "/" + documentId, tenant.owner(), "{\"body\":\"Second draft on tides\"}",
                "If-Match", "\"1\"").statusCode()).isEqualTo(200);

        String dump = String.join("|", tenantRows(tenant.id()));
        assertThat(dump).as("the organisation's rows, audit payloads included")
                .doesNotContain("Orbital").doesNotContain("perturbations").doesNotContain("draft on tides")
                .doesNotContain("Somerville");
        assertThat(body(call("GET", documents + "/" + documentId + "/versions/1", tenant.owner(), null)).get("body").asString())
                .isEqualTo("First draft on tides");
        assertThat(body(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts/" + contact + "/interactions/" + interactionId,
                tenant.owner(), null)).get("subject").asString()).isEqualTo("Orbital mechanics");

        // Version 2's body moved onto version 1 does not open as version 1.
        asOwnerOf(tenant.id(), "UPDATE bulwark.document_versions SET body_ct = (SELECT body_ct FROM bulwark.document_versions"
                + " WHERE document_id = '" + documentId + "' AND version = 2) WHERE tenant_id = ? AND document_id = '"
                + documentId + "' AND version = 1");
        assertUndecryptable(call("GET", documents + "/" + documentId + "/versions/1", tenant.owner(), null), "Second draft");
    }

    @Test
    void afterItsKeysAreDestroyedNothingOfTheOrganisationDecryptsByAnyPath() throws Exception {
        Tenant tenant = newTenant();
        UUID id = UUID.fromString(create(tenant, "Emmy Noether", "emmy@example.com", "+4930123456", "Symmetry").get("id").asString());
        byte[] sealed = (byte[]) row(tenant.id(), id).get("name_ct");
        shredding.destroyKeys(tenant.id());

        assertUndecryptable(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts/" + id, tenant.owner(), null), "Emmy");
        assertUndecryptable(call("GET", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(), null), "Emmy");
        FieldCipher.Field field = new FieldCipher.Field(tenant.id(), "contacts", "name", id);
        assertThatThrownBy(() -> cipher.decrypt(field, sealed)).isInstanceOf(UndecryptableFieldException.class);
        assertThatThrownBy(() -> cipher.encrypt(field, "new")).as("no fresh keys are made for a shredded organisation")
                .hasMessageContaining("destroyed");
        shredding.destroyKeys(tenant.id());
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT data_keyset, index_keyset, destroyed_at FROM bulwark.tenant_keys WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).isNull();
                assertThat(rs.getBytes(2)).isNull();
                assertThat(rs.getTimestamp(3)).isNotNull();
            }
        }
        // Its members' own events still reach its chain, without personal data: signing in keeps working.
        assertThat(login(tenant.owner().email()).get("accessToken")).isNotNull();
        // The audit log's payloads went with the keys: the verifier says so rather than vouching for them.
        assertThat(verifier.verify(tenant.id()).valid()).isFalse();
        // Another organisation is untouched.
        Tenant other = newTenant();
        UUID theirs = UUID.fromString(create(other, "Still Readable", null, null, null).get("id").asString());
        assertThat(call("GET", "/api/v1/orgs/" + other.id() + "/contacts/" + theirs, other.owner(), null).statusCode())
                .isEqualTo(200);
    }

    private void assertUndecryptable(HttpResponse<String> response, String leaked) {
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(body(response).get("type").asString()).endsWith("undecryptable-data");
        assertThat(response.body()).doesNotContain(leaked).doesNotContain("example.com");
    }

    private JsonNode create(Tenant tenant, String name, String email, String phone, String notes) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("name", name);
        if (email != null) {
            fields.put("email", email);
        }
        if (phone != null) {
            fields.put("phone", phone);
        }
        if (notes != null) {
            fields.put("notes", notes);
        }
        HttpResponse<String> response = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                json.writeValueAsString(fields));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return body(response);
    }

    private static Map<String, Object> row(UUID org, UUID id) throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT * FROM bulwark.contacts WHERE tenant_id = ? AND id = ?")) {
            ps.setObject(1, org);
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                Map<String, Object> row = new java.util.HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return row;
            }
        }
    }
}
