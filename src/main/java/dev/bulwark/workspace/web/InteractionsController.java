package dev.bulwark.workspace.web;

import java.time.Instant;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.workspace.Channel;
import dev.bulwark.workspace.internal.Documents;
import dev.bulwark.workspace.internal.Interactions;
import dev.bulwark.workspace.internal.Interactions.Interaction;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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
 * Interactions with a contact (docs/api.md, Workspace). Correcting (PATCH) or deleting one is the right to
 * rectification. Reading needs READ_WORKSPACE; writing WRITE_WORKSPACE. Subject and body are plain text.
 */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/contacts/{contactId}/interactions")
class InteractionsController {

    record NewInteraction(
            @NotNull Channel channel,
            @NotBlank @CodePointLength(max = 200) String subject,
            @CodePointLength(max = Documents.MAX_BODY) String body,
            Instant occurredAt) {
    }

    static final class InteractionPatch extends PatchBody {
        private Channel channel;
        @Pattern(regexp = Workspace.NOT_BLANK, message = "must not be blank") @CodePointLength(min = 1, max = 200)
        private String subject;
        @CodePointLength(max = Documents.MAX_BODY)
        private String body;
        private Instant occurredAt;

        public void setChannel(Channel channel) {
            this.channel = channel;
            mark("channel");
        }

        public void setSubject(String subject) {
            this.subject = subject;
            mark("subject");
        }

        public void setBody(String body) {
            this.body = body;
            mark("body");
        }

        public void setOccurredAt(Instant occurredAt) {
            this.occurredAt = occurredAt;
            mark("occurredAt");
        }
    }

    private final Interactions interactions;

    InteractionsController(Interactions interactions) {
        this.interactions = interactions;
    }

    @Operation(summary = "Record an interaction with a contact", operationId = "workspace.createInteraction")
    @PostMapping
    @Audited(AuditType.INTERACTION_CREATED)
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Interaction> create(Caller caller, @PathVariable UUID contactId, @Valid @RequestBody NewInteraction body) {
        Interaction interaction = interactions.create(caller, contactId, body.channel(), body.subject(), body.body(),
                Workspace.occurredAt(body.occurredAt()));
        return Responses.created(interaction, interaction.id());
    }

    @Operation(summary = "The interactions with a contact", operationId = "workspace.listInteractions")
    @GetMapping
    @Requires(Permission.READ_WORKSPACE)
    Page<Interaction> list(Caller caller, @PathVariable UUID contactId, @RequestParam(required = false) Integer limit,
                           @RequestParam(required = false) String cursor) {
        return interactions.list(caller, contactId, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Read an interaction", operationId = "workspace.getInteraction")
    @GetMapping("/{interactionId}")
    @Requires(Permission.READ_WORKSPACE)
    ResponseEntity<Interaction> get(Caller caller, @PathVariable UUID contactId, @PathVariable UUID interactionId,
                                    WebRequest request) {
        Interaction interaction = interactions.get(caller, contactId, interactionId);
        return Responses.read(request, interaction, interaction.version());
    }

    @Operation(summary = "Change an interaction", operationId = "workspace.updateInteraction")
    @PatchMapping(value = "/{interactionId}", consumes = {"application/json", "application/merge-patch+json"})
    @Audited(AuditType.INTERACTION_UPDATED)
    @Requires(Permission.WRITE_WORKSPACE)
    ResponseEntity<Interaction> update(Caller caller, @PathVariable UUID contactId, @PathVariable UUID interactionId,
                                       @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                       @Valid @RequestBody InteractionPatch body) {
        Interaction interaction = interactions.update(caller, contactId, interactionId, IfMatch.of(ifMatch),
                body.required("channel", body.channel), body.required("subject", body.subject), body.optional("body", body.body),
                body.required("occurredAt", Workspace.occurredAt(body.occurredAt)));
        return Responses.written(interaction, interaction.version());
    }

    @Operation(summary = "Delete an interaction", operationId = "workspace.deleteInteraction")
    @DeleteMapping("/{interactionId}")
    @Audited(AuditType.INTERACTION_DELETED)
    @Requires(Permission.WRITE_WORKSPACE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable UUID contactId, @PathVariable UUID interactionId,
                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        interactions.delete(caller, contactId, interactionId, IfMatch.of(ifMatch));
    }
}
