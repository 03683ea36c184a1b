package dev.bulwark.organisations;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The organisations module owns no table: it runs members, the security policy and invitations on the records tenancy
 * keeps (tenancy creates them with the organisation and reads them when an invitation is accepted).
 */
@Component
public final class OrganisationsTables extends ModuleTables {

    public OrganisationsTables() {
        super("organisations", Set.of("memberships", "organisation_policies", "invitations"));
    }
}
