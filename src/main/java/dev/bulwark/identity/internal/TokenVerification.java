package dev.bulwark.identity.internal;

import java.time.Duration;
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
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * How an access token is accepted: signed by one of our keys with that key's algorithm (so {@code alg: none}, HS256
 * keyed with our public key, and any other algorithm are refused before a signature is even checked), from our issuer, for our
 * audience, within its lifetime, naming a session that is still active. The session check reads the database on
 * every request, so a revocation holds at once on every instance.
 */
@Configuration(proxyBeanMethods = false)
class TokenVerification {

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, AuthProperties properties, AuthService auth) {
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
                new JwtClaimValidator<Object>("exp", exp -> exp != null),
                activeSession(auth))));
        return decoder;
    }

    private static OAuth2TokenValidator<Jwt> activeSession(AuthService auth) {
        OAuth2TokenValidatorResult refused = OAuth2TokenValidatorResult.failure(
                new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The session of this token has ended.", null));
        return jwt -> {
            try {
                UUID user = UUID.fromString(jwt.getSubject());
                UUID session = UUID.fromString(jwt.getClaimAsString("sid"));
                return auth.sessionActive(user, session) ? OAuth2TokenValidatorResult.success() : refused;
            } catch (IllegalArgumentException | NullPointerException malformed) {
                return refused;
            }
        };
    }
}
