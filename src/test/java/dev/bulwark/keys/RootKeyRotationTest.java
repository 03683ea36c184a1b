package dev.bulwark.keys;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.keys.internal.RootKey;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7: rotating the root key re-wraps every organisation's keysets and the sealed key files under the new root
 * key without touching a row, then retires the old root key; everything still opens, nothing opens under the old one.
 */
class RootKeyRotationTest extends IntegrationTest {

    @Autowired
    private RootKeyRotation rotation;
    @Autowired
    private RootKey root;
    @Autowired
    private CustomerKeys customerKeys;

    @Test
    void rotatingTheRootKeyRewrapsEveryKeysetWithoutTouchingRowsAndRetiresTheOldKey() throws Exception {
        Tenant tenant = newTenant();
        String contacts = "/api/v1/orgs/" + tenant.id() + "/contacts";
        HttpResponse<String> created = call("POST", contacts, tenant.owner(), "{\"name\":\"Survives Root Rotation\"}");
        String contact = contacts + "/" + body(created).get("id").asString();
        byte[] keysetBefore = column("SELECT data_keyset FROM bulwark.tenant_keys WHERE tenant_id = ?", tenant.id());
        byte[] rowBefore = column("SELECT name_ct FROM bulwark.contacts WHERE tenant_id = ?", tenant.id());
        int oldRoot = root.keyIds().getFirst();
        String signingFile = Files.readString(DATA_DIR.resolve("keys").resolve("jwt-signing.jwks.json"));

        RootKeyRotation.Report report = rotation.rotate();

        assertThat(report.rootKeyIds()).hasSize(1).doesNotContain(oldRoot);
        assertThat(report.organisations()).isGreaterThanOrEqualTo(2); // this one and the platform's, at least
        assertThat(report.keyFiles()).isGreaterThanOrEqualTo(1);
        assertThat(column("SELECT data_keyset FROM bulwark.tenant_keys WHERE tenant_id = ?", tenant.id()))
                .as("the keyset is re-wrapped").isNotEqualTo(keysetBefore);
        assertThat(column("SELECT name_ct FROM bulwark.contacts WHERE tenant_id = ?", tenant.id()))
                .as("no row is touched").isEqualTo(rowBefore);
        assertThat(Files.readString(DATA_DIR.resolve("keys").resolve("jwt-signing.jwks.json"))).isNotEqualTo(signingFile);

        // Unwrapped afresh under the new root key: data reads, sign-in (signing keys) and new organisations work.
        customerKeys.forget(tenant.id());
        assertThat(body(call("GET", contact, tenant.owner(), null)).get("name").asString()).isEqualTo("Survives Root Rotation");
        Tenant after = newTenant();
        assertThat(call("POST", "/api/v1/orgs/" + after.id() + "/contacts", after.owner(), "{\"name\":\"New\"}").statusCode())
                .isEqualTo(201);
        // The retired root key is gone from the keyset: the old wrapped keyset opens under nothing held now.
        assertThat(root.keyIds()).doesNotContain(oldRoot);
        byte[] context = ("bulwark.tenant-keyset.v1\n" + tenant.id() + "\ndata").getBytes();
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                com.google.crypto.tink.TinkProtoKeysetFormat.parseEncryptedKeyset(keysetBefore, root.aead(), context))
                .isInstanceOf(java.security.GeneralSecurityException.class);
    }

    private static byte[] column(String sql, UUID org) throws Exception {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }
}
