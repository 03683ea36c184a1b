package dev.bulwark.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

import dev.bulwark.web.HttpProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The edge's side of browser sessions (identity/web/BrowserSessions issues the cookies): reading the access cookie as
 * a bearer token, and the CSRF checks. Every state-changing request that a cookie may authenticate (the access or
 * refresh cookie present, no {@code Authorization: Bearer} header) must carry {@code X-CSRF-Token} equal to the
 * {@code __Host-bulwark-csrf} cookie (double submit: a cross-site page makes the browser send the cookie but cannot
 * read it). Sign-in and signup authenticate nobody by cookie, so they need no token; instead, one that would start a
 * cookie session must come from this application's own origin (login CSRF). Hand-written because Spring Security's
 * CSRF filter is switched off for every request its resource server finds a bearer token on, and the cookie is one.
 */
final class CookieSessions {

    static final String ACCESS = "__Host-bulwark-access";
    static final String REFRESH = "__Secure-bulwark-refresh";
    static final String CSRF = "__Host-bulwark-csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CONSOLE_FIELD = "_csrf";

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final Set<String> NO_SESSION_YET = Set.of("/api/v1/signup", "/api/v1/auth/login", "/api/v1/auth/login/mfa",
            "/api/v1/auth/passkey", "/api/v1/auth/passkey/options", "/api/v1/auth/login/mfa/passkey",
            // The guest portal's sign-in form: it checks its own origin and page-bound field (guests/web/PortalController).
            "/portal/magic");

    static String accessToken(HttpServletRequest request) {
        return cookie(request, ACCESS);
    }

    static boolean needsCsrfToken(HttpServletRequest request) {
        return !SAFE.contains(request.getMethod())
                && !bearerHeader(request)
                && (cookie(request, ACCESS) != null || cookie(request, REFRESH) != null)
                && !NO_SESSION_YET.contains(request.getRequestURI());
    }

    /**
     * Whether the request carries a bearer Authorization header, the only one that stands in for the cookie: the token
     * resolver either authenticates by it or refuses it (401), never falling back to the cookie. Any other scheme is no
     * reason to skip the CSRF check — a browser attaches {@code Basic} credentials it cached for the site (a proxy's,
     * say) to a cross-site form post all by itself, and the resolver then reads the cookie.
     */
    static boolean bearerHeader(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        // The same test as Spring Security's DefaultBearerTokenResolver: a header starting "bearer", any case.
        return header != null && header.regionMatches(true, 0, "bearer", 0, 6);
    }

    /** A sign-in or signup asking for its session in cookies ({@code ?session=cookie}). */
    static boolean startsCookieSession(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod()) || !NO_SESSION_YET.contains(request.getRequestURI())) {
            return false;
        }
        // Any value, even one the controller would not read as cookie mode ("cookie,cookie"): stricter is harmless here.
        String[] session = request.getParameterValues("session");
        return session != null && java.util.Arrays.asList(session).contains("cookie");
    }

    /**
     * Whether a browser sent this request from {@code publicOrigin} or from the origin the request itself addresses: not
     * marked {@code Sec-Fetch-Site: cross-site}, and with an {@code Origin} (else a {@code Referer}) of one of those. A
     * request naming neither is refused: every current browser sends {@code Origin} on a POST, and only a browser
     * needs cookies. The request's own origin is safe to trust here because a cross-site page cannot choose the Host
     * header the victim's browser sends.
     */
    static boolean fromOwnOrigin(HttpServletRequest request, Origin publicOrigin) {
        if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
            return false;
        }
        String claimed = request.getHeader(HttpHeaders.ORIGIN);
        Optional<Origin> origin = Origin.parse(claimed != null ? claimed : request.getHeader(HttpHeaders.REFERER));
        if (origin.isEmpty()) {
            return false;
        }
        Origin own = new Origin(request.getScheme(), request.getServerName(), request.getServerPort());
        return origin.get().equals(publicOrigin) || origin.get().equals(own);
    }

    /** The console's pages ({@code /console/…}): server-rendered forms, which carry the token in a field, not a header. */
    static boolean consoleForm(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !SAFE.contains(request.getMethod()) && (path.equals("/console") || path.startsWith("/console/"));
    }

    static boolean csrfTokenMatches(HttpServletRequest request) {
        String expected = cookie(request, CSRF);
        String given = request.getHeader(CSRF_HEADER);
        if (given == null && consoleForm(request)) {
            // A console form's hidden field: the same token, bound to the session by its cookie (double submit).
            given = request.getParameter(CONSOLE_FIELD);
        }
        return expected != null && given != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /**
     * Refuses, with a 403 problem and before any authentication, a cookie-authenticated change without the token, and a
     * cookie sign-in from another origin.
     */
    @Component
    @Order(Ordered.HIGHEST_PRECEDENCE + 30)
    static class CsrfFilter extends OncePerRequestFilter {

        private final ProblemWriter problems;
        private final Origin publicOrigin;

        CsrfFilter(ProblemWriter problems, HttpProperties properties) {
            this.problems = problems;
            this.publicOrigin = Origin.of(properties.publicOrigin());
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (startsCookieSession(request) && !fromOwnOrigin(request, publicOrigin)) {
                // Login CSRF: another site signing the victim's browser into the attacker's account.
                problems.write(request, response, Problems.of(HttpStatus.FORBIDDEN, "cross-origin-sign-in", "Cross-origin sign-in",
                        "A sign-in that starts a cookie session must come from this application's own pages."));
                return;
            }
            if (consoleForm(request) && !fromOwnOrigin(request, publicOrigin)) {
                // The console's forms, signed in or not (its sign-in included): never from another origin, whatever
                // SameSite lets through from a sibling site.
                problems.write(request, response, Problems.of(HttpStatus.FORBIDDEN, "cross-origin-form", "Cross-origin form",
                        "A console form must be sent from this application's own pages."));
                return;
            }
            if (needsCsrfToken(request) && !csrfTokenMatches(request)) {
                problems.write(request, response, Problems.of(HttpStatus.FORBIDDEN, "csrf-token-missing", "CSRF token missing or wrong",
                        "A request authenticated by the session cookie must carry the CSRF token in X-CSRF-Token."));
                return;
            }
            chain.doFilter(request, response);
        }
    }

    private CookieSessions() {
    }
}
