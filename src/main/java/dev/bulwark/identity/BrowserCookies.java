package dev.bulwark.identity;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * Browser sessions in cookies instead of bearer tokens: the access token in {@code __Host-bulwark-access} (HttpOnly,
 * Secure, SameSite=Lax, the whole site), the refresh token in {@code __Secure-bulwark-refresh} (HttpOnly, Secure,
 * SameSite=Strict, sent only to {@code /api/v1/auth}), and a CSRF token in {@code __Host-bulwark-csrf} (readable by
 * the page's script, which echoes it in {@code X-CSRF-Token}: web/internal/CookieSessions refuses a change without
 * it). Used by {@code ?session=cookie} sign-ins and by single sign-on.
 */
public final class BrowserCookies {

    public static final String ACCESS = "__Host-bulwark-access";
    public static final String REFRESH = "__Secure-bulwark-refresh";
    public static final String CSRF = "__Host-bulwark-csrf";
    public static final Duration REFRESH_LIFETIME = Duration.ofDays(14);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Sets the three cookies for {@code tokens}; answers the CSRF token. */
    public static String deliver(TokenPair tokens, HttpServletResponse response) {
        byte[] csrf = new byte[32];
        RANDOM.nextBytes(csrf);
        String csrfToken = Base64.getUrlEncoder().withoutPadding().encodeToString(csrf);
        add(response, ResponseCookie.from(ACCESS, tokens.accessToken()).httpOnly(true).secure(true).sameSite("Lax").path("/")
                .maxAge(tokens.expiresIn()));
        add(response, ResponseCookie.from(REFRESH, tokens.refreshToken()).httpOnly(true).secure(true).sameSite("Strict")
                .path("/api/v1/auth").maxAge(REFRESH_LIFETIME));
        add(response, ResponseCookie.from(CSRF, csrfToken).httpOnly(false).secure(true).sameSite("Lax").path("/")
                .maxAge(REFRESH_LIFETIME));
        return csrfToken;
    }

    /** Expires the three cookies (sign-out). */
    public static void clear(HttpServletResponse response) {
        add(response, ResponseCookie.from(ACCESS, "").httpOnly(true).secure(true).sameSite("Lax").path("/").maxAge(0));
        add(response, ResponseCookie.from(REFRESH, "").httpOnly(true).secure(true).sameSite("Strict").path("/api/v1/auth").maxAge(0));
        add(response, ResponseCookie.from(CSRF, "").secure(true).sameSite("Lax").path("/").maxAge(0));
    }

    private static void add(HttpServletResponse response, ResponseCookie.ResponseCookieBuilder cookie) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.build().toString());
    }

    private BrowserCookies() {
    }
}
