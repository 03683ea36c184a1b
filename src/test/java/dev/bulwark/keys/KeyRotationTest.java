package dev.bulwark.keys;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.internal.ChainVerifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, acceptance 3: after rotating an organisation's data key and re-encrypting, every row reads back, no row
 * is left under the old key, and writes made while re-encryption runs are all there.
 */
class KeyRotationTest extends IntegrationTest {

    private static final List<String> SEALED = List.of(
            "contacts:name_ct", "contacts:email_ct", "contacts:phone_ct", "contacts:notes_ct", "interactions:subject_ct",
            "interactions:body_ct", "documents:body_ct", "document_versions:body_ct", "audit_events:before_ct",
            "audit_events:after_ct");

    @Autowired
    private KeyRotation rotation;
    @Autowired
    private ChainVerifier verifier;

    @Test
    void rotationReencryptsEveryRowLosesNoLiveWriteAndLeavesTheOldKeyUnused() throws Exception {
        Tenant tenant = newTenant();
        String contacts = "/api/v1/orgs/" + tenant.id() + "/contacts";
        Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < 12; i++) {
            names.put(create(tenant, "Before " + i), "Before " + i);
        }
        String firstContact = names.keySet().iterator().next();
        assertThat(call("POST", contacts + "/" + firstContact + "/interactions", tenant.owner(),
                "{\"channel\":\"note\",\"subject\":\"Kept subject\",\"body\":\"Kept body\"}").statusCode()).isEqualTo(201);
        String project = body(call("POST", "/api/v1/orgs/" + tenant.id() + "/projects", tenant.owner(), "{\"name\":\"P\"}"))
                .get("id").asString();
        String documents = "/api/v1/orgs/" + tenant.id() + "/projects/" + project + "/documents";
        String document = body(call("POST", documents, tenant.owner(), "{\"title\":\"T\",\"body\":\"Version one\"}"))
                .get("id").asString();
        assertThat(call("PATCH", documents + "/" + document, tenant.owner(), "{\"body\":\"Version two\"}", "If-Match", "\"1\"")
                .statusCode()).isEqualTo(200);

        int oldKey = rotation.keyIds(tenant.id()).getFirst();
        List<Integer> ids = rotation.rotate(tenant.id());
        assertThat(ids).hasSize(2).element(1).isEqualTo(oldKey);
        assertThat(rotation.progress(tenant.id()).done()).as("rows under the old key wait for re-encryption").isFalse();

        // Writes go on while re-encryption runs in small batches. Re-encryption starts once the writer has written, so
        // however late a busy machine schedules it, the writer is at work when re-encryption begins.
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<List<String>> writer = CompletableFuture.supplyAsync(() -> {
            List<String> written = new ArrayList<>();
            for (int i = 0; (!stop.get() || written.isEmpty()) && i < 60; i++) {
                String id = create(tenant, "During " + i);
                names.put(id, "During " + i);
                written.add(id);
                writing.countDown();
            }
            return written;
        });
        assertThat(writing.await(5, java.util.concurrent.TimeUnit.MINUTES)).as("the writer wrote").isTrue();
        KeyRotation.Progress progress;
        do {
            progress = rotation.reencryptBatch(tenant.id(), 3);
        } while (!progress.done());
        stop.set(true);
        assertThat(writer.get()).isNotEmpty();
        assertThat(rotation.reencryptAll(tenant.id(), 50).done()).isTrue();

        assertThat(oldKeyUses(tenant.id(), oldKey)).as("ciphertexts still under the old key").isZero();
        JsonNode all = body(call("GET", contacts + "?limit=100", tenant.owner(), null));
        Map<String, String> read = new java.util.HashMap<>();
        all.get("items").forEach(c -> read.put(c.get("id").asString(), c.get("name").asString()));
        assertThat(read).as("every contact, before and during, reads back").isEqualTo(names);
        assertThat(body(call("GET", documents + "/" + document + "/versions/1", tenant.owner(), null)).get("body").asString())
                .isEqualTo("Version one");
        assertThat(body(call("GET", documents + "/" + document, tenant.owner(), null)).get("body").asString())
                .isEqualTo("Version two");
        assertThat(body(call("GET", contacts + "/" + firstContact + "/interactions", tenant.owner(), null))
                .get("items").get(0).get("body").asString()).isEqualTo("Kept body");
        assertThat(verifier.verify(tenant.id()).valid()).as("the audit chain is untouched by re-encryption").isTrue();
    }

    @Test
    void reencryptionAlsoEncryptsRowsStoredInPlaintextBeforeTheColumnsWereEncrypted() throws Exception {
        Tenant tenant = newTenant();
        String contacts = "/api/v1/orgs/" + tenant.id() + "/contacts";
        UUID legacy = UUID.randomUUID();
        String email = "Legacy." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        // A contact as V7 wrote it, before V14: plaintext columns, no ciphertext, no blind index.
        asOwnerOf(tenant.id(), """
                INSERT INTO bulwark.contacts (tenant_id, id, name, email, phone, notes, version, created_at, updated_at)
                VALUES (?, '%s', 'Legacy Name', '%s', '+442079460000', 'Legacy notes', 1, now(), now())"""
                .formatted(legacy, email));
        assertThat(rotation.progress(tenant.id()).remaining().get("contacts")).isEqualTo(1);

        assertThat(rotation.reencryptAll(tenant.id(), 10).done()).isTrue();

        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT name, email, phone, notes, name_ct, email_bidx FROM bulwark.contacts WHERE tenant_id = ? AND id = ?")) {
            ps.setObject(1, tenant.id());
            ps.setObject(2, legacy);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                for (int i = 1; i <= 4; i++) {
                    assertThat(rs.getString(i)).as("plaintext column %d", i).isNull();
                }
                assertThat(rs.getBytes(5)).isNotNull();
                assertThat(rs.getBytes(6)).isNotNull();
            }
        }
        JsonNode read = body(call("GET", contacts + "/" + legacy, tenant.owner(), null));
        assertThat(read.get("name").asString()).isEqualTo("Legacy Name");
        assertThat(read.get("notes").asString()).isEqualTo("Legacy notes");
        assertThat(body(call("GET", contacts + "?email=" + email.toLowerCase(), tenant.owner(), null)).get("items"))
                .as("found through the blind index it now has").hasSize(1);
    }

    private String create(Tenant tenant, String name) {
        HttpResponse<String> response = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                "{\"name\":\"" + name + "\",\"email\":\"x" + UUID.randomUUID().toString().substring(0, 8) + "@example.com\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return body(response).get("id").asString();
    }

    /** How many ciphertexts of {@code org}, in every encrypted column, the key {@code keyId} made. */
    private static long oldKeyUses(UUID org, int keyId) throws Exception {
        byte[] prefix = ByteBuffer.allocate(5).put((byte) 1).putInt(keyId).array();
        long uses = 0;
        try (Connection c = connectAs("postgres")) {
            for (String sealed : SEALED) {
                String[] tc = sealed.split(":");
                // Table and column names are the constants above.
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bulwark." + tc[0]
                        + " WHERE tenant_id = ? AND substring(" + tc[1] + " from 1 for 5) = ?")) {
                    ps.setObject(1, org);
                    ps.setBytes(2, prefix);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        uses += rs.getLong(1);
                    }
                }
            }
        }
        return uses;
    }
}
