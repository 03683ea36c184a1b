package dev.bulwark.identity.web;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import dev.bulwark.identity.TokenPair;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * Browser sessions in cookies instead of bearer tokens ({@code ?session=cookie} on sign-in and refresh): the access
 * token in {@code __Host-bulwark-access} (HttpOnly, Secure, SameSite=Lax, the whole site), the refresh token in
 * {@code __Secure-bulwark-refresh} (HttpOnly, Secure, SameSite=Strict, sent only to {@code /api/v1/auth}), and a CSRF
 * token in {@code __Host-bulwark-csrf} (readable by the page's script, which echoes it in {@code X-CSRF-Token} on every
 * state-changing request: web/internal/CookieSessions refuses one that does not). No token is in the body.
 */
final class BrowserSessions {

    static final String ACCESS = "__Host-bulwark-access";
    static final String REFRESH = "__Secure-bulwark-refresh";
    static final String CSRF = "__Host-bulwark-csrf";
    static final Duration REFRESH_LIFETIME = Duration.ofDays(14);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a cookie sign-in answers: no token, only what the page needs. */
    record Session(String tokenType, long expiresIn, String csrfToken) {
    }

    static boolean wanted(String session) {
        return "cookie".equals(session);
    }

    /** Sets the three cookies for {@code tokens}; returns the answer body. */
    static Session deliver(TokenPair tokens, HttpServletResponse response) {
        byte[] csrf = new byte[32];
        RANDOM.nextBytes(csrf);
        String csrfToken = Base64.getUrlEncoder().withoutPadding().encodeToString(csrf);
        add(response, ResponseCookie.from(ACCESS, tokens.accessToken()).httpOnly(true).secure(true).sameSite("Lax").path("/")
                .maxAge(tokens.expiresIn()));
        add(response, ResponseCookie.from(REFRESH, tokens.refreshToken()).httpOnly(true).secure(true).sameSite("Strict")
                .path("/api/v1/auth").maxAge(REFRESH_LIFETIME));
        add(response, ResponseCookie.from(CSRF, csrfToken).httpOnly(false).secure(true).sameSite("Lax").path("/")
                .maxAge(REFRESH_LIFETIME));
        return new Session("cookie", tokens.expiresIn(), csrfToken);
    }

    /** Expires the three cookies (sign-out). */
    static void clear(HttpServletResponse response) {
        add(response, ResponseCookie.from(ACCESS, "").httpOnly(true).secure(true).sameSite("Lax").path("/").maxAge(0));
        add(response, ResponseCookie.from(REFRESH, "").httpOnly(true).secure(true).sameSite("Strict").path("/api/v1/auth").maxAge(0));
        add(response, ResponseCookie.from(CSRF, "").secure(true).sameSite("Lax").path("/").maxAge(0));
    }

    private static void add(HttpServletResponse response, ResponseCookie.ResponseCookieBuilder cookie) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.build().toString());
    }

    private BrowserSessions() {
    }
}
