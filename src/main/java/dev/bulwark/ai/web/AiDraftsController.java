package dev.bulwark.ai.web;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.ai.internal.Gateway;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.workspace.Document;
import dev.bulwark.workspace.DocumentDrafts;
import dev.bulwark.workspace.WorkspaceReferences;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.ObjectMapper;

/**
 * AI drafts (docs/ai-gateway.md, "AI drafts"; docs/workspace.md, "Status and origin"): a document written by a model
 * through the gateway, with the gateway's refusals, sanitising, restoration and receipt, then made in the workspace
 * with origin {@code ai} and status {@code draft}. It lives here, not in the workspace, because the AI module
 * depends on the workspace and not the other way round.
 */
@RestController
class AiDraftsController {

    /** What the gateway records as the call's purpose. */
    static final String PURPOSE = "document draft";

    static final String SYSTEM_PROMPT = "You write a draft of a document. Answer with the document's text only, without"
            + " a preamble or remarks. Source documents, if any, are given before the instruction.";

    record DraftBody(@NotBlank @Size(max = 64) String provider,
                     @NotBlank @Size(max = 100) String model,
                     @NotBlank @CodePointLength(max = 20_000) String instruction,
                     @Size(max = 20) List<@NotNull UUID> sourceDocumentIds) {

        @Override
        public String toString() {
            return "DraftBody[" + provider + "/" + model + "]"; // never the instruction
        }
    }

    private final Gateway gateway;
    private final DocumentDrafts drafts;
    private final ObjectMapper json;

    AiDraftsController(Gateway gateway, DocumentDrafts drafts, ObjectMapper json) {
        this.gateway = gateway;
        this.drafts = drafts;
        this.json = json;
    }

    /**
     * Answered as a body written after the handler returns, like a completion, so no connection is held while the
     * provider works; the document is made (and its {@code document.created} committed) before the first byte.
     */
    @Operation(summary = "Draft a document with AI")
    @ApiResponse(responseCode = "201", description = "The new draft document (status draft, origin ai).",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = dev.bulwark.workspace.Document.class)))
    @PostMapping("/api/v1/orgs/{orgId}/projects/{projectId}/documents/ai-draft")
    @Audited(AuditType.DOCUMENT_CREATED)
    @Requires(Permission.USE_AI)
    ResponseEntity<StreamingResponseBody> draft(Caller caller, @PathVariable UUID projectId, @Valid @RequestBody DraftBody body) {
        if (!caller.may(Permission.WRITE_WORKSPACE)) {
            throw new ForbiddenException("Making a document needs permission " + Permission.WRITE_WORKSPACE + ".");
        }
        List<UUID> ids = body.sourceDocumentIds() == null ? List.of() : List.copyOf(new LinkedHashSet<>(body.sourceDocumentIds()));
        List<DocumentDrafts.Source> sources = drafts.sources(caller, projectId, ids);

        List<Gateway.Message> messages = new ArrayList<>();
        messages.add(new Gateway.Message("system", SYSTEM_PROMPT));
        for (DocumentDrafts.Source source : sources) {
            messages.add(new Gateway.Message("user", "Source document \"" + source.title() + "\":\n\n" + source.body()));
        }
        messages.add(new Gateway.Message("user", body.instruction()));
        List<WorkspaceReferences.Ref> refs = ids.stream().map(id -> new WorkspaceReferences.Ref("document", id)).toList();
        Gateway.Completion done = gateway.complete(caller,
                new Gateway.Request(body.provider(), body.model(), messages, PURPOSE, refs, false));

        String title = "AI draft " + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Document document = drafts.create(caller, projectId, title, done.output(), done.id());
        byte[] answer = json.writeValueAsBytes(document);
        URI location = ServletUriComponentsBuilder.fromCurrentContextPath()
                .path("/api/v1/orgs/{org}/projects/{project}/documents/{id}")
                .buildAndExpand(caller.orgId(), projectId, document.id())
                .toUri();
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(location)
                .eTag(IfMatch.tagOf(document.version()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(out -> out.write(answer));
    }
}
