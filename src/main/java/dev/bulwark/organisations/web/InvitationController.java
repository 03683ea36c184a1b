package dev.bulwark.organisations.web;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.organisations.internal.InvitationService;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.TextRules;
import dev.bulwark.tenancy.Invitations;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Invite, list and revoke (MANAGE_MEMBERS; OWNER invitations need MANAGE_OWNERS and a person) and accept (the invited
 * user, authenticated, holding the token that was mailed to them).
 */
@RestController
class InvitationController {

    record InviteRequest(
            @NotBlank @Size(max = 254) @Email(regexp = TextRules.EMAIL, message = "must be a valid email address")
            String email,
            @NotNull Role role) {
    }

    record AcceptRequest(@NotNull @Size(max = 100) String token) {
        @Override
        public String toString() {
            return "AcceptRequest[…]";
        }
    }

    /** The answer to an invitation: never its token, which goes only to the invited mailbox. */
    /** The organisation joined by accepting, and the role held in it. */
    record Joined(UUID organisationId, Role role) {
    }

    record InvitationCreated(UUID id, String email, Role role, Instant expiresAt) {
    }

    private final InvitationService invitations;

    InvitationController(InvitationService invitations) {
        this.invitations = invitations;
    }

    @Operation(summary = "Invite someone to the organisation")
    @PostMapping("/api/v1/orgs/{orgId}/invitations")
    @Audited(AuditType.MEMBER_INVITED)
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.MANAGE_MEMBERS)
    ResponseEntity<InvitationCreated> invite(Caller caller, @Valid @RequestBody InviteRequest body) {
        // Decided here, where the caller's key is known: an invitation to OWNER grants the owner role, which no API key
        // does (docs/api.md), whatever its role.
        if (body.role() == Role.OWNER && !caller.may(Permission.MANAGE_OWNERS)) {
            throw new ForbiddenException(caller.isApiKey() ? "An API key never invites an owner; sign in as an owner."
                    : "Only an owner can invite an owner.");
        }
        UUID orgId = caller.orgId();
        Invitations.Invitation i = invitations.invite(caller, body.email(), body.role());
        return ResponseEntity.created(URI.create("/api/v1/orgs/" + orgId + "/invitations/" + i.id()))
                .body(new InvitationCreated(i.id(), body.email(), i.role(), i.expiresAt()));
    }

    @Operation(summary = "The organisation's pending invitations")
    @GetMapping("/api/v1/orgs/{orgId}/invitations")
    @Requires(Permission.MANAGE_MEMBERS)
    Page<InvitationService.Listed> pending(Caller caller, @RequestParam(required = false) Integer limit,
                                           @RequestParam(required = false) String cursor) {
        return invitations.pending(caller.orgId(), caller.userId(), PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Revoke an invitation", operationId = "organisations.revokeInvitation")
    @DeleteMapping("/api/v1/orgs/{orgId}/invitations/{invitationId}")
    @Audited(AuditType.MEMBER_INVITATION_REVOKED)
    @Requires(Permission.MANAGE_MEMBERS)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(Caller caller, @PathVariable UUID invitationId) {
        invitations.revoke(caller, invitationId);
    }

    @Operation(summary = "Accept an invitation", operationId = "organisations.acceptInvitation")
    @PostMapping("/api/v1/invitations/accept")
    @Audited(AuditType.MEMBER_JOINED)
    @SignedIn
    Joined accept(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody AcceptRequest body) {
        Invitations.Invitation joined = invitations.accept(UUID.fromString(jwt.getSubject()), body.token());
        return new Joined(joined.organisationId(), joined.role());
    }
}
