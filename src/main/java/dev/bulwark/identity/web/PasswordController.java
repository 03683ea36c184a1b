package dev.bulwark.identity.web;

import dev.bulwark.access.Public;
import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.internal.PasswordService;
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

/** Password change (authenticated, step-up) and reset (public, by mailed token). */
@RestController
class PasswordController {

    record ChangeRequest(@NotNull @Size(max = 1024) String currentPassword, @NotNull @Size(max = 1024) String newPassword) {
        @Override
        public String toString() {
            return "ChangeRequest[…]";
        }
    }

    record ResetRequest(@NotNull @Size(max = 254) String email) {
    }

    record ResetConfirmation(@NotNull @Size(max = 100) String token, @NotNull @Size(max = 1024) String newPassword) {
        @Override
        public String toString() {
            return "ResetConfirmation[…]";
        }
    }

    private final PasswordService passwords;

    PasswordController(PasswordService passwords) {
        this.passwords = passwords;
    }

    @Operation(summary = "Change the signed-in person's password", operationId = "identity.changePassword")
    @PostMapping("/api/v1/me/password")
    @Audited(AuditType.PASSWORD_CHANGED)
    @SignedIn
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void change(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody ChangeRequest body, HttpServletRequest request) {
        passwords.change(Requests.userId(jwt), Requests.sessionId(jwt), body.currentPassword(), body.newPassword(),
                Requests.client(request));
    }

    /** Public. 202 whether or not the email has an account. */
    @Operation(summary = "Ask for a password reset mail", operationId = "identity.requestPasswordReset")
    @PostMapping("/api/v1/auth/password-reset")
    @Audited(value = AuditType.PASSWORD_RESET_REQUESTED, unless = "the email belongs to no account: the answer is the same either way")
    @Public
    @ResponseStatus(HttpStatus.ACCEPTED)
    void requestReset(@Valid @RequestBody ResetRequest body, HttpServletRequest request) {
        passwords.requestReset(body.email(), Requests.client(request));
    }

    /** Public: the mailed token is the credential. */
    @Operation(summary = "Set a new password with a reset token", operationId = "identity.confirmPasswordReset")
    @PostMapping("/api/v1/auth/password-reset/confirm")
    @Audited(AuditType.PASSWORD_RESET)
    @Public
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void confirmReset(@Valid @RequestBody ResetConfirmation body, HttpServletRequest request) {
        passwords.confirmReset(body.token(), body.newPassword(), Requests.client(request));
    }
}
