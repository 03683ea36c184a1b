package dev.bulwark.identity.web;

import dev.bulwark.identity.BrowserCookies;
import dev.bulwark.identity.TokenPair;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Browser sessions in cookies instead of bearer tokens ({@code ?session=cookie} on sign-in and refresh): the cookies
 * are set by {@link BrowserCookies} (shared with single sign-on); no token is in the body.
 */
final class BrowserSessions {

    static final String ACCESS = BrowserCookies.ACCESS;
    static final String REFRESH = BrowserCookies.REFRESH;
    static final String CSRF = BrowserCookies.CSRF;

    /** What a cookie sign-in answers: no token, only what the page needs. */
    record Session(String tokenType, long expiresIn, String csrfToken) {
    }

    static boolean wanted(String session) {
        return "cookie".equals(session);
    }

    /** Sets the three cookies for {@code tokens}; returns the answer body. */
    static Session deliver(TokenPair tokens, HttpServletResponse response) {
        return new Session("cookie", tokens.expiresIn(), BrowserCookies.deliver(tokens, response));
    }

    /** Expires the three cookies (sign-out). */
    static void clear(HttpServletResponse response) {
        BrowserCookies.clear(response);
    }

    private BrowserSessions() {
    }
}
