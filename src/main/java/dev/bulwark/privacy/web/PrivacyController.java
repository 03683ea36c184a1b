package dev.bulwark.privacy.web;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.privacy.internal.OrganisationDeletion;
import dev.bulwark.privacy.internal.OrganisationExport;
import dev.bulwark.privacy.internal.PrivacyRequests;
import dev.bulwark.shared.TextRules;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The data subject's rights and the organisation's own (docs/api.md, docs/privacy.md): access and erasure requests,
 * the full export, and deleting the organisation (cancellable during its grace period). OWNER only, signed in as a
 * person, with step-up.
 */
@RestController
class PrivacyController {

    static final MediaType ZIP = MediaType.parseMediaType("application/zip");

    record SubjectRequest(@NotBlank @Size(max = 254) @Email(regexp = TextRules.EMAIL, message = "must be a valid email address")
                          String email) {
        @Override
        public String toString() {
            return "SubjectRequest[…]";
        }
    }

    private final PrivacyRequests requests;
    private final OrganisationExport export;
    private final OrganisationDeletion deletion;

    PrivacyController(PrivacyRequests requests, OrganisationExport export, OrganisationDeletion deletion) {
        this.requests = requests;
        this.export = export;
        this.deletion = deletion;
    }

    @Operation(summary = "Answer a data subject's access request", operationId = "privacy.accessRequest")
    @ApiResponse(responseCode = "200", description = "Everything held about the person: JSON, or a ZIP archive when Accept asks for application/zip.",
            content = {@Content(mediaType = "application/json", schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)),
                    @Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary"))})
    @PostMapping("/api/v1/orgs/{orgId}/privacy/access-requests")
    @Audited(AuditType.PRIVACY_ACCESS_EXPORTED)
    @Requires(value = Permission.PRIVACY_REQUESTS, personOnly = true)
    ResponseEntity<StreamingResponseBody> access(Caller caller, @Valid @RequestBody SubjectRequest body,
                             @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept)
            throws HttpMediaTypeNotAcceptableException {
        if (wantsZip(accept)) {
            return ResponseEntity.ok().contentType(ZIP)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"access-request.zip\"")
                    .body(requests.access(caller, body.email(), true));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(requests.access(caller, body.email(), false));
    }

    /** Whether {@code accept} asks for the ZIP; an Accept that does not parse is 406, as Spring answers it everywhere else. */
    private static boolean wantsZip(String accept) throws HttpMediaTypeNotAcceptableException {
        try {
            return accept != null && MediaType.parseMediaTypes(accept).stream().anyMatch(ZIP::equalsTypeAndSubtype);
        } catch (InvalidMediaTypeException malformed) {
            throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON, ZIP));
        }
    }

    @Operation(summary = "Erase a data subject's personal data", operationId = "privacy.erasureRequest")
    @PostMapping("/api/v1/orgs/{orgId}/privacy/erasure-requests")
    @Audited(AuditType.PRIVACY_ERASURE_COMPLETED)
    @Requires(value = Permission.PRIVACY_REQUESTS, personOnly = true)
    PrivacyRequests.Erasure erase(Caller caller, @Valid @RequestBody SubjectRequest body) {
        return requests.erase(caller, body.email());
    }

    @Operation(summary = "Export all of the organisation's data")
    @ApiResponse(responseCode = "200", description = "A ZIP archive of the organisation's data, one JSON file a table.",
            content = @Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")))
    @GetMapping("/api/v1/orgs/{orgId}/export")
    @Requires(value = Permission.EXPORT_ORGANISATION, personOnly = true)
    ResponseEntity<StreamingResponseBody> export(Caller caller) {
        UUID org = caller.orgId();
        StreamingResponseBody body = export.export(caller);
        return ResponseEntity.ok().contentType(ZIP)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"bulwark-export-" + org + ".zip\"")
                .body(body);
    }

    /** Deleting is confirmed by typing the organisation's name, as it is now. */
    record DeletionRequest(@NotBlank @Size(max = 200) String confirmName) {
    }

    @Operation(summary = "Schedule the organisation's deletion", operationId = "privacy.requestDeletion")
    @PostMapping("/api/v1/orgs/{orgId}/deletion")
    @Audited(AuditType.ORG_DELETION_REQUESTED)
    @Requires(value = Permission.DELETE_ORGANISATION, personOnly = true)
    ResponseEntity<OrganisationDeletion.Status> delete(Caller caller, @Valid @RequestBody DeletionRequest body) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(deletion.request(caller, body.confirmName()));
    }

    @Operation(summary = "The organisation's deletion state", operationId = "privacy.deletionStatus")
    @GetMapping("/api/v1/orgs/{orgId}/deletion")
    @Requires(value = Permission.DELETE_ORGANISATION, personOnly = true, whileDeletionPending = true)
    OrganisationDeletion.Status deletionStatus(Caller caller) {
        return deletion.status(caller);
    }

    @Operation(summary = "Cancel the organisation's pending deletion")
    @DeleteMapping("/api/v1/orgs/{orgId}/deletion")
    @Audited(AuditType.ORG_DELETION_CANCELLED)
    @Requires(value = Permission.DELETE_ORGANISATION, personOnly = true, whileDeletionPending = true)
    OrganisationDeletion.Status cancelDeletion(Caller caller) {
        return deletion.cancel(caller);
    }
}
