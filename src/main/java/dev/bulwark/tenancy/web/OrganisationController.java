package dev.bulwark.tenancy.web;

import java.util.UUID;

import dev.bulwark.shared.NotFoundException;
import dev.bulwark.tenancy.Memberships;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.Organisations;
import dev.bulwark.tenancy.Permission;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/orgs/{orgId}}: any member (READ_ORGANISATION); anyone else gets 404. */
@RestController
class OrganisationController {

    private final Memberships memberships;
    private final Organisations organisations;

    OrganisationController(Memberships memberships, Organisations organisations) {
        this.memberships = memberships;
        this.organisations = organisations;
    }

    @GetMapping("/api/v1/orgs/{orgId}")
    Organisation get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID orgId) {
        memberships.require(orgId, UUID.fromString(jwt.getSubject()), Permission.READ_ORGANISATION);
        return organisations.find(orgId).orElseThrow(() -> new NotFoundException("There is no such organisation."));
    }
}
