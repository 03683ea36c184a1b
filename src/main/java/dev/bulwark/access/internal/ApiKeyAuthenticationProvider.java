package dev.bulwark.access.internal;

import java.util.List;

import dev.bulwark.access.ApiKeyPrincipal;
import dev.bulwark.shared.Tokens;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Spring Security's extension point for API keys: a bearer token starting {@code bwk_} is an API key; anything else is
 * left to the JWT provider. A malformed key (bad shape or checksum) answers 401 here, without a database read; a
 * well-formed one becomes an unresolved {@link ApiKeyPrincipal}, which the gate resolves in the first statement of
 * the request's own transaction (401 there when it is unknown, revoked, expired or its creator left).
 */
@Component("apiKeyAuthenticationProvider")
class ApiKeyAuthenticationProvider implements AuthenticationProvider {

    /** An authenticated API key. */
    static final class ApiKeyAuthentication extends AbstractAuthenticationToken {

        private final ApiKeyPrincipal principal;

        ApiKeyAuthentication(ApiKeyPrincipal principal) {
            super(List.of());
            this.principal = principal;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public ApiKeyPrincipal getPrincipal() {
            return principal;
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (!token.startsWith("bwk_")) {
            return null;
        }
        if (!Tokens.wellFormed(Tokens.Type.API_KEY, token)) {
            throw new InvalidBearerTokenException("The API key is not valid.");
        }
        return new ApiKeyAuthentication(new ApiKeyPrincipal(token));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
