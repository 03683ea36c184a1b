package dev.bulwark.keys;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.shared.UndecryptableFieldException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key hierarchy and the field cipher, with real Tink keys and the real database: round trips, ciphertexts that
 * refuse to open anywhere but where they were written, blind indexes that differ per organisation, keysets stored
 * only wrapped, and a root keyset readable by its owner only.
 */
class FieldCipherTest extends IntegrationTest {

    @Autowired
    private FieldCipher cipher;
    @Autowired
    private BlindIndex index;

    @Test
    void aFieldRoundTripsAndItsCiphertextHidesItAndDiffersEachTime() {
        UUID org = newTenant().id();
        FieldCipher.Field field = new FieldCipher.Field(org, "contacts", "email", UUID.randomUUID());
        byte[] first = cipher.encrypt(field, "ada@example.com");
        byte[] second = cipher.encrypt(field, "ada@example.com");
        assertThat(cipher.decrypt(field, first)).isEqualTo("ada@example.com");
        assertThat(first).isNotEqualTo(second);
        assertThat(new String(first, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("ada@example.com");
        assertThat(cipher.encrypt(field, null)).isNull();
        assertThat(cipher.decrypt(field, null)).isNull();
        assertThat(cipher.decrypt(field, cipher.encrypt(field, "Zoë 🙂 \u0000 end"))).isEqualTo("Zoë 🙂 \u0000 end");
    }

    @Test
    void aCiphertextMovedToAnotherRowColumnOrOrganisationDoesNotDecrypt() {
        UUID org = newTenant().id();
        UUID other = newTenant().id();
        UUID row = UUID.randomUUID();
        byte[] sealed = cipher.encrypt(new FieldCipher.Field(org, "contacts", "email", row), "ada@example.com");
        for (FieldCipher.Field elsewhere : new FieldCipher.Field[] {
                new FieldCipher.Field(org, "contacts", "email", UUID.randomUUID()),
                new FieldCipher.Field(org, "contacts", "phone", row),
                new FieldCipher.Field(org, "interactions", "email", row),
                new FieldCipher.Field(other, "contacts", "email", row)}) {
            assertThatThrownBy(() -> cipher.decrypt(elsewhere, sealed)).as(elsewhere.toString())
                    .isInstanceOf(UndecryptableFieldException.class)
                    .hasMessageNotContaining("ada");
        }
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt(new FieldCipher.Field(org, "contacts", "email", row), flipped))
                .isInstanceOf(UndecryptableFieldException.class);
    }

    @Test
    void theBlindIndexIsStableWithinAnOrganisationAndDiffersAcrossThem() {
        UUID org = newTenant().id();
        UUID other = newTenant().id();
        byte[] a = index.email(org, "contact.email", "Ada@Example.com ");
        assertThat(index.email(org, "contact.email", "ada@example.com")).isEqualTo(a);
        assertThat(index.email(other, "contact.email", "ada@example.com")).isNotEqualTo(a);
        assertThat(index.email(org, "user.email", "ada@example.com")).as("another purpose").isNotEqualTo(a);
        assertThat(index.email(org, "contact.email", "bob@example.com")).isNotEqualTo(a);
    }

    @Test
    void tenantKeysetsAreStoredOnlyWrappedAndTheRootKeysetIsTheOwnersAlone() throws Exception {
        UUID org = newTenant().id();
        cipher.encrypt(new FieldCipher.Field(org, "contacts", "name", UUID.randomUUID()), "x");
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT data_keyset, index_keyset FROM bulwark.tenant_keys WHERE tenant_id = ?")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                for (int column = 1; column <= 2; column++) {
                    byte[] wrapped = rs.getBytes(column);
                    // A cleartext Tink keyset names its key type; the wrapped one is ciphertext.
                    assertThat(new String(wrapped, java.nio.charset.StandardCharsets.ISO_8859_1))
                            .doesNotContain("type.googleapis.com");
                    assertThatThrownBy(() -> com.google.crypto.tink.TinkProtoKeysetFormat.parseKeyset(wrapped,
                            com.google.crypto.tink.InsecureSecretKeyAccess.get())).isInstanceOf(Exception.class);
                }
            }
        }
        // The signing keys' files are sealed by the root key: no private part in the clear.
        for (String keyFile : new String[] {"jwt-signing.jwks.json", "audit-checkpoint.key"}) {
            var path = DATA_DIR.resolve("keys").resolve(keyFile);
            assertThat(Files.readString(path)).as(keyFile).startsWith("bulwark-sealed-v1\n")
                    .doesNotContain("\"d\"").doesNotContain("private=");
            assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        var root = DATA_DIR.resolve("keys/root-keyset.json");
        assertThat(Files.getPosixFilePermissions(root)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(root)).contains("\"primaryKeyId\"").contains("AesGcmKey");
    }
}
