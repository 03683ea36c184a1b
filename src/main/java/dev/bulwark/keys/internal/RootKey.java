package dev.bulwark.keys.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import dev.bulwark.keys.KeyCustody;
import dev.bulwark.keys.KeyProperties;
import dev.bulwark.keys.KeysRefusedException;
import dev.bulwark.shared.OwnerOnlyFiles;
import dev.bulwark.tenancy.BeforeMigration;
import dev.bulwark.tenancy.StoredData;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The root of the key hierarchy. It never encrypts data, only tenant keysets and key files. Three forms:
 * <ul>
 *   <li>a KMS key ({@code bulwark.keys.root-uri}): wrapping is done by the KMS, nothing of the key is on this host;</li>
 *   <li>a local AES-256-GCM Tink keyset in {@code <bulwark.keys.dir>/root-keyset.json}, generated at first start,
 *       mode 600, sealed by a passphrase from the environment ({@code bulwark.keys.root-passphrase}): the file is then
 *       Tink's encrypted keyset under an AES-256-GCM key derived with Argon2id;</li>
 *   <li>the same keyset unsealed (development).</li>
 * </ul>
 * A local keyset can be rotated ({@link #rotate()}: a new primary key) and its older keys retired once everything is
 * re-wrapped ({@link #retireOlderKeys()}). Another instance sharing the key directory notices the changed file the
 * first time a wrapped value does not open under the keyset it holds, and reloads it.
 * <p>
 * Built before the database is migrated ({@link BeforeMigration}): a local keyset is generated only for a fresh
 * installation ({@link KeyCustody}); over existing data, a missing keyset, a wrong passphrase, or a keyset that opens none
 * of the stored organisation keysets it should wrap (another installation's) refuses the start.
 */
@Component
public class RootKey implements BeforeMigration {

    private static final Logger log = LoggerFactory.getLogger(RootKey.class);
    private static final String SEALED_FORMAT = "bulwark-root-keyset-sealed-v1";
    private static final byte[] SEAL_CONTEXT = "bulwark.root-keyset.v1".getBytes(StandardCharsets.UTF_8);
    // Argon2id at OWASP's first recommended setting (m = 46 MiB, t = 1, p = 1), raised to t = 3 for a key that is
    // derived once per start.
    private static final int ARGON2_MEMORY_KIB = 47_104;
    private static final int ARGON2_ITERATIONS = 3;

    /** How the root key is held, for status reports and the trust center. */
    public enum Form {
        KMS, LOCAL_SEALED, LOCAL_UNSEALED
    }

    private final KeyProperties properties;
    private final KeyCustody custody;
    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private final Aead aead;
    private volatile KeysetHandle handle;
    private volatile Aead current;
    private volatile FileTime loadedAt;

    RootKey(KeyProperties properties, KmsAeads kms, KeyCustody custody, StoredData stored) throws GeneralSecurityException {
        AeadConfig.register();
        this.properties = properties;
        this.custody = custody;
        this.file = properties.dir().toAbsolutePath().normalize().resolve("root-keyset.json");
        if (properties.rootUri() != null) {
            if (!kms.supports(properties.rootUri())) {
                throw new IllegalStateException("bulwark.keys.root-uri: no KMS client supports this URI");
            }
            this.aead = kms.aead(properties.rootUri());
            log.info("The root key is a KMS key");
        } else {
            load(true);
            this.aead = new Reloading();
            // A KMS root key is not probed: a KMS that cannot be reached at start must not read as the wrong key.
            if (TenantKeys.rootOpensStored(stored, aead).filter(opens -> !opens).isPresent()) {
                throw KeyCustody.notOurs(file, "the root keyset " + file + " opens none of this installation's"
                        + " organisation keysets (another installation's key directory?)");
            }
            if (properties.rootPassphrase() == null) {
                log.warn("The root keyset {} is not sealed: anyone who can read it can read every organisation's keys."
                        + " Outside development, set BULWARK_KEYS_ROOT_PASSPHRASE or BULWARK_KEYS_ROOT_URI.", file);
            }
        }
    }

    /** Wraps tenant keysets and key files, each bound to its own associated data. */
    public Aead aead() {
        return aead;
    }

    public Form form() {
        return properties.rootUri() != null ? Form.KMS
                : properties.rootPassphrase() != null ? Form.LOCAL_SEALED : Form.LOCAL_UNSEALED;
    }

    /** The ids of the local root keyset's keys, primary first (empty for a KMS root key, rotated in the KMS). */
    public List<Integer> keyIds() {
        KeysetHandle h = handle;
        if (h == null) {
            return List.of();
        }
        List<Integer> ids = new java.util.ArrayList<>();
        ids.add(h.getPrimary().getId());
        for (int i = 0; i < h.size(); i++) {
            if (h.getAt(i).getId() != h.getPrimary().getId()) {
                ids.add(h.getAt(i).getId());
            }
        }
        return ids;
    }

    /**
     * Adds a new key to the local root keyset and makes it primary: everything wrapped from now on uses it; what was
     * wrapped before still opens until {@link #retireOlderKeys()}. A KMS root key is rotated in the KMS instead.
     */
    public synchronized void rotate() throws GeneralSecurityException {
        requireLocal();
        KeysetHandle next = KeysetHandle.newBuilder(handle)
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                .build();
        store(next);
        log.info("Rotated the root keyset: new primary key {}", next.getPrimary().getId());
    }

    /** Removes every key but the primary from the local root keyset: call once everything is re-wrapped. */
    public synchronized void retireOlderKeys() throws GeneralSecurityException {
        requireLocal();
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
        int primary = handle.getPrimary().getId();
        for (int i = builder.size() - 1; i >= 0; i--) {
            if (handle.getAt(i).getId() != primary) {
                builder.deleteAt(i);
            }
        }
        store(builder.build());
        log.info("Retired the older root keys: only {} is left", primary);
    }

    private void requireLocal() {
        if (handle == null) {
            throw new IllegalStateException("the root key is a KMS key: rotate it in the KMS, then re-wrap");
        }
    }

    private void store(KeysetHandle next) throws GeneralSecurityException {
        try {
            OwnerOnlyFiles.write(file, serialize(next));
            this.handle = next;
            this.current = next.getPrimitive(RegistryConfiguration.get(), Aead.class);
            this.loadedAt = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the root keyset " + file, e);
        }
    }

    /** Reads the keyset file (creating it at first start); seals a plaintext one when a passphrase is set. */
    private synchronized void load(boolean createIfMissing) throws GeneralSecurityException {
        try {
            if (!Files.exists(file)) {
                if (!createIfMissing) {
                    throw new IllegalStateException("the root keyset " + file + " is gone");
                }
                if (custody.installationHasData()) {
                    throw custody.missing(file, "its root keyset");
                }
                KeysetHandle fresh = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
                store(fresh);
                log.info("Generated a new root keyset in {} ({})", file, form() == Form.LOCAL_SEALED ? "sealed" : "not sealed");
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            String text = Files.readString(file);
            JsonNode node = json.readTree(text);
            KeysetHandle read;
            boolean sealed = node.has("format") && SEALED_FORMAT.equals(node.get("format").asString());
            if (sealed) {
                if (properties.rootPassphrase() == null) {
                    throw new KeysRefusedException("the root keyset " + file
                            + " is sealed by a passphrase and none is set",
                            "set BULWARK_KEYS_ROOT_PASSPHRASE (bulwark.keys.root-passphrase) to the passphrase it was sealed with");
                }
                Aead seal = seal(Base64.getDecoder().decode(node.get("salt").asString()), node.get("memoryKiB").asInt(),
                        node.get("iterations").asInt());
                try {
                    read = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(node.get("keyset").asString(), seal, SEAL_CONTEXT);
                } catch (GeneralSecurityException e) {
                    throw new KeysRefusedException("the root keyset " + file
                            + " does not open with this passphrase",
                            "set BULWARK_KEYS_ROOT_PASSPHRASE (bulwark.keys.root-passphrase) to the passphrase it was sealed with");
                }
            } else {
                read = TinkJsonProtoKeysetFormat.parseKeyset(text, InsecureSecretKeyAccess.get());
            }
            this.handle = read;
            this.current = read.getPrimitive(RegistryConfiguration.get(), Aead.class);
            this.loadedAt = modified;
            if (!sealed && properties.rootPassphrase() != null) {
                store(read);
                log.info("Sealed the root keyset {} with the passphrase", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the root keyset " + file, e);
        }
    }

    private String serialize(KeysetHandle next) throws GeneralSecurityException {
        if (properties.rootPassphrase() == null) {
            return TinkJsonProtoKeysetFormat.serializeKeyset(next, InsecureSecretKeyAccess.get());
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        ObjectNode out = json.createObjectNode();
        out.put("format", SEALED_FORMAT);
        out.put("kdf", "argon2id");
        out.put("memoryKiB", ARGON2_MEMORY_KIB);
        out.put("iterations", ARGON2_ITERATIONS);
        out.put("salt", Base64.getEncoder().encodeToString(salt));
        out.put("keyset", TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(next,
                seal(salt, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS), SEAL_CONTEXT));
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
    }

    /**
     * The key-encryption key derived from the passphrase. Tink has no password-based key derivation, so Bouncy
     * Castle's Argon2id (already here for password hashing) derives the 256-bit AES-GCM key.
     */
    private Aead seal(byte[] salt, int memoryKiB, int iterations) throws GeneralSecurityException {
        if (memoryKiB < 19_456 || iterations < 1 || iterations > 10) {
            throw new GeneralSecurityException("the sealed root keyset names Argon2id parameters below the minimum");
        }
        Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
        argon2.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withSalt(salt).withMemoryAsKB(memoryKiB)
                .withIterations(iterations).withParallelism(1).build());
        byte[] passphrase = properties.rootPassphrase().getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[32];
        try {
            argon2.generateBytes(passphrase, key);
            return new AesGcmJce(key);
        } finally {
            Arrays.fill(passphrase, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * The local keyset's AEAD, reloading the file when it changed on disk (a rotation by another instance sharing the
     * key directory): before wrapping, and when a value does not open.
     */
    private final class Reloading implements Aead {

        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            // Wrapping is rare (a new organisation, a rotation, a key file): look for a rotation made elsewhere first.
            if (changedOnDisk()) {
                load(false);
            }
            return current.encrypt(plaintext, associatedData);
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            try {
                return current.decrypt(ciphertext, associatedData);
            } catch (GeneralSecurityException e) {
                if (!changedOnDisk()) {
                    throw e;
                }
                load(false);
                return current.decrypt(ciphertext, associatedData);
            }
        }

        private boolean changedOnDisk() {
            try {
                return !Files.getLastModifiedTime(file).equals(loadedAt);
            } catch (IOException e) {
                return false;
            }
        }
    }
}
