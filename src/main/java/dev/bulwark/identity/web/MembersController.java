package dev.bulwark.identity.web;

import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.identity.internal.Accounts;
import dev.bulwark.identity.internal.AuthService;
import dev.bulwark.shared.Audited;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import jakarta.servlet.http.HttpServletRequest;
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

    private final Accounts accounts;
    private final AuthService auth;

    MembersController(Accounts accounts, AuthService auth) {
        this.accounts = accounts;
        this.auth = auth;
    }

    @GetMapping("/api/v1/orgs/{orgId}/members")
    @Requires(Permission.READ_ORGANISATION)
    Page<Accounts.MemberView> list(Caller caller, @RequestParam(required = false) Integer limit,
                                   @RequestParam(required = false) String cursor) {
        return accounts.members(caller.orgId(), caller.userId(), PageRequest.of(limit, cursor));
    }

    @PatchMapping(value = "/api/v1/orgs/{orgId}/members/{userId}", consumes = {"application/json", "application/merge-patch+json"})
    @Audited("member.role_changed")
    @Requires(Permission.MANAGE_MEMBERS)
    Accounts.MemberView changeRole(Caller caller, @PathVariable UUID userId, @Valid @RequestBody RoleChange body,
                                   HttpServletRequest request) {
        return accounts.changeRole(caller, userId, body.role(), Requests.client(request));
    }

    @DeleteMapping("/api/v1/orgs/{orgId}/members/{userId}")
    @Audited("member.removed")
    @Requires(value = Permission.READ_ORGANISATION, enforcePolicy = false)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(Caller caller, @PathVariable UUID userId, HttpServletRequest request) {
        accounts.removeMember(caller, userId, Requests.client(request));
    }

}
