package dev.bulwark.identity.web;

import dev.bulwark.access.Public;
import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.LoginResult;
import dev.bulwark.identity.TokenPair;
import dev.bulwark.identity.internal.AuthService;
import dev.bulwark.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Sign-in, token refresh and sign-out (docs/api.md, Identity). */
@RestController
class AuthController {

    /**
     * What sign-in, its second step and refresh answer, stated as one shape for the API description: the fields of
     * {@link TokenPair}, {@link dev.bulwark.identity.MfaChallenge} and {@link BrowserSessions.Session}; an answer
     * carries the fields of exactly one of them.
     */
    @Schema(description = "Tokens (accessToken, refreshToken, tokenType Bearer, expiresIn); or an MFA challenge "
            + "(mfaRequired, mfaToken); or a cookie session (tokenType cookie, expiresIn, csrfToken).")
    record SignInAnswer(@Schema(description = "An ES256 JWT, sent as Authorization: Bearer.") String accessToken,
                        @Schema(description = "Single use: each refresh answers a new one.") String refreshToken,
                        @Schema(allowableValues = {"Bearer", "cookie"}) String tokenType,
                        @Schema(description = "Seconds until the access token expires.", example = "900") Long expiresIn,
                        Boolean mfaRequired,
                        @Schema(description = "Sent with a code to /api/v1/auth/login/mfa.") String mfaToken,
                        @Schema(description = "Echo in X-CSRF-Token on every state-changing request.") String csrfToken) {
    }

    /** Credentials. Their content is never logged. */
    record LoginRequest(@NotNull @Size(max = 254) String email, @NotNull @Size(max = 1024) String password) {
        @Override
        public String toString() {
            return "LoginRequest[email=" + email + "]";
        }
    }

    record MfaRequest(@NotNull @Size(max = 100) String mfaToken, @NotNull @Size(max = 32) String code) {
        @Override
        public String toString() {
            return "MfaRequest[…]";
        }
    }

    /** The refresh token; absent in a cookie session, where it comes in its cookie. */
    record RefreshRequest(@Size(max = 100) String refreshToken) {
        @Override
        public String toString() {
            return "RefreshRequest[…]";
        }
    }

    private final AuthService auth;

    AuthController(AuthService auth) {
        this.auth = auth;
    }

    /** Public. */
    @Operation(summary = "Sign in with email and password")
    @ApiResponse(responseCode = "200", description = "Tokens; or, when the account has a second factor, an MFA challenge (mfaRequired, mfaToken); with ?session=cookie, the cookie session (tokenType cookie, csrfToken).",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SignInAnswer.class)))
    @PostMapping("/api/v1/auth/login")
    @Audited(value = AuditType.LOGIN_SUCCEEDED, unless = "the password was right and a second factor is due: the event comes with it")
    @Public
    Object login(@Valid @RequestBody LoginRequest body, @RequestParam(required = false) String session, HttpServletRequest request,
                 HttpServletResponse response) {
        LoginResult result = auth.login(body.email(), body.password(), Requests.client(request));
        return BrowserSessions.wanted(session) && result instanceof TokenPair tokens ? BrowserSessions.deliver(tokens, response) : result;
    }

    /** Public: the MFA token of a sign-in is the credential, with a TOTP or recovery code. */
    @Operation(summary = "Complete a sign-in with an authenticator code")
    @ApiResponse(responseCode = "200", description = "Tokens; with ?session=cookie, the cookie session (tokenType cookie, csrfToken).",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SignInAnswer.class)))
    @PostMapping("/api/v1/auth/login/mfa")
    @Audited(AuditType.LOGIN_SUCCEEDED)
    @Public
    Object loginMfa(@Valid @RequestBody MfaRequest body, @RequestParam(required = false) String session, HttpServletRequest request,
                    HttpServletResponse response) {
        TokenPair tokens = auth.loginMfa(body.mfaToken(), body.code(), Requests.client(request));
        return BrowserSessions.wanted(session) ? BrowserSessions.deliver(tokens, response) : tokens;
    }

    /** Public: the refresh token is the credential. */
    @Operation(summary = "Renew the tokens with the refresh token")
    @ApiResponse(responseCode = "200", description = "New tokens (the refresh token rotates); with ?session=cookie, the cookie session.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SignInAnswer.class)))
    @PostMapping("/api/v1/auth/refresh")
    @Audited(none = "rotates a session's refresh token, routine and frequent; a replayed token is recorded as auth.token.reuse_detected")
    @Public
    Object refresh(@Valid @RequestBody(required = false) RefreshRequest body, @RequestParam(required = false) String session,
                   @CookieValue(name = BrowserSessions.REFRESH, required = false) String cookie, HttpServletRequest request,
                   HttpServletResponse response) {
        boolean cookies = BrowserSessions.wanted(session);
        String token = cookies ? cookie : body == null ? null : body.refreshToken();
        if (token == null || token.isEmpty()) {
            throw new InvalidInputException("refreshToken", cookies ? "no refresh cookie was sent" : "must not be null");
        }
        TokenPair tokens = auth.refresh(token, Requests.client(request));
        return cookies ? BrowserSessions.deliver(tokens, response) : tokens;
    }

    /** Authenticated: ends the caller's current session. */
    @Operation(summary = "Sign out and end the session")
    @PostMapping("/api/v1/auth/logout")
    @Audited(value = AuditType.LOGOUT, unless = "the session had already ended")
    @SignedIn
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void logout(@AuthenticationPrincipal Jwt jwt, HttpServletRequest request, HttpServletResponse response) {
        auth.logout(Requests.userId(jwt), Requests.sessionId(jwt), Requests.client(request));
        BrowserSessions.clear(response);
    }
}
