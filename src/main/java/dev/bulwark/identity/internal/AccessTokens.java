package dev.bulwark.identity.internal;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.shared.Ids;
import org.springframework.stereotype.Component;

/** Signs access tokens with the current key: {@code kid} in the header, claims iss, aud, sub, sid, iat, nbf, exp, jti. */
@Component
class AccessTokens {

    private static final DefaultJWSSignerFactory SIGNERS = new DefaultJWSSignerFactory();

    private final SigningKeys keys;
    private final AuthProperties properties;

    AccessTokens(SigningKeys keys, AuthProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    String issue(UUID userId, UUID sessionId, Instant now) {
        JWK key = keys.current();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(properties.issuer())
                .audience(properties.audience())
                .subject(userId.toString())
                .claim("sid", sessionId.toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(properties.accessTokenTtl())))
                .jwtID(Ids.newId().toString())
                .build();
        JWSAlgorithm algorithm = JWSAlgorithm.parse(key.getAlgorithm().getName());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(SIGNERS.createJWSSigner(key, algorithm));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return jwt.serialize();
    }

    long lifetimeSeconds() {
        return properties.accessTokenTtl().toSeconds();
    }
}
