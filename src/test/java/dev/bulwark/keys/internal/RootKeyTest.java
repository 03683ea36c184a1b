package dev.bulwark.keys.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import dev.bulwark.keys.KeyCustody;
import dev.bulwark.keys.KeyProperties;
import dev.bulwark.tenancy.StoredData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 7, the root key in its three forms: a local keyset sealed by a passphrase (and a plaintext one sealed once a
 * passphrase is set), a KMS key behind a URI, and rotation of the local keyset (new primary, older keys retired),
 * which another instance sharing the key directory picks up.
 */
class RootKeyTest {

    private static final String PASSPHRASE = "correct horse battery staple 42";
    private static final byte[] AD = "ad".getBytes(StandardCharsets.UTF_8);

    /** A fresh installation: the database holds nothing yet. */
    private static final StoredData NOTHING_STORED = new StoredData() {
        @Override
        public <T> java.util.List<T> query(java.util.UUID tenant, String sql, org.springframework.jdbc.core.RowMapper<T> rows,
                                           Object... parameters) {
            return java.util.List.of();
        }
    };

    @TempDir
    Path dir;

    private RootKey root(String passphrase) throws GeneralSecurityException {
        return root(null, passphrase);
    }

    private RootKey root(String uri, String passphrase) throws GeneralSecurityException {
        KeyProperties properties = new KeyProperties(dir, uri, passphrase, dir.resolve("kms"), 10, Duration.ofMinutes(1),
                Duration.ofMinutes(1), 10);
        return new RootKey(properties, new KmsAeads(new StaticListableBeanFactory().getBeanProvider(KmsClient.class), properties),
                new KeyCustody(NOTHING_STORED), NOTHING_STORED);
    }

    @Test
    void aPassphraseSealsTheKeysetFileAndOnlyThatPassphraseOpensIt() throws Exception {
        RootKey first = root(PASSPHRASE);
        assertThat(first.form()).isEqualTo(RootKey.Form.LOCAL_SEALED);
        byte[] wrapped = first.aead().encrypt("tenant keyset".getBytes(StandardCharsets.UTF_8), AD);

        String file = Files.readString(dir.resolve("root-keyset.json"));
        // Only Tink's encrypted keyset: key ids and types in the clear, no key material.
        assertThat(file).contains("bulwark-root-keyset-sealed-v1", "argon2id", "encryptedKeyset").doesNotContain("keyData");
        assertThatThrownBy(() -> TinkJsonProtoKeysetFormat.parseKeyset(file, InsecureSecretKeyAccess.get()))
                .as("not a plaintext keyset").isInstanceOf(Exception.class);

        assertThat(root(PASSPHRASE).aead().decrypt(wrapped, AD)).asString(StandardCharsets.UTF_8).isEqualTo("tenant keyset");
        assertThatThrownBy(() -> root("a different passphrase, long enough")).hasMessageContaining("does not open with this passphrase");
        assertThatThrownBy(() -> root(null)).hasMessageContaining("sealed by a passphrase");
        assertThatThrownBy(() -> root("short")).hasMessageContaining("at least 16");
    }

    @Test
    void aPlaintextKeysetIsSealedAtTheFirstStartWithAPassphraseAndKeepsItsKeys() throws Exception {
        RootKey plain = root(null);
        assertThat(plain.form()).isEqualTo(RootKey.Form.LOCAL_UNSEALED);
        assertThat(Files.readString(dir.resolve("root-keyset.json"))).contains("keyData");
        byte[] wrapped = plain.aead().encrypt("before".getBytes(StandardCharsets.UTF_8), AD);

        RootKey sealed = root(PASSPHRASE);
        assertThat(Files.readString(dir.resolve("root-keyset.json"))).contains("encryptedKeyset").doesNotContain("keyData");
        assertThat(sealed.aead().decrypt(wrapped, AD)).asString(StandardCharsets.UTF_8).isEqualTo("before");
        assertThat(sealed.keyIds()).isEqualTo(plain.keyIds());
    }

    @Test
    void aKmsRootKeyWrapsThroughTheKmsAndAnUnsupportedUriStopsTheStart() throws Exception {
        String uri = new LocalKms(dir.resolve("kms")).create("root");
        RootKey kms = root(uri, null);
        assertThat(kms.form()).isEqualTo(RootKey.Form.KMS);
        assertThat(Files.exists(dir.resolve("root-keyset.json"))).as("no local keyset").isFalse();
        byte[] wrapped = kms.aead().encrypt("x".getBytes(StandardCharsets.UTF_8), AD);
        assertThat(new LocalKms(dir.resolve("kms")).getAead(uri).decrypt(wrapped, AD)).asString(StandardCharsets.UTF_8).isEqualTo("x");
        assertThatThrownBy(kms::rotate).hasMessageContaining("rotate it in the KMS");
        assertThatThrownBy(() -> root("aws-kms://arn:aws:kms:eu-west-1:1:key/x", null)).hasMessageContaining("no KMS client");
        assertThatThrownBy(() -> root(uri, PASSPHRASE)).hasMessageContaining("exclude each other");
    }

    @Test
    void rotationAddsAPrimaryRetiringLeavesOnlyItAndAnotherInstanceReloads() throws Exception {
        RootKey a = root(PASSPHRASE);
        RootKey b = root(PASSPHRASE);
        int original = a.keyIds().getFirst();
        byte[] old = a.aead().encrypt("old".getBytes(StandardCharsets.UTF_8), AD);

        a.rotate();
        assertThat(a.keyIds()).hasSize(2).element(1).isEqualTo(original);
        byte[] fresh = a.aead().encrypt("new".getBytes(StandardCharsets.UTF_8), AD);
        assertThat(a.aead().decrypt(old, AD)).asString(StandardCharsets.UTF_8).isEqualTo("old");
        // The file's time moves on even within the file system's clock resolution.
        Files.setLastModifiedTime(dir.resolve("root-keyset.json"), FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(b.aead().decrypt(fresh, AD)).as("instance b reloads the rotated keyset").asString(StandardCharsets.UTF_8)
                .isEqualTo("new");

        a.retireOlderKeys();
        assertThat(a.keyIds()).hasSize(1).doesNotContain(original);
        assertThatThrownBy(() -> a.aead().decrypt(old, AD)).isInstanceOf(GeneralSecurityException.class);
        assertThat(root(PASSPHRASE).aead().decrypt(fresh, AD)).asString(StandardCharsets.UTF_8).isEqualTo("new");
    }
}
