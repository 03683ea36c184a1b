package dev.bulwark.identity.web;

import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.internal.AuthService;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/auth/step-up}: authenticated; re-verifies the password (and second factor) to allow sensitive actions. */
@RestController
class StepUpController {

    /** {@code code}: a TOTP or recovery code, required once a second factor is enrolled. */
    record StepUpRequest(@NotNull @Size(max = 1024) String password, @Size(max = 32) String code) {
        @Override
        public String toString() {
            return "StepUpRequest[…]";
        }
    }

    private final AuthService auth;

    StepUpController(AuthService auth) {
        this.auth = auth;
    }

    @Operation(summary = "Step up: verify a factor again before a sensitive action")
    @PostMapping("/api/v1/auth/step-up")
    @Audited(AuditType.STEP_UP_SUCCEEDED)
    @SignedIn
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void stepUp(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody StepUpRequest body, HttpServletRequest request) {
        auth.stepUp(Requests.userId(jwt), Requests.sessionId(jwt), body.password(), body.code(), Requests.client(request));
    }
}
