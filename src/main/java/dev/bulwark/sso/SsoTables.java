package dev.bulwark.sso;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of single sign-on (docs/sso.md): each organisation's OIDC client (its secret encrypted), its domains and
 * their verification tokens, the global index from a domain's hash to its organisation, the identities linked to
 * accounts, and the sign-ins in flight.
 */
@Component
public final class SsoTables extends ModuleTables {

    public SsoTables() {
        super("sso", Set.of(),
                Table.tenant("sso_configs").deletedOnPurge()
                        // Not exported: the export opens sealed columns, and a client secret is never shown again.
                        .sealed("secret_id", null, List.of("client_secret"), List.of()),
                Table.tenant("sso_domains").deletedOnPurge()
                        .exported("sso_domains", "domain", true, "domain", "verified_at", "created_at"),
                Table.global("sso_domain_index",
                        "domain hash to organisation: a sign-in finds the organisation of an address before any tenant is bound,"
                                + " and a domain belongs to one organisation (hashes, ids, times)")
                        .purgedBy("DELETE FROM sso_domain_index WHERE tenant_id = :org"),
                Table.tenant("sso_identities").deletedOnPurge(),
                Table.tenant("sso_logins").deletedOnPurge());
    }
}
