package dev.bulwark.access.internal;

import java.util.List;

import dev.bulwark.access.ApiKeyPrincipal;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Spring Security's extension point for API keys: a bearer token starting {@code bwk_} is an API key, checked by
 * {@link ApiKeys#authenticate}; anything else is left to the JWT provider. A bad key answers 401 like a bad token.
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

    private final ApiKeys keys;

    ApiKeyAuthenticationProvider(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (!token.startsWith("bwk_")) {
            return null;
        }
        String ip = authentication.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : "";
        return keys.authenticate(token, ip == null ? "" : ip)
                .map(ApiKeyAuthentication::new)
                .orElseThrow(() -> new InvalidBearerTokenException("The API key is not valid."));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
