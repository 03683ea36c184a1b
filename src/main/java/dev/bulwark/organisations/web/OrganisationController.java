package dev.bulwark.organisations.web;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.Organisations;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/orgs/{orgId}}: any member (READ_ORGANISATION); anyone else gets 404. */
@RestController
class OrganisationController {

    private final Organisations organisations;

    OrganisationController(Organisations organisations) {
        this.organisations = organisations;
    }

    @Operation(summary = "The organisation")
    @GetMapping("/api/v1/orgs/{orgId}")
    @Requires(Permission.READ_ORGANISATION)
    Organisation get(Caller caller) {
        return organisations.read(caller.orgId());
    }
}
