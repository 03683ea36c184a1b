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
import java.util.Properties;

import dev.bulwark.audit.AuditProperties;
import dev.bulwark.keys.KeyFiles;
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
 */
@Component
public class CheckpointKey {

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
    CheckpointKey(AuditProperties properties, KeyFiles keyFiles) {
        this(properties.origin(), properties.keyDir().toAbsolutePath().normalize().resolve("audit-checkpoint.key"), keyFiles);
    }

    public CheckpointKey(String name, Path file, KeyFiles keyFiles) {
        this.name = name;
        KeyPair pair = Files.exists(file) ? load(file, keyFiles) : create(file, keyFiles);
        this.privateKey = pair.getPrivate();
        byte[] encoded = pair.getPublic().getEncoded();
        this.rawPublic = Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
        this.keyId = keyId(name, rawPublic);
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
