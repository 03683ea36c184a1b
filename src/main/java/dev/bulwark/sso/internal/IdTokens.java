package dev.bulwark.sso.internal;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.stereotype.Component;

/**
 * Checks an ID token (OpenID Connect Core 3.1.3.7) with nimbus-jose-jwt: signed (never {@code alg: none}, never an
 * HMAC: a provider publishes public keys, and an HMAC "signed" with the client secret would be a key-confusion
 * forgery), by a key of the provider's JWKS whose type fits the algorithm; {@code iss} the configured issuer,
 * {@code aud} holding the client id ({@code azp} the client id when there are several audiences), {@code exp} not
 * past and {@code iat} not ahead (a minute of skew either way, and issued within the last ten minutes), {@code nonce}
 * the sign-in's, a subject and an email, and {@code email_verified} true.
 */
@Component
class IdTokens {

    static final Duration SKEW = Duration.ofSeconds(60);
    static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final List<JWSAlgorithm> ACCEPTED = List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** A refused token: the reason is short and names no secret. */
    static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** What a checked token says. */
    record Identity(String issuer, String subject, String email, String name, List<String> amr) {
    }

    private final OidcProviders providers;

    IdTokens(OidcProviders providers) {
        this.providers = providers;
    }

    Identity check(String token, String issuer, String clientId, String jwksUri, String nonce, Instant now) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new Refused("malformed");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new Refused("unsigned");
        }
        JWSHeader header = signed.getHeader();
        if (!ACCEPTED.contains(header.getAlgorithm())) {
            throw new Refused("algorithm");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new Refused("critical-header");
        }
        // A kid the cached keys lack makes OidcProviders fetch the set again (a rotation at the provider).
        JWK key = key(providers.keys(jwksUri, header.getKeyID()), header);
        if (key == null) {
            throw new Refused("unknown-key");
        }
        try {
            if (!signed.verify(verifier(key, header.getAlgorithm()))) {
                throw new Refused("signature");
            }
        } catch (JOSEException e) {
            throw new Refused("signature");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Refused("malformed");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw new Refused("issuer");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(clientId)) {
            throw new Refused("audience");
        }
        String azp = string(claims, "azp");
        if (azp != null ? !clientId.equals(azp) : audience.size() > 1) {
            throw new Refused("authorized-party");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !exp.toInstant().plus(SKEW).isAfter(now)) {
            throw new Refused("expired");
        }
        Date iat = claims.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(SKEW)) || iat.toInstant().isBefore(now.minus(MAX_AGE))) {
            throw new Refused("issued-at");
        }
        if (!nonce.equals(string(claims, "nonce"))) {
            throw new Refused("nonce");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty() || subject.length() > 255) {
            throw new Refused("subject");
        }
        String email = string(claims, "email");
        if (email == null || email.length() > 254) {
            throw new Refused("email");
        }
        Object verified = claims.getClaim("email_verified");
        if (!(Boolean.TRUE.equals(verified) || "true".equals(verified))) {
            throw new Refused("email-unverified");
        }
        List<String> amr;
        try {
            amr = claims.getStringListClaim("amr");
        } catch (ParseException e) {
            amr = null;
        }
        String name = string(claims, "name");
        return new Identity(claims.getIssuer(), subject, email, name == null ? "" : name, amr == null ? List.of() : amr);
    }

    /** The key of {@code set} that {@code header} names (its kid; or the only signing key of the right type). */
    private static JWK key(JWKSet set, JWSHeader header) {
        List<JWK> candidates = set.getKeys().stream()
                .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .filter(k -> k.getAlgorithm() == null || k.getAlgorithm().equals(header.getAlgorithm()))
                .filter(k -> fits(k, header.getAlgorithm()))
                .toList();
        if (header.getKeyID() != null) {
            return candidates.stream().filter(k -> header.getKeyID().equals(k.getKeyID())).findFirst().orElse(null);
        }
        return candidates.size() == 1 ? candidates.getFirst() : null;
    }

    private static boolean fits(JWK key, JWSAlgorithm alg) {
        return JWSAlgorithm.Family.RSA.contains(alg) ? key instanceof RSAKey : key instanceof ECKey;
    }

    private static JWSVerifier verifier(JWK key, JWSAlgorithm alg) throws JOSEException {
        if (JWSAlgorithm.Family.RSA.contains(alg)) {
            return new RSASSAVerifier(key.toRSAKey().toRSAPublicKey());
        }
        return new ECDSAVerifier(key.toECKey().toECPublicKey());
    }

    private static String string(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String s ? s : null;
    }
}
