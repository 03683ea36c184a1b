package dev.bulwark.sso.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Public;
import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.BrowserCookies;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.sso.internal.SsoFlow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The single sign-on flow (docs/sso.md#the-sign-in): start (a redirect to the organisation's identity provider, and a
 * cookie that binds the state to this browser), the callback (a cookie session and a redirect to the console), and a
 * signed-in account linking itself.
 */
@RestController
class SsoSignInController {

    /** The cookie that binds a sign-in's state to the browser that started it: HttpOnly, Secure, ten minutes. */
    static final String STATE_COOKIE = "__Host-bulwark-sso";

    private final SsoFlow flow;

    SsoSignInController(SsoFlow flow) {
        this.flow = flow;
    }

    /** Public: 302 to the identity provider of the organisation that verified the address's domain; 404 when none. */
    @Operation(summary = "Start single sign-on for an email address (redirects to the identity provider)")
    @ApiResponse(responseCode = "302", description = "To the identity provider's authorization endpoint, with state, nonce and PKCE S256.",
            headers = @Header(name = "Location", description = "The identity provider's authorization URL", schema = @Schema(type = "string")))
    @GetMapping("/api/v1/auth/sso/start")
    @Public
    ResponseEntity<Void> start(@RequestParam(required = false) String email) {
        if (email == null || email.isBlank() || email.length() > 254) {
            throw new InvalidInputException("email", "must be an email address of at most 254 characters");
        }
        SsoFlow.Started started = flow.start(email);
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, started.authorizationUrl())
                .header(HttpHeaders.SET_COOKIE, stateCookie(started.browserSecret(), SsoFlow.LIFETIME_SECONDS).toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    /**
     * Public: the identity provider sends the browser back here. 303 to {@code /console} with a cookie session, or a
     * 401 problem and no session (409 {@code account-exists} for an account that has not linked itself).
     */
    @Operation(summary = "The identity provider's redirect back (opens a browser session)")
    @ApiResponse(responseCode = "303", description = "To /console, with the browser session's cookies set.",
            headers = @Header(name = "Location", description = "/console", schema = @Schema(type = "string")))
    @GetMapping("/api/v1/auth/sso/callback")
    @Public
    ResponseEntity<Void> callback(@RequestParam(required = false) String code, @RequestParam(required = false) String state,
                                  @RequestParam(required = false) String error,
                                  @CookieValue(name = STATE_COOKIE, required = false) String browser, HttpServletRequest request,
                                  HttpServletResponse response) {
        // The state cookie is spent whatever happens.
        response.addHeader(HttpHeaders.SET_COOKIE, stateCookie("", 0).toString());
        SsoFlow.SignedIn signedIn = flow.callback(code, state, error, browser, client(request));
        BrowserCookies.deliver(signedIn.tokens(), response);
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/console"))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    /**
     * Signed in: starts the flow at {@code org}'s identity provider to link the caller's account to its identity there
     * (the only way an existing account gets one). Answers where to send the browser, and sets the state cookie.
     */
    @Operation(summary = "Link the signed-in account to the organisation's identity provider")
    @PostMapping("/api/v1/me/sso/link")
    @Audited(none = "starts a sign-in; the link itself is recorded as auth.sso.succeeded when the provider sends the browser back")
    @SignedIn
    ResponseEntity<Map<String, String>> link(@AuthenticationPrincipal Jwt jwt, @RequestParam UUID org) {
        SsoFlow.Started started = flow.startLink(UUID.fromString(jwt.getSubject()), org);
        return ResponseEntity.ok()
                .header(HttpHeaders.SET_COOKIE, stateCookie(started.browserSecret(), SsoFlow.LIFETIME_SECONDS).toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(Map.of("authorizationUrl", started.authorizationUrl()));
    }

    private static ResponseCookie stateCookie(String value, long maxAge) {
        // Lax: the provider's redirect back is a top-level navigation from another site, which Lax lets through.
        return ResponseCookie.from(STATE_COOKIE, value).httpOnly(true).secure(true).sameSite("Lax").path("/")
                .maxAge(Duration.ofSeconds(maxAge)).build();
    }

    private static ClientInfo client(HttpServletRequest request) {
        return new ClientInfo(request.getRemoteAddr(), request.getHeader(HttpHeaders.USER_AGENT), MDC.get("requestId"));
    }
}
