package dev.bulwark.workspace.web;

import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.workspace.internal.Documents;
import dev.bulwark.workspace.Document;
import dev.bulwark.workspace.internal.DocumentExports;
import dev.bulwark.workspace.internal.Documents.DocumentSummary;
import dev.bulwark.workspace.internal.Documents.DocumentVersion;
import dev.bulwark.workspace.internal.Documents.VersionSummary;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

/**
 * Documents of a project, and their versions (docs/api.md, Workspace). Bodies are HTML, sanitised on the way in.
 * Reading needs READ_WORKSPACE; writing WRITE_WORKSPACE.
 */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/projects/{projectId}/documents")
class DocumentsController {

    /** Origin and status are not the client's to choose: origin may only say {@code human}, status nothing. */
    record NewDocument(
            @NotBlank @CodePointLength(max = 200) String title,
            @CodePointLength(max = Documents.MAX_BODY) String body,
            @Pattern(regexp = Document.HUMAN, message = ORIGIN_MESSAGE) String origin,
            @Null(message = STATUS_MESSAGE) String status) {
    }

    static final String ORIGIN_MESSAGE = "may only be human: AI drafts are made by POST …/documents/ai-draft";
    static final String STATUS_MESSAGE = "is not set by clients: a document starts as a draft, and becomes effective only"
            + " through promotion with signatures";

    /** A promotion names the version it promotes. */
    record Promotion(@NotNull @Min(1) Integer version) {
    }

    static final class DocumentPatch extends PatchBody {
        @Pattern(regexp = Workspace.NOT_BLANK, message = "must not be blank") @CodePointLength(min = 1, max = 200)
        private String title;
        @CodePointLength(max = Documents.MAX_BODY)
        private String body;
        @Null(message = STATUS_MESSAGE)
        private String status;
        @Null(message = "cannot be changed: it records where the document came from")
        private String origin;

        public void setTitle(String title) {
            this.title = title;
            mark("title");
        }

        public void setBody(String body) {
            this.body = body;
            mark("body");
        }

        public void setStatus(String status) {
            this.status = status;
        }

        public void setOrigin(String origin) {
            this.origin = origin;
        }
    }

    private final Documents documents;
    private final DocumentExports exports;

    DocumentsController(Documents documents, DocumentExports exports) {
        this.documents = documents;
        this.exports = exports;
    }

    @Operation(summary = "Create a document in a project", operationId = "workspace.createDocument")
    @PostMapping
    @Audited(AuditType.DOCUMENT_CREATED)
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Document> create(Caller caller, @PathVariable UUID projectId, @Valid @RequestBody NewDocument body) {
        Document document = documents.create(caller, projectId, body.title(), body.body());
        return Responses.created(document, document.id());
    }

    @Operation(summary = "The documents of a project", operationId = "workspace.listDocuments")
    @GetMapping
    @Requires(Permission.READ_WORKSPACE)
    Page<DocumentSummary> list(Caller caller, @PathVariable UUID projectId, @RequestParam(required = false) Integer limit,
                               @RequestParam(required = false) String cursor) {
        return documents.list(caller, projectId, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Read a document", operationId = "workspace.getDocument")
    @GetMapping("/{documentId}")
    @Requires(Permission.READ_WORKSPACE)
    ResponseEntity<Document> get(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId, WebRequest request) {
        Document document = documents.get(caller, projectId, documentId);
        return Responses.read(request, document, document.version());
    }

    @Operation(summary = "Change a document", operationId = "workspace.updateDocument")
    @PatchMapping(value = "/{documentId}", consumes = {"application/json", "application/merge-patch+json"})
    @Audited(AuditType.DOCUMENT_UPDATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Document> update(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId,
                                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                    @Valid @RequestBody DocumentPatch body) {
        Document document = documents.update(caller, projectId, documentId, IfMatch.of(ifMatch),
                body.required("title", body.title), body.optional("body", body.body));
        return Responses.written(document, document.version());
    }

    @Operation(summary = "Delete a document", operationId = "workspace.deleteDocument")
    @DeleteMapping("/{documentId}")
    @Audited(AuditType.DOCUMENT_DELETED)
    @Requires(Permission.WRITE_WORKSPACE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId,
                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        documents.delete(caller, projectId, documentId, IfMatch.of(ifMatch));
    }

    /**
     * Promotion to effective: 200 when the version carries the organisation's required approvals (distinct signers),
     * else 409 {@code signatures-required} (docs/signatures.md). People only: an API key never promotes.
     */
    @Operation(summary = "Promote a document version to effective (needs the organisation's approval signatures)", operationId = "workspace.promoteDocument")
    @PostMapping("/{documentId}/promote")
    @Audited(AuditType.DOCUMENT_PROMOTED)
    @Requires(value = Permission.WRITE_WORKSPACE, personOnly = true)
    ResponseEntity<Document> promote(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId,
                                     @Valid @RequestBody Promotion body) {
        Document document = documents.promote(caller, projectId, documentId, body.version());
        return Responses.written(document, document.version());
    }

    /** The document as PDF or DOCX; an AI-origin document carries its marks (docs/workspace.md, "Exports"). */
    @Operation(summary = "Export a document as PDF or DOCX", operationId = "workspace.exportDocument")
    @GetMapping("/{documentId}/export")
    @Requires(Permission.READ_WORKSPACE)
    ResponseEntity<byte[]> export(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId,
                                  @RequestParam(required = false) String format) {
        // The document first: another organisation's ids are a 404 whatever the query says.
        Document document = documents.get(caller, projectId, documentId);
        DocumentExports.Format chosen = DocumentExports.Format.of(format);
        byte[] file = exports.export(document, chosen);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(chosen.mediaType()))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("document-" + document.id() + "." + chosen.extension()).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .eTag(IfMatch.tagOf(document.version()))
                .body(file);
    }

    @Operation(summary = "The versions of a document", operationId = "workspace.listDocumentVersions")
    @GetMapping("/{documentId}/versions")
    @Requires(Permission.READ_WORKSPACE)
    Page<VersionSummary> versions(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId,
                                  @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return documents.versions(caller, projectId, documentId, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Read one version of a document", operationId = "workspace.getDocumentVersion")
    @GetMapping("/{documentId}/versions/{version}")
    @Requires(Permission.READ_WORKSPACE)
    ResponseEntity<DocumentVersion> version(Caller caller, @PathVariable UUID projectId, @PathVariable UUID documentId,
                                            @PathVariable int version, WebRequest request) {
        DocumentVersion found = documents.version(caller, projectId, documentId, version);
        return Responses.read(request, found, found.version());
    }
}
