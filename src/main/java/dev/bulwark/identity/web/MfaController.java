package dev.bulwark.identity.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.internal.Accounts;
import dev.bulwark.identity.internal.AuthService;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** TOTP enrolment for the signed-in user (step-up required; API keys never reach it: they are not users). */
@RestController
class MfaController {

    record ConfirmRequest(@NotNull @Size(max = 32) String code) {
    }

    /** The pending authenticator secret, as text and as the URI an authenticator app scans. */
    record TotpEnrolment(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") String secret,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String otpauthUri) {
    }

    /** One-time recovery codes, shown once. */
    record RecoveryCodes(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<String> recoveryCodes) {
    }

    private final AuthService auth;
    private final Accounts accounts;

    MfaController(AuthService auth, Accounts accounts) {
        this.auth = auth;
        this.accounts = accounts;
    }

    @Operation(summary = "Start enrolling an authenticator app (TOTP)", operationId = "identity.enrolTotp")
    @PostMapping("/api/v1/me/mfa/totp")
    @Audited(none = "starts TOTP enrolment: the pending secret changes nothing until confirmed, which records auth.mfa.enabled")
    @SignedIn
    TotpEnrolment enrol(@AuthenticationPrincipal Jwt jwt) {
        String secret = auth.startTotp(Requests.userId(jwt), Requests.sessionId(jwt));
        String email = accounts.me(Requests.userId(jwt)).email();
        String label = URLEncoder.encode("Bulwark:" + email, StandardCharsets.UTF_8).replace("+", "%20");
        String uri = "otpauth://totp/" + label + "?secret=" + secret + "&issuer=Bulwark&algorithm=SHA1&digits=6&period=30";
        return new TotpEnrolment(secret, uri);
    }

    @Operation(summary = "Confirm the authenticator app with a first code", operationId = "identity.confirmTotp")
    @PostMapping("/api/v1/me/mfa/totp/confirm")
    @Audited(AuditType.MFA_ENABLED)
    @SignedIn
    RecoveryCodes confirm(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody ConfirmRequest body,
                                      HttpServletRequest request) {
        return new RecoveryCodes(auth.confirmTotp(Requests.userId(jwt), Requests.sessionId(jwt), body.code(),
                Requests.client(request)));
    }
}
