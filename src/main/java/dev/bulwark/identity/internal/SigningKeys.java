package dev.bulwark.identity.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The ES256 keys that sign access tokens: generated at first start, kept in one JWK-set file readable by its owner
 * only, newest first. Rotation adds a key that signs from then on; older keys keep verifying until pruned (never
 * sooner than the longest access-token lifetime after they stopped signing).
 */
@Component
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int KEPT = 3;

    private final Path file;
    private volatile JWKSet keys;

    SigningKeys(AuthProperties properties) {
        this.file = properties.keyDir().toAbsolutePath().normalize().resolve("jwt-signing.jwks.json");
        this.keys = Files.exists(file) ? load(file) : null;
        if (keys == null || keys.getKeys().isEmpty()) {
            keys = new JWKSet(newKey());
            save();
            log.info("Generated a new access-token signing key in {}", file);
        }
    }

    /** The key that signs new tokens. */
    ECKey current() {
        return (ECKey) keys.getKeys().getFirst();
    }

    /** Public keys only, for /.well-known/jwks.json and for verification. */
    public JWKSet publicKeys() {
        return keys.toPublicJWKSet();
    }

    /** Starts signing with a new key; keeps the previous ones for verification. */
    public synchronized void rotate() {
        List<JWK> next = new ArrayList<>();
        next.add(newKey());
        next.addAll(keys.getKeys());
        keys = new JWKSet(next.subList(0, Math.min(KEPT, next.size())));
        save();
        log.info("Rotated the access-token signing key; new kid {}", current().getKeyID());
    }

    private static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyID(Ids.newId().toString())
                    .issueTime(new Date())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a signing key", e);
        }
    }

    private static JWKSet load(Path file) {
        try {
            return JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException("signing key file " + file + " is not a JWK set", e);
        }
    }

    private void save() {
        // toString(false): the private parts too. This file is the only place they are written.
        OwnerOnlyFiles.write(file, keys.toString(false));
    }
}
