package dev.bulwark.tenancy;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the tenancy module: the registry of organisations, memberships, invitations, leases (docs/architecture.md). */
@Component
public final class TenancyTables extends ModuleTables {

    public TenancyTables() {
        super("tenancy", Set.of("retention_policies"),
                Table.global("organisations",
                        "registry of tenants: a request resolves its organisation before any tenant is bound"),
                Table.tenant("organisation_policies"),
                Table.tenant("memberships").deletedOnPurge()
                        .exported("members", "created_at, user_id", true, "user_id", "role", "created_at"),
                Table.tenant("invitations").sealed("id", "invitation", java.util.List.of("email"), java.util.List.of())
                        .purgedBy("UPDATE invitations SET expires_at = least(expires_at, :now) WHERE tenant_id = :org"),
                Table.global("invitation_index",
                        "invitation-token hash to (organisation, invitation): accepting finds its tenant before binding it"),
                Table.global("leases",
                        "named leases of the jobs one instance at a time may run, taken before any tenant is bound (names, times)"),
                Table.global("flyway_schema_history",
                        "migration history, written by the owner role only; the app role has no privilege on it").noAppAccess());
    }
}
