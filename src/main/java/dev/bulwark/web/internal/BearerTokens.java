package dev.bulwark.web.internal;

import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * The request's bearer token, found once per request and with the same result as Spring Security's
 * {@link DefaultBearerTokenResolver}, which it still uses wherever a request could carry an {@code access_token}
 * parameter. Hand-written because the standard resolver matches the header with a case-insensitive regular expression,
 * and every request of the resource server asked it twice (the authentication filter, then the choice between the JWT
 * and API-key managers): over an 800-byte access token that was, with the firewall's check of the header, about
 * 0.1 ms of CPU per request in a profile (docs/benchmarks.md, "One gate per request"). The header is read once, its
 * token checked by a loop over the RFC 6750 {@code b64token} characters, and the answer kept in a request attribute
 * for the second question.
 */
final class BearerTokens implements BearerTokenResolver {

    private static final String RESOLVED = BearerTokens.class.getName() + ".resolved";
    /** Kept when the request carries no token, so the second question is not asked again either. */
    private static final Object NONE = new Object();
    private static final String SCHEME = "Bearer ";
    private static final String PARAMETER = "access_token";

    private final DefaultBearerTokenResolver standard = new DefaultBearerTokenResolver();
    private final Predicate<HttpServletRequest> resolveNothing;
    private final Function<HttpServletRequest, String> otherwise;

    /**
     * @param resolveNothing requests whose Authorization header is not an access token (the metrics scrape)
     * @param otherwise where a request without a bearer token may carry one (a browser session's cookie)
     */
    BearerTokens(Predicate<HttpServletRequest> resolveNothing, Function<HttpServletRequest, String> otherwise) {
        this.resolveNothing = resolveNothing;
        this.otherwise = otherwise;
    }

    @Override
    public String resolve(HttpServletRequest request) {
        Object known = request.getAttribute(RESOLVED);
        if (known == NONE) {
            return null;
        }
        if (known instanceof String token) {
            return token;
        }
        String token = null;
        if (!resolveNothing.test(request)) {
            token = fromRequest(request);
            token = token != null ? token : otherwise.apply(request);
        }
        request.setAttribute(RESOLVED, token == null ? NONE : (Object) token);
        return token;
    }

    private String fromRequest(HttpServletRequest request) {
        if (mayCarryParameter(request)) {
            return standard.resolve(request);
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "bearer", 0, "bearer".length())) {
            return null;
        }
        if (!wellFormed(authorization)) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        return authorization.substring(SCHEME.length());
    }

    /**
     * The standard resolver may also read an {@code access_token} parameter (never accepted from there: that is off, but
     * its rules for such a request may change between versions). A request with that parameter in its query, or a form
     * POST, goes to it whole.
     */
    private static boolean mayCarryParameter(HttpServletRequest request) {
        if (request.getQueryString() != null && request.getParameterValues(PARAMETER) != null) {
            return true;
        }
        String contentType = request.getContentType();
        return HttpMethod.POST.matches(request.getMethod()) && contentType != null
                && contentType.regionMatches(true, 0, MediaType.APPLICATION_FORM_URLENCODED_VALUE, 0,
                        MediaType.APPLICATION_FORM_URLENCODED_VALUE.length());
    }

    /**
     * {@code Bearer <b64token>}, the scheme in any letter case: at least one of {@code A–Z a–z 0–9 - . _ ~ + /},
     * then only {@code =} to the end. The standard resolver's expression, {@code ^Bearer ([a-zA-Z0-9-._~+/]+=*)$}
     * with case folding, accepts exactly these (its class also folds, and holds both cases already).
     */
    static boolean wellFormed(String authorization) {
        int length = authorization.length();
        if (length <= SCHEME.length() || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        int i = SCHEME.length();
        while (i < length && tokenCharacter(authorization.charAt(i))) {
            i++;
        }
        if (i == SCHEME.length()) {
            return false;
        }
        while (i < length && authorization.charAt(i) == '=') {
            i++;
        }
        return i == length;
    }

    private static boolean tokenCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
