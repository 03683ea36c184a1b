package dev.bulwark.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.bulwark.identity.AuthProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * How an access token is accepted: signed by one of our keys with that key's algorithm (so {@code alg: none}, HS256
 * keyed with our public key, and any other algorithm are refused before a signature is even checked), from our issuer, for our
 * audience, within its lifetime, naming a session that is still active. A verification is reused until the token or
 * its session expires, and dropped on any revocation of the user's sessions (VerifiedTokens), so a revocation holds on
 * the next request here and within the notification latency on every other instance.
 */
@Configuration(proxyBeanMethods = false)
class TokenVerification {

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, AuthProperties properties, AuthService auth, VerifiedTokens verified) {
        JwtDecoder signatureAndClaims = signatureAndClaims(keys, properties);
        return token -> {
            Jwt cached = verified.lookup(token);
            if (cached != null) {
                return cached;
            }
            long epoch = verified.epoch();
            Jwt jwt = signatureAndClaims.decode(token);
            UUID user;
            UUID session;
            try {
                user = UUID.fromString(jwt.getSubject());
                session = UUID.fromString(jwt.getClaimAsString("sid"));
            } catch (IllegalArgumentException | NullPointerException malformed) {
                throw new BadJwtException("The token names no session.");
            }
            // One read both checks the session and says how long this verification may be reused.
            Instant deadline = auth.sessionDeadline(user, session)
                    .orElseThrow(() -> new BadJwtException("The session of this token has ended."));
            Instant expires = jwt.getExpiresAt();
            verified.remember(token, jwt, user, expires.isBefore(deadline) ? expires : deadline, epoch);
            return jwt;
        };
    }

    private static JwtDecoder signatureAndClaims(SigningKeys keys, AuthProperties properties) {
        // Reads the current key set on each verification, so a rotation needs no restart.
        JWKSource<SecurityContext> source = (JWKSelector selector, SecurityContext context) -> selector.select(keys.verificationKeys());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // Only the algorithms of our own keys; each selects only keys of its own type, so HS256 can never be keyed
        // with a public key.
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(keys.algorithms(), source));
        // Claims are checked by the validators below.
        processor.setJWTClaimsSetVerifier((claims, context) -> {
        });
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(List.of(
                new JwtTimestampValidator(Duration.ofSeconds(30)),
                new JwtIssuerValidator(properties.issuer()),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(properties.audience())),
                new JwtClaimValidator<Object>("jti", jti -> jti != null),
                new JwtClaimValidator<Object>("exp", exp -> exp != null))));
        return decoder;
    }
}
