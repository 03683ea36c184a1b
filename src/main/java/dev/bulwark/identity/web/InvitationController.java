package dev.bulwark.identity.web;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.access.SignedIn;
import dev.bulwark.identity.internal.InvitationService;
import dev.bulwark.shared.Audited;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.TextRules;
import dev.bulwark.tenancy.Invitations;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Invite (MANAGE_MEMBERS; OWNER invitations need MANAGE_OWNERS, in person) and accept (the invited user, authenticated).
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

    /** CONTRACT.md's answer: the token appears here only. */
    record InvitationCreated(UUID id, String email, Role role, String token, Instant expiresAt) {
    }

    private final InvitationService invitations;

    InvitationController(InvitationService invitations) {
        this.invitations = invitations;
    }

    @PostMapping("/api/v1/orgs/{orgId}/invitations")
    @Audited("member.invited")
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.MANAGE_MEMBERS)
    ResponseEntity<InvitationCreated> invite(Caller caller, @Valid @RequestBody InviteRequest body, HttpServletRequest request) {
        // Decided here, where the caller's key is known: an invitation to OWNER grants the owner role, which no API key
        // does (CONTRACT revision 2), whatever its role.
        if (body.role() == Role.OWNER && !caller.may(Permission.MANAGE_OWNERS)) {
            throw new ForbiddenException(caller.isApiKey() ? "An API key never invites an owner; sign in as an owner."
                    : "Only an owner can invite an owner.");
        }
        UUID orgId = caller.orgId();
        Invitations.Issued issued = invitations.invite(orgId, caller.userId(), body.email(), body.role(), Requests.client(request));
        Invitations.Invitation i = issued.invitation();
        return ResponseEntity.created(URI.create("/api/v1/orgs/" + orgId + "/invitations/" + i.id()))
                .body(new InvitationCreated(i.id(), body.email(), i.role(), issued.token(), i.expiresAt()));
    }

    @PostMapping("/api/v1/invitations/accept")
    @Audited("member.joined")
    @SignedIn
    Map<String, Object> accept(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody AcceptRequest body, HttpServletRequest request) {
        Invitations.Invitation joined = invitations.accept(Requests.userId(jwt), body.token(), Requests.client(request));
        return Map.of("organisationId", joined.organisationId(), "role", joined.role());
    }
}
