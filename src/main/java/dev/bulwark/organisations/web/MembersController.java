package dev.bulwark.organisations.web;

import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.organisations.internal.Members;
import dev.bulwark.organisations.internal.Members.MemberView;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Members of an organisation. List: any member (READ_ORGANISATION). Role change: MANAGE_MEMBERS plus step-up;
 * owner roles need MANAGE_OWNERS, which no API key holds. Removal: MANAGE_MEMBERS (an owner's, MANAGE_OWNERS), or any
 * member removing themselves (leaving).
 */
@RestController
class MembersController {

    record RoleChange(@NotNull Role role) {
    }

    private final Members members;

    MembersController(Members members) {
        this.members = members;
    }

    @Operation(summary = "The organisation's members", operationId = "organisations.listMembers")
    @GetMapping("/api/v1/orgs/{orgId}/members")
    @Requires(Permission.READ_ORGANISATION)
    Page<MemberView> list(Caller caller, @RequestParam(required = false) Integer limit,
                          @RequestParam(required = false) String cursor) {
        return members.list(caller.orgId(), caller.userId(), PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Change a member's role")
    @PatchMapping(value = "/api/v1/orgs/{orgId}/members/{userId}", consumes = {"application/json", "application/merge-patch+json"})
    @Audited(AuditType.MEMBER_ROLE_CHANGED)
    @Requires(Permission.MANAGE_MEMBERS)
    MemberView changeRole(Caller caller, @PathVariable UUID userId, @Valid @RequestBody RoleChange body) {
        return members.changeRole(caller, userId, body.role());
    }

    @Operation(summary = "Remove a member", operationId = "organisations.removeMember")
    @DeleteMapping("/api/v1/orgs/{orgId}/members/{userId}")
    @Audited(AuditType.MEMBER_REMOVED)
    @Requires(value = Permission.READ_ORGANISATION, enforcePolicy = false)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(Caller caller, @PathVariable UUID userId) {
        members.remove(caller, userId);
    }

}
