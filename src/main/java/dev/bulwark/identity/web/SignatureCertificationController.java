package dev.bulwark.identity.web;

import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.identity.internal.SignatureCertifications;
import dev.bulwark.identity.internal.SignatureCertifications.Certification;
import dev.bulwark.shared.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The caller's first-use certification of electronic signatures (21 CFR 11.100(c); docs/signatures.md). */
@RestController
class SignatureCertificationController {

    record CertifyRequest(@NotBlank @CodePointLength(max = SignatureCertifications.MAX_STATEMENT) String statement) {
    }

    private final SignatureCertifications certifications;

    SignatureCertificationController(SignatureCertifications certifications) {
        this.certifications = certifications;
    }

    @Operation(summary = "Certify that your electronic signature binds you like your handwritten one",
            operationId = "identity.certifySignature")
    @PostMapping("/api/v1/me/signature-certification")
    @ResponseStatus(HttpStatus.CREATED)
    @Audited(AuditType.SIGNATURE_CERTIFIED)
    @SignedIn
    Certification certify(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody CertifyRequest body, HttpServletRequest request) {
        return certifications.certify(Requests.userId(jwt), body.statement(), Requests.client(request));
    }

    @Operation(summary = "Your electronic signature certification", operationId = "identity.getSignatureCertification")
    @GetMapping("/api/v1/me/signature-certification")
    @SignedIn
    Certification get(@AuthenticationPrincipal Jwt jwt) {
        return certifications.of(Requests.userId(jwt))
                .orElseThrow(() -> new NotFoundException("You have not certified your electronic signature."));
    }
}
