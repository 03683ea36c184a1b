package dev.bulwark.identity.web;

import java.util.UUID;

import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.internal.Accounts;
import dev.bulwark.identity.internal.AuthService;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in user's own account and sessions. Authenticated; acts only on the caller's own data. */
@RestController
class MeController {

    private final Accounts accounts;
    private final AuthService auth;

    MeController(Accounts accounts, AuthService auth) {
        this.accounts = accounts;
        this.auth = auth;
    }

    @Operation(summary = "The signed-in person's account")
    @GetMapping("/api/v1/me")
    @SignedIn
    Accounts.Me me(@AuthenticationPrincipal Jwt jwt) {
        return accounts.me(Requests.userId(jwt));
    }

    @Operation(summary = "The signed-in person's sessions")
    @GetMapping("/api/v1/me/sessions")
    @SignedIn
    Page<AuthService.SessionView> sessions(@AuthenticationPrincipal Jwt jwt, @RequestParam(required = false) Integer limit,
                                           @RequestParam(required = false) String cursor) {
        return auth.sessions(Requests.userId(jwt), Requests.sessionId(jwt), PageRequest.of(limit, cursor));
    }

    @Operation(summary = "End one of the signed-in person's sessions")
    @DeleteMapping("/api/v1/me/sessions/{sessionId}")
    @Audited(AuditType.SESSION_REVOKED)
    @SignedIn
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void endSession(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID sessionId, HttpServletRequest request) {
        auth.revokeSession(Requests.userId(jwt), sessionId, Requests.client(request));
    }
}
