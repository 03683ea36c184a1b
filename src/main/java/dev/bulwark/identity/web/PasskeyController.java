package dev.bulwark.identity.web;

import java.net.URI;
import java.util.Base64;
import java.util.Map;

import dev.bulwark.access.Public;
import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.TokenPair;
import dev.bulwark.identity.internal.Passkeys;
import dev.bulwark.shared.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Passkeys. Registering: authenticated, step-up. Signing in without a password: public (the assertion is the
 * credential), in the per-IP sign-in budget. Binary fields travel base64url, as WebAuthn's JSON forms do.
 */
@RestController
class PasskeyController {

    record Registration(@NotNull @Size(max = 8192) String clientDataJSON, @NotNull @Size(max = 65536) String attestationObject,
                        @Size(max = 200) String name) {
    }

    record SecondFactor(@NotNull @Size(max = 100) String mfaToken, @NotNull @Size(max = 1400) String credentialId,
                        @NotNull @Size(max = 8192) String clientDataJSON, @NotNull @Size(max = 8192) String authenticatorData,
                        @NotNull @Size(max = 2048) String signature) {
    }

    record Assertion(@NotNull @Size(max = 1400) String credentialId, @NotNull @Size(max = 8192) String clientDataJSON,
                     @NotNull @Size(max = 8192) String authenticatorData, @NotNull @Size(max = 2048) String signature) {
    }

    private final Passkeys passkeys;

    PasskeyController(Passkeys passkeys) {
        this.passkeys = passkeys;
    }

    @PostMapping("/api/v1/me/passkeys/registration-options")
    @Audited(none = "issues a one-time WebAuthn challenge; the registration it allows records auth.passkey.added")
    @SignedIn
    Map<String, Object> registrationOptions(@AuthenticationPrincipal Jwt jwt) {
        return passkeys.registrationOptions(Requests.userId(jwt), Requests.sessionId(jwt));
    }

    @PostMapping("/api/v1/me/passkeys")
    @Audited(AuditType.PASSKEY_ADDED)
    @ResponseStatus(HttpStatus.CREATED)
    @SignedIn
    ResponseEntity<Map<String, String>> register(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Registration body,
                                                 HttpServletRequest request) {
        String id = passkeys.register(Requests.userId(jwt), Requests.sessionId(jwt), decode("clientDataJSON", body.clientDataJSON()),
                decode("attestationObject", body.attestationObject()), body.name(), Requests.client(request));
        return ResponseEntity.created(URI.create("/api/v1/me/passkeys/" + id)).body(Map.of("id", id));
    }

    @PostMapping("/api/v1/auth/passkey/options")
    @Audited(none = "issues a one-time WebAuthn challenge; the sign-in it allows is recorded")
    @Public
    Map<String, Object> authenticationOptions() {
        return passkeys.authenticationOptions();
    }

    @PostMapping("/api/v1/auth/passkey")
    @Audited(AuditType.LOGIN_SUCCEEDED)
    @Public
    Object signIn(@Valid @RequestBody Assertion body, @RequestParam(required = false) String session, HttpServletRequest request,
                  HttpServletResponse response) {
        TokenPair tokens = passkeys.authenticate(decode("credentialId", body.credentialId()), decode("clientDataJSON", body.clientDataJSON()),
                decode("authenticatorData", body.authenticatorData()), decode("signature", body.signature()), Requests.client(request));
        // ?session=cookie: the console's passkey sign-in, the session in cookies as for a password sign-in.
        return BrowserSessions.wanted(session) ? BrowserSessions.deliver(tokens, response) : tokens;
    }

    /** Public: the MFA token of a password sign-in plus a passkey assertion of the same user. */
    @PostMapping("/api/v1/auth/login/mfa/passkey")
    @Audited(AuditType.LOGIN_SUCCEEDED)
    @Public
    TokenPair secondFactor(@Valid @RequestBody SecondFactor body, HttpServletRequest request) {
        return passkeys.secondFactor(body.mfaToken(), decode("credentialId", body.credentialId()),
                decode("clientDataJSON", body.clientDataJSON()), decode("authenticatorData", body.authenticatorData()),
                decode("signature", body.signature()), Requests.client(request));
    }

    /** Authenticated: step-up with one of the caller's own passkeys. */
    @PostMapping("/api/v1/auth/step-up/passkey")
    @Audited(AuditType.STEP_UP_SUCCEEDED)
    @SignedIn
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.NO_CONTENT)
    void stepUp(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Assertion body, HttpServletRequest request) {
        passkeys.stepUp(Requests.userId(jwt), Requests.sessionId(jwt), decode("credentialId", body.credentialId()),
                decode("clientDataJSON", body.clientDataJSON()), decode("authenticatorData", body.authenticatorData()),
                decode("signature", body.signature()), Requests.client(request));
    }

    private static byte[] decode(String field, String value) {
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "must be base64url");
        }
    }
}
