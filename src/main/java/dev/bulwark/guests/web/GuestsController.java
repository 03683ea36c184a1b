package dev.bulwark.guests.web;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.guests.internal.GuestAccess;
import dev.bulwark.guests.internal.GuestAccess.GuestView;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.TextRules;
import dev.bulwark.tenancy.Permission;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A project's guests (docs/guests.md): MEMBER and above (WRITE_WORKSPACE). Inviting a guest and mailing a link share
 * the project's effective documents with someone outside the organisation, so only a person does that, never an API
 * key; listing and revoking serve keys too (a key may always take access away).
 */
@RestController
class GuestsController {

    record NewGuest(@NotBlank @Size(max = 254) @Email(regexp = TextRules.EMAIL, message = "must be a valid email address") String email,
                    Instant expiresAt) {
    }

    /** A guest as the API shows it. */
    record GuestAnswer(UUID id, String email, UUID projectId, Instant createdAt, Instant expiresAt, Instant revokedAt) {

        static GuestAnswer of(GuestView g) {
            return new GuestAnswer(g.id(), g.email(), g.projectId(), g.createdAt(), g.expiresAt(), g.revokedAt());
        }
    }

    private final GuestAccess guests;

    GuestsController(GuestAccess guests) {
        this.guests = guests;
    }

    @Operation(summary = "Invite a guest to a project (mails a magic link)")
    @PostMapping("/api/v1/orgs/{orgId}/projects/{projectId}/guests")
    @Audited(AuditType.GUEST_INVITED)
    @Requires(value = Permission.WRITE_WORKSPACE, personOnly = true)
    @ResponseStatus(HttpStatus.CREATED)
    GuestAnswer invite(Caller caller, @PathVariable UUID projectId, @Valid @RequestBody NewGuest body) {
        return GuestAnswer.of(guests.invite(caller, projectId, body.email(), body.expiresAt()));
    }

    @Operation(summary = "List a project's guests")
    @GetMapping("/api/v1/orgs/{orgId}/projects/{projectId}/guests")
    @Requires(Permission.WRITE_WORKSPACE)
    Page<GuestAnswer> list(Caller caller, @PathVariable UUID projectId, @RequestParam(required = false) Integer limit,
                           @RequestParam(required = false) String cursor) {
        Page<GuestView> page = guests.list(caller, projectId, PageRequest.of(limit, cursor));
        return new Page<>(page.items().stream().map(GuestAnswer::of).toList(), page.nextCursor());
    }

    @Operation(summary = "Mail a guest a fresh magic link")
    @PostMapping("/api/v1/orgs/{orgId}/projects/{projectId}/guests/{guestId}/link")
    @Audited(AuditType.GUEST_INVITED)
    @Requires(value = Permission.WRITE_WORKSPACE, personOnly = true)
    @ResponseStatus(HttpStatus.ACCEPTED)
    GuestAnswer freshLink(Caller caller, @PathVariable UUID projectId, @PathVariable UUID guestId) {
        return GuestAnswer.of(guests.freshLink(caller, projectId, guestId));
    }

    @Operation(summary = "Revoke a guest (ends the guest's session at once)")
    @DeleteMapping("/api/v1/orgs/{orgId}/projects/{projectId}/guests/{guestId}")
    @Audited(AuditType.GUEST_REVOKED)
    @Requires(Permission.WRITE_WORKSPACE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(Caller caller, @PathVariable UUID projectId, @PathVariable UUID guestId) {
        guests.revoke(caller, projectId, guestId);
    }
}
