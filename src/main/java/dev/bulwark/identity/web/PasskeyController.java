package dev.bulwark.identity.web;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.bulwark.access.Public;
import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.TokenPair;
import dev.bulwark.identity.internal.Passkeys;
import dev.bulwark.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
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

    // The WebAuthn options are built as maps in identity.internal.Passkeys; these records state their shape for the API
    // description (DescribedShapesTest reads served options into them).

    /** Options for navigator.credentials.get(). */
    record PasskeyAuthenticationOptions(String challenge, String rpId, long timeout, String userVerification) {
    }

    /** Options for navigator.credentials.create(). */
    record PasskeyRegistrationOptions(String challenge, RelyingParty rp, PasskeyUser user, List<CredentialParameters> pubKeyCredParams,
                                      long timeout, List<CredentialDescriptor> excludeCredentials,
                                      AuthenticatorSelection authenticatorSelection) {
    }

    record RelyingParty(String id, String name) {
    }

    record PasskeyUser(String id, String name, String displayName) {
    }

    record CredentialParameters(String type, int alg) {
    }

    record CredentialDescriptor(String type, String id) {
    }

    record AuthenticatorSelection(String residentKey, String userVerification) {
    }

    /** The new passkey\'s credential id (base64url). */
    record PasskeyCreated(String id) {
    }

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

    @Operation(summary = "Options for registering a passkey", operationId = "identity.passkeyRegistrationOptions")
    @ApiResponse(responseCode = "200", description = "Options for navigator.credentials.create(), binary values in base64url.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PasskeyRegistrationOptions.class)))
    @PostMapping("/api/v1/me/passkeys/registration-options")
    @Audited(none = "issues a one-time WebAuthn challenge; the registration it allows records auth.passkey.added")
    @SignedIn
    Map<String, Object> registrationOptions(@AuthenticationPrincipal Jwt jwt) {
        return passkeys.registrationOptions(Requests.userId(jwt), Requests.sessionId(jwt));
    }

    @Operation(summary = "Register a passkey", operationId = "identity.registerPasskey")
    @PostMapping("/api/v1/me/passkeys")
    @Audited(AuditType.PASSKEY_ADDED)
    @ResponseStatus(HttpStatus.CREATED)
    @SignedIn
    ResponseEntity<PasskeyCreated> register(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Registration body,
                                                 HttpServletRequest request) {
        String id = passkeys.register(Requests.userId(jwt), Requests.sessionId(jwt), decode("clientDataJSON", body.clientDataJSON()),
                decode("attestationObject", body.attestationObject()), body.name(), Requests.client(request));
        return ResponseEntity.created(URI.create("/api/v1/me/passkeys/" + id)).body(new PasskeyCreated(id));
    }

    @Operation(summary = "Options for signing in with a passkey", operationId = "identity.passkeyAuthenticationOptions")
    @ApiResponse(responseCode = "200", description = "Options for navigator.credentials.get(), the challenge in base64url.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PasskeyAuthenticationOptions.class)))
    @PostMapping("/api/v1/auth/passkey/options")
    @Audited(none = "issues a one-time WebAuthn challenge; the sign-in it allows is recorded")
    @Public
    Map<String, Object> authenticationOptions() {
        return passkeys.authenticationOptions();
    }

    @Operation(summary = "Sign in with a passkey", operationId = "identity.signInWithPasskey")
    @ApiResponse(responseCode = "200", description = "Tokens; with ?session=cookie, the cookie session (tokenType cookie, csrfToken).",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AuthController.SignInAnswer.class)))
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
    @Operation(summary = "Complete a sign-in with a passkey as second factor", operationId = "identity.loginMfaPasskey")
    @PostMapping("/api/v1/auth/login/mfa/passkey")
    @Audited(AuditType.LOGIN_SUCCEEDED)
    @Public
    TokenPair secondFactor(@Valid @RequestBody SecondFactor body, HttpServletRequest request) {
        return passkeys.secondFactor(body.mfaToken(), decode("credentialId", body.credentialId()),
                decode("clientDataJSON", body.clientDataJSON()), decode("authenticatorData", body.authenticatorData()),
                decode("signature", body.signature()), Requests.client(request));
    }

    /** Authenticated: step-up with one of the caller's own passkeys. */
    @Operation(summary = "Step up with a passkey", operationId = "identity.stepUpWithPasskey")
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
