package dev.bulwark.identity.web;

import java.net.URI;
import java.util.Map;

import dev.bulwark.access.Public;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.SignupRequest;
import dev.bulwark.identity.SignupResult;
import dev.bulwark.identity.internal.SignupService;
import dev.bulwark.shared.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/signup}: public; creates an account and its organisation. */
@RestController
class SignupController {

    /** The answer to a followed verification link. */
    record EmailVerified(boolean emailVerified) {
    }

    private final SignupService signups;

    SignupController(SignupService signups) {
        this.signups = signups;
    }

    /** Public: the link of the verification mail. */
    @Operation(summary = "Verify an email address with the mailed link")
    @GetMapping("/api/v1/auth/verify-email")
    @Public
    EmailVerified verifyEmail(@RequestParam String token) {
        if (!signups.verifyEmail(token)) {
            throw new NotFoundException("This link is not valid, already used, or expired.");
        }
        return new EmailVerified(true);
    }

    @Operation(summary = "Create an account and its organisation")
    @PostMapping("/api/v1/signup")
    @Audited({AuditType.ORG_CREATED, AuditType.MEMBER_JOINED})
    @ResponseStatus(HttpStatus.CREATED)
    @Public
    ResponseEntity<SignupResult> signUp(@RequestBody SignupRequest request, HttpServletRequest http) {
        SignupResult result = signups.signUp(request, Requests.client(http));
        return ResponseEntity.created(URI.create("/api/v1/orgs/" + result.organisationId())).body(result);
    }
}
