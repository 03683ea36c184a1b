package dev.bulwark.keys;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import com.google.crypto.tink.TinkProtoKeysetFormat;
import dev.bulwark.IntegrationTest;
import dev.bulwark.keys.internal.LocalKms;
import dev.bulwark.keys.internal.RootKey;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 7, customer-managed keys and the keys endpoints: an OWNER points the organisation at its own KMS key (the
 * local KMS stand-in, through Tink's KmsClient interface); its keysets are then wrapped by that key alone, revoking
 * the key makes the organisation's data unreadable to Bulwark, restoring it restores access. Rotation through the
 * endpoint queues the organisation, and the background job re-encrypts it.
 */
class CustomerKeysTest extends IntegrationTest {

    @Autowired
    private CustomerKeys customerKeys;
    @Autowired
    private RootKey rootKey;
    @Autowired
    private ReencryptionJob job;
    @Autowired
    private KeyRotation rotation;

    private String keys(Tenant tenant) {
        return "/api/v1/orgs/" + tenant.id() + "/keys";
    }

    private String contact(Tenant tenant, String name) {
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return "/api/v1/orgs/" + tenant.id() + "/contacts/" + body(created).get("id").asString();
    }

    @Test
    void anOrganisationsOwnKmsKeyAloneOpensItsKeysAndRevokingItMakesItsDataUnreadable() throws Exception {
        Tenant tenant = newTenant();
        String contact = contact(tenant, "Kept Under Own Key");
        String name = "org-" + UUID.randomUUID().toString().substring(0, 8);
        String uri = new LocalKms(LOCAL_KMS_DIR).create(name);

        HttpResponse<String> set = call("PUT", keys(tenant) + "/kms", tenant.owner(), "{\"keyUri\":\"" + uri + "\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(body(set).get("protection").asString()).isEqualTo("customer-kms-key");
        assertThat(body(set).get("kmsKeyUri").asString()).isEqualTo(uri);
        assertThat(auditEvents(tenant.id(), "org.keys.kms_set")).hasSize(1);

        // Bulwark's root key no longer opens the organisation's keysets; the organisation's key does.
        byte[] wrapped = wrappedDataKeyset(tenant.id());
        byte[] context = ("bulwark.tenant-keyset.v1\n" + tenant.id() + "\ndata").getBytes();
        assertThatThrownBy(() -> TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, rootKey.aead(), context))
                .isInstanceOf(java.security.GeneralSecurityException.class);
        assertThat(TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, new LocalKms(LOCAL_KMS_DIR).getAead(uri), context).size())
                .isEqualTo(1);
        customerKeys.forget(tenant.id());
        assertThat(body(call("GET", contact, tenant.owner(), null)).get("name").asString()).isEqualTo("Kept Under Own Key");

        // Revoked: the key file is gone, as a KMS grant withdrawn. (This instance's cache is dropped as its TTL would.)
        Path file = LOCAL_KMS_DIR.resolve(name + ".json");
        Path away = LOCAL_KMS_DIR.resolve(name + ".revoked");
        Files.move(file, away);
        customerKeys.forget(tenant.id());
        HttpResponse<String> unreadable = call("GET", contact, tenant.owner(), null);
        assertThat(unreadable.statusCode()).isEqualTo(503);
        assertThat(body(unreadable).get("type").asString()).endsWith("/key-unavailable");
        assertThat(unreadable.body()).doesNotContain("Kept Under Own Key").doesNotContain(name);
        assertThat(call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(), "{\"name\":\"New\"}").statusCode())
                .as("nothing new is written either").isEqualTo(503);
        assertThat(call("DELETE", keys(tenant) + "/kms", tenant.owner(), null).statusCode())
                .as("going back to the root key needs the organisation's key").isEqualTo(503);

        // Access restored: everything reads again; then back to Bulwark's root key, which no longer needs the KMS key.
        Files.move(away, file);
        customerKeys.forget(tenant.id());
        assertThat(body(call("GET", contact, tenant.owner(), null)).get("name").asString()).isEqualTo("Kept Under Own Key");
        HttpResponse<String> released = call("DELETE", keys(tenant) + "/kms", tenant.owner(), null);
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(body(released).get("protection").asString()).isEqualTo("bulwark-root-key");
        Files.delete(file);
        customerKeys.forget(tenant.id());
        assertThat(body(call("GET", contact, tenant.owner(), null)).get("name").asString()).isEqualTo("Kept Under Own Key");
        assertThat(verifier(tenant)).isTrue();
    }

    @Test
    void aKeyUriThatCannotBeUsedIsRefusedAndChangesNothing() throws Exception {
        Tenant tenant = newTenant();
        String contact = contact(tenant, "Untouched");
        for (String bad : new String[] {"aws-kms://arn:aws:kms:eu-west-1:1:key/x", "local-kms://missing-key",
                "local-kms://../../keys/root-keyset", "not a uri", "local-kms://x'; DROP TABLE tenant_keys;--", ""}) {
            HttpResponse<String> refused = call("PUT", keys(tenant) + "/kms", tenant.owner(),
                    json.writeValueAsString(java.util.Map.of("keyUri", bad)));
            assertThat(refused.statusCode()).as(bad + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("keyUri");
        }
        assertThat(body(call("GET", keys(tenant), tenant.owner(), null)).get("protection").asString()).isEqualTo("bulwark-root-key");
        assertThat(auditEvents(tenant.id(), "org.keys.kms_set")).isEmpty();
        customerKeys.forget(tenant.id());
        assertThat(body(call("GET", contact, tenant.owner(), null)).get("name").asString()).isEqualTo("Untouched");
    }

    @Test
    void onlyASignedInOwnerWithARecentFactorManagesKeysAndOnlyOfTheirOwnOrganisation() throws Exception {
        Tenant tenant = newTenant();
        Tenant other = newTenant();
        Person admin = joined(tenant.id(), "ADMIN");
        for (String[] request : new String[][] {{"GET", ""}, {"POST", "/rotate"}, {"DELETE", "/kms"}}) {
            assertThat(call(request[0], keys(tenant) + request[1], admin, null).statusCode()).as("admin " + request[0]).isEqualTo(403);
            assertThat(call(request[0], keys(tenant) + request[1], other.owner(), null).statusCode())
                    .as("another organisation's owner " + request[0]).isEqualTo(404);
        }
        assertThat(call("GET", keys(tenant), null, null).statusCode()).isEqualTo(401);

        JsonNode key = body(call("POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner(),
                "{\"name\":\"ops\",\"role\":\"OWNER\"}"));
        assertThat(call("POST", keys(tenant) + "/rotate", null, null, "Authorization", "Bearer " + key.get("key").asString())
                .statusCode()).as("an API key").isEqualTo(403);

        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '11 minutes' WHERE user_id = ?")) {
            ps.setObject(1, tenant.owner().id());
            ps.executeUpdate();
        }
        HttpResponse<String> stale = call("POST", keys(tenant) + "/rotate", tenant.owner(), null);
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(body(stale).get("type").asString()).endsWith("/step-up-required");
        assertThat(body(call("GET", keys(tenant), tenant.owner(), null)).get("keyIds")).hasSize(1);
        assertThat(auditEvents(tenant.id(), "org.keys.rotated")).isEmpty();
    }

    @Test
    void rotatingThroughTheEndpointQueuesTheOrganisationAndTheJobReencryptsIt() throws Exception {
        Tenant tenant = newTenant();
        String contact = contact(tenant, "Rotated Person");
        int before = body(call("GET", keys(tenant), tenant.owner(), null)).get("primaryKeyId").asInt();

        HttpResponse<String> rotated = call("POST", keys(tenant) + "/rotate", tenant.owner(), null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(202);
        JsonNode status = body(rotated);
        assertThat(status.get("primaryKeyId").asInt()).isNotEqualTo(before);
        assertThat(status.get("keyIds")).hasSize(2);
        assertThat(status.get("rotatedAt").isNull()).isFalse();
        assertThat(status.get("reencryption").get("queued").asBoolean()).isTrue();
        assertThat(status.get("reencryption").get("remaining").get("contacts").asLong()).isEqualTo(1);
        assertThat(auditEvents(tenant.id(), "org.keys.rotated")).hasSize(1);

        // The job takes queued organisations one at a time, until the queue holds nothing to take.
        while (job.runOnce().isPresent()) {
            // next
        }
        JsonNode after = body(call("GET", keys(tenant), tenant.owner(), null));
        assertThat(after.get("reencryption").get("queued").asBoolean()).isFalse();
        assertThat(after.get("reencryption").get("done").asBoolean()).isTrue();
        assertThat(rotation.progress(tenant.id()).done()).isTrue();
        assertThat(body(call("GET", contact, tenant.owner(), null)).get("name").asString()).isEqualTo("Rotated Person");
    }

    private boolean verifier(Tenant tenant) {
        return body(call("GET", "/api/v1/orgs/" + tenant.id() + "/audit/verify", tenant.owner(), null)).get("valid").asBoolean();
    }

    private static byte[] wrappedDataKeyset(UUID org) throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT data_keyset FROM bulwark.tenant_keys WHERE tenant_id = ?")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }
}
