package dev.bulwark.example.web;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.Audited;
import dev.bulwark.example.internal.ExampleNotes;
import dev.bulwark.example.internal.ExampleNotes.Note;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The example module's endpoints (docs/extending.md): each declares its permission ({@code @Requires}), so the gate
 * answers 404 outside the organisation and 403 without the permission before this code runs; each state-changing one
 * declares its audit trail ({@code @Audited}); bodies are validated with limits, unknown fields refused.
 */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/example-notes")
class ExampleNotesController {

    record NewNote(@NotBlank @CodePointLength(max = 200) String title, @NotNull @CodePointLength(max = 10_000) String body) {
    }

    private final ExampleNotes notes;

    ExampleNotesController(ExampleNotes notes) {
        this.notes = notes;
    }

    @Operation(summary = "Write a note (the guide's example module)")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.WRITE_WORKSPACE)
    // A module of your own adds its event types to AuditType and appends them in the write's transaction (the guide's
    // "Audit events"); this example lives in the test sources, which cannot add to that closed enum, so it says why
    // it records none, which the audit declarations test accepts only with a reason.
    @Audited(none = "the example module of docs/extending.md, in the test sources, cannot add to the closed AuditType")
    Note create(Caller caller, @Valid @RequestBody NewNote body) {
        return notes.create(caller, body.title().strip(), body.body());
    }

    @Operation(summary = "List the organisation's notes (the guide's example module)")
    @GetMapping
    @Requires(Permission.READ_WORKSPACE)
    Page<Note> list(Caller caller, @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return notes.list(caller, PageRequest.of(limit, cursor));
    }
}
