package dev.bulwark.identity.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.keys.KeyCustody;
import dev.bulwark.keys.KeyFiles;
import dev.bulwark.shared.Ids;
import dev.bulwark.tenancy.BeforeMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The keys that sign access tokens (ES256 unless configured otherwise): generated at first start, kept in one JWK-set
 * file sealed by the root key ({@link KeyFiles}) and readable by its owner only, newest first. Rotation adds a key that signs from then on; older keys keep verifying until pruned (never
 * sooner than the longest access-token lifetime after they stopped signing). Generated only for a fresh installation
 * ({@link KeyCustody}): built before the database is migrated ({@link BeforeMigration}), a missing file over existing
 * data, or one sealed by another root key, refuses the start.
 */
@Component
public class SigningKeys implements BeforeMigration {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int KEPT = 3;

    /** The purpose the key file is sealed for ({@link KeyFiles}). */
    public static final String FILE_PURPOSE = "jwt-signing-keys";

    private final Path file;
    private final AuthProperties.SigningAlgorithm algorithm;
    private final KeyFiles keyFiles;
    private volatile JWKSet keys;

    SigningKeys(AuthProperties properties, KeyFiles keyFiles, KeyCustody custody) {
        this.file = properties.keyDir().toAbsolutePath().normalize().resolve("jwt-signing.jwks.json");
        this.algorithm = properties.signingAlgorithm();
        this.keyFiles = keyFiles;
        if (!Files.exists(file) && custody.installationHasData()) {
            throw custody.missing(file, "its access-token signing keys");
        }
        this.keys = Files.exists(file) ? load() : new JWKSet();
        if (keys.getKeys().isEmpty()) {
            keys = new JWKSet(newKey());
            save();
            log.info("Generated a new {} access-token signing key in {}", algorithm, file);
        } else if (!algorithm.name().equals(current().getAlgorithm().getName())) {
            // The configured algorithm changed: sign with a new key from now on; earlier keys verify until pruned.
            rotate();
        }
    }

    /** The key that signs new tokens (private parts included). */
    JWK current() {
        return keys.getKeys().getFirst();
    }

    /** Public keys only, for /.well-known/jwks.json. A shared HS256 secret is never among them. */
    public JWKSet publicKeys() {
        return keys.toPublicJWKSet();
    }

    /** What verifies our tokens: the public keys, and the HS256 secret when there is one. */
    JWKSet verificationKeys() {
        List<JWK> verifying = new ArrayList<>(keys.toPublicJWKSet().getKeys());
        keys.getKeys().stream().filter(k -> k instanceof OctetSequenceKey).forEach(verifying::add);
        return new JWKSet(verifying);
    }

    /** The algorithms of our own keys: the only ones a token may name. */
    java.util.Set<JWSAlgorithm> algorithms() {
        return keys.getKeys().stream().map(k -> JWSAlgorithm.parse(k.getAlgorithm().getName()))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Starts signing with a new key; keeps the previous ones for verification. */
    public synchronized void rotate() {
        List<JWK> next = new ArrayList<>();
        next.add(newKey());
        next.addAll(keys.getKeys());
        keys = new JWKSet(next.subList(0, Math.min(KEPT, next.size())));
        save();
        log.info("Rotated the access-token signing key; new {} kid {}", algorithm, current().getKeyID());
    }

    private JWK newKey() {
        String kid = Ids.newId().toString();
        Date now = new Date();
        try {
            return switch (algorithm) {
                case ES256 -> new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                        .keyID(kid).issueTime(now).generate();
                case RS256 -> new RSAKeyGenerator(3072).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                        .keyID(kid).issueTime(now).generate();
                case HS256 -> new OctetSequenceKeyGenerator(256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.HS256)
                        .keyID(kid).issueTime(now).generate();
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a signing key", e);
        }
    }

    private JWKSet load() {
        KeyFiles.Read read = keyFiles.read(file, FILE_PURPOSE);
        try {
            JWKSet loaded = JWKSet.parse(new String(read.content(), StandardCharsets.UTF_8));
            if (!read.sealed()) {
                keys = loaded;
                save(); // a key file from before sealing: sealed from now on
            }
            return loaded;
        } catch (ParseException e) {
            throw new IllegalStateException("signing key file " + file + " is not a JWK set", e);
        }
    }

    private void save() {
        // toString(false): the private parts too, sealed by the root key. This file is the only place they are written.
        keyFiles.write(file, FILE_PURPOSE, keys.toString(false).getBytes(StandardCharsets.UTF_8));
    }
}
