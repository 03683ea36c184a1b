package dev.bulwark.signatures.web;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.signatures.internal.EvidencePdf;
import dev.bulwark.signatures.internal.SealKeys;
import dev.bulwark.signatures.internal.Signing;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.workspace.DocumentRecords;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Electronic signatures (docs/signatures.md; docs/api.md, "Electronic signatures"): challenges and signing (people
 * with WRITE_WORKSPACE only, never an API key), a document's signatures with their validity, the evidence PDF and the
 * organisation's seal certificate.
 */
@RestController
class SignaturesController {

    record ChallengeRequest(@NotNull UUID documentId, @NotNull @Min(1) Integer version, @NotBlank @Size(max = 32) String meaning) {
    }

    record AssertionBody(@NotBlank @Size(max = 1024) String credentialId, @NotBlank @Size(max = 8192) String clientDataJSON,
                         @NotBlank @Size(max = 8192) String authenticatorData, @NotBlank @Size(max = 2048) String signature) {
    }

    record SignRequest(@NotNull UUID challengeId, @NotBlank @CodePointLength(max = Signing.MAX_REASON) String reason,
                       @Size(max = 1024) String password, @Size(max = 32) String code, @Valid AssertionBody assertion) {
        @Override
        public String toString() {
            return "SignRequest[" + challengeId + "]"; // never the password or the code
        }
    }

    private final Signing signing;
    private final EvidencePdf evidence;
    private final SealKeys seals;
    private final DocumentRecords records;

    SignaturesController(Signing signing, EvidencePdf evidence, SealKeys seals, DocumentRecords records) {
        this.signing = signing;
        this.evidence = evidence;
        this.seals = seals;
        this.records = records;
    }

    @Operation(summary = "Request a signing challenge for a document version and meaning")
    @PostMapping("/api/v1/orgs/{orgId}/signatures/challenges")
    @Audited(AuditType.SIGNATURE_CHALLENGE_ISSUED)
    @Requires(value = Permission.WRITE_WORKSPACE, personOnly = true)
    @ResponseStatus(HttpStatus.CREATED)
    Signing.Challenge challenge(Caller caller, @Valid @RequestBody ChallengeRequest body) {
        return signing.challenge(caller, body.documentId(), body.version(), body.meaning());
    }

    @Operation(summary = "Sign: re-authenticate and bind a signature to the challenged version")
    @PostMapping("/api/v1/orgs/{orgId}/signatures")
    @Audited(value = {AuditType.SIGNATURE_CREATED, AuditType.SIGNATURE_FAILED, AuditType.SIGNATURE_LOCKED},
            alsoOnFailure = "a wrong re-authentication component is recorded (signature.failed, or signature.locked for the third)")
    @Requires(value = Permission.WRITE_WORKSPACE, personOnly = true)
    @ResponseStatus(HttpStatus.CREATED)
    Signing.SignatureView sign(Caller caller, @Valid @RequestBody SignRequest body) {
        AssertionBody a = body.assertion();
        return signing.sign(caller, body.challengeId(), body.reason(), body.password(), body.code(),
                a == null ? null : new Signing.AssertionInput(a.credentialId(), a.clientDataJSON(), a.authenticatorData(), a.signature()));
    }

    @Operation(summary = "A document's signatures, each with whether it is valid now")
    @GetMapping("/api/v1/orgs/{orgId}/projects/{projectId}/documents/{documentId}/signatures")
    @Requires(Permission.READ_WORKSPACE)
    Page<Signing.SignatureView> list(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId) {
        List<Signing.SignatureView> items = signing.list(caller, projectId, documentId);
        return new Page<>(items, null);
    }

    @Operation(summary = "The sealed evidence PDF of a document version")
    @GetMapping("/api/v1/orgs/{orgId}/projects/{projectId}/documents/{documentId}/versions/{version}/evidence.pdf")
    @Requires(Permission.READ_WORKSPACE)
    ResponseEntity<byte[]> evidence(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId,
                                    @PathVariable int version) {
        if (!records.exists(caller.orgId(), projectId, documentId)) {
            throw new NotFoundException("There is no such document.");
        }
        DocumentRecords.RecordVersion record = records.version(caller.orgId(), documentId, version)
                .orElseThrow(() -> new NotFoundException("There is no such version of this document."));
        byte[] pdf = evidence.render(record, signing.stored(caller.orgId(), documentId, version), seals.seal(caller.orgId()));
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("evidence-" + documentId + "-v" + version + ".pdf").build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(pdf);
    }

    @Operation(summary = "The organisation's seal certificate (PEM)")
    @GetMapping("/api/v1/orgs/{orgId}/signatures/certificate")
    @Requires(Permission.READ_ORGANISATION)
    ResponseEntity<String> certificate(Caller caller) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/x-pem-file"))
                .body(SealKeys.pem(seals.certificate(caller.orgId())));
    }
}
