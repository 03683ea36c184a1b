package dev.bulwark.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import dev.bulwark.audit.AuditProperties;
import dev.bulwark.keys.KeyCustody;
import dev.bulwark.keys.KeyFiles;
import dev.bulwark.tenancy.BeforeMigration;
import dev.bulwark.tenancy.StoredData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The Ed25519 key that signs checkpoints (the JDK's Ed25519, RFC 8032), generated at first start into
 * {@code audit-checkpoint.key} in the key directory, sealed by the root key ({@link KeyFiles}), readable by its owner
 * only. Its public half is published in the
 * C2SP verifier-key form {@code <name>+<key id>+<base64(0x01 || public key)>}; the key id is the first four bytes of
 * SHA-256(name || "\n" || 0x01 || public key).
 * <p>
 * Built before the database is migrated ({@link BeforeMigration}): generated only for a fresh installation; once
 * checkpoints are published (in the database or the checkpoint directory) the key must be the one that signed the latest
 * of them, or the start is refused: a new key would make every later checkpoint look like tampering.
 */
@Component
public class CheckpointKey implements BeforeMigration {

    private static final Logger log = LoggerFactory.getLogger(CheckpointKey.class);
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo, before the 32 raw key bytes (RFC 8410). */
    static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    static final byte ED25519 = 0x01;

    private final String name;
    private final PrivateKey privateKey;
    private final byte[] rawPublic;
    private final byte[] keyId;

    /** The purpose the key file is sealed for ({@link KeyFiles}). */
    static final String FILE_PURPOSE = "audit-checkpoint-key";

    @Autowired
    CheckpointKey(AuditProperties properties, KeyFiles keyFiles, KeyCustody custody, StoredData stored) {
        this(properties.origin(), guarded(properties, keyFiles, custody, stored));
    }

    /** A key of its own in {@code file}, created when absent: for tools and tests, with no installation to guard. */
    public CheckpointKey(String name, Path file, KeyFiles keyFiles) {
        this(name, Files.exists(file) ? load(file, keyFiles) : create(file, keyFiles));
    }

    private CheckpointKey(String name, KeyPair pair) {
        this.name = name;
        this.privateKey = pair.getPrivate();
        this.rawPublic = raw(pair);
        this.keyId = keyId(name, rawPublic);
    }

    /**
     * The installation's key: loaded, or generated when nothing it would have signed exists; refused when it is missing
     * over existing data, or is not the key that signed the latest checkpoint in the database or the directory.
     */
    private static KeyPair guarded(AuditProperties properties, KeyFiles keyFiles, KeyCustody custody, StoredData stored) {
        Path file = properties.keyDir().toAbsolutePath().normalize().resolve("audit-checkpoint.key");
        List<String> published = Stream.concat(latestStored(stored).stream(), latestInDirectory(properties.checkpointDirectory()).stream())
                .toList();
        KeyPair pair;
        if (Files.exists(file)) {
            pair = load(file, keyFiles);
        } else if (custody.installationHasData() || !published.isEmpty()) {
            throw custody.missing(file, "its audit checkpoint key");
        } else {
            pair = create(file, keyFiles);
        }
        String ours = HexFormat.of().formatHex(keyId(properties.origin(), raw(pair)));
        for (String note : published) {
            List<String> signers = SignedCheckpoint.signers(note);
            if (!signers.contains(ours)) {
                throw KeyCustody.notOurs(file, "the audit checkpoint key " + file + " (key id " + ours + ") is not the key"
                        + " that signed this installation's checkpoints (key id " + String.join(", ", signers)
                        + "), or bulwark.audit.origin changed");
            }
        }
        return pair;
    }

    /** The note of the latest checkpoint in the database (of one organisation: they are all signed by one key). */
    private static Optional<String> latestStored(StoredData stored) {
        for (UUID tenant : stored.query(null, "SELECT tenant_id FROM audit_checkpointed ORDER BY tenant_id LIMIT 1",
                (rs, n) -> rs.getObject(1, UUID.class))) {
            return stored.query(tenant, "SELECT note FROM audit_checkpoints WHERE tenant_id = ? ORDER BY tree_size DESC LIMIT 1",
                    (rs, n) -> rs.getString(1), tenant).stream().findFirst();
        }
        return Optional.empty();
    }

    /** The note last written to the checkpoint directory ({@code <dir>/<tenant>/<size>.note}), if it holds any. */
    private static Optional<String> latestInDirectory(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> notes = Files.find(dir, 2, (path, attributes) -> attributes.isRegularFile()
                && path.getFileName().toString().endsWith(".note"))) {
            Optional<Path> latest = notes.max(java.util.Comparator.comparing(CheckpointKey::modified));
            return latest.isEmpty() ? Optional.empty() : Optional.of(Files.readString(latest.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint directory " + dir, e);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] raw(KeyPair pair) {
        byte[] encoded = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
    }

    public String name() {
        return name;
    }

    byte[] keyId() {
        return keyId.clone();
    }

    /** The C2SP verifier key: everything a reader needs to check our checkpoints. */
    public String verifierKey() {
        byte[] typed = new byte[1 + rawPublic.length];
        typed[0] = ED25519;
        System.arraycopy(rawPublic, 0, typed, 1, rawPublic.length);
        return name + "+" + HexFormat.of().formatHex(keyId) + "+" + Base64.getEncoder().encodeToString(typed);
    }

    public byte[] sign(byte[] message) {
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initSign(privateKey);
            ed.update(message);
            return ed.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint", e);
        }
    }

    static byte[] keyId(String name, byte[] rawPublic) {
        var sha = MerkleTree.sha256();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update(ED25519);
        sha.update(rawPublic);
        return Arrays.copyOf(sha.digest(), 4);
    }

    static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        byte[] der = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }

    private static KeyPair create(Path file, KeyFiles keyFiles) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            save(file, keyFiles, pair);
            log.info("Generated a new audit checkpoint signing key in {}", file);
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the checkpoint key", e);
        }
    }

    /** The key pair as properties, sealed by the root key. */
    private static void save(Path file, KeyFiles keyFiles, KeyPair pair) {
        Base64.Encoder b64 = Base64.getEncoder();
        keyFiles.write(file, FILE_PURPOSE, ("# Bulwark audit checkpoint signing key (Ed25519). Keep it secret; losing it"
                + " only means later checkpoints are signed by a new key.\n"
                + "private=" + b64.encodeToString(pair.getPrivate().getEncoded()) + "\n"
                + "public=" + b64.encodeToString(pair.getPublic().getEncoded()) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static KeyPair load(Path file, KeyFiles keyFiles) {
        KeyFiles.Read read = keyFiles.read(file, FILE_PURPOSE);
        try (var in = new java.io.StringReader(new String(read.content(), StandardCharsets.UTF_8))) {
            Properties props = new Properties();
            props.load(in);
            Base64.Decoder b64 = Base64.getDecoder();
            KeyFactory ed = KeyFactory.getInstance("Ed25519");
            KeyPair pair = new KeyPair(
                    ed.generatePublic(new X509EncodedKeySpec(b64.decode(props.getProperty("public", "")))),
                    ed.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(props.getProperty("private", "")))));
            if (!read.sealed()) {
                save(file, keyFiles, pair); // a key file from before sealing: sealed from now on
            }
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint key " + file, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the checkpoint key file " + file + " is damaged", e);
        }
    }
}
