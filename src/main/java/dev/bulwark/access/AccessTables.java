package dev.bulwark.access;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of the access module: request budgets. The gate reads, through the functions of migration V40, the
 * memberships, organisations, policies, users, factors and API keys it checks (owned by tenancy, identity and apikeys).
 */
@Component
public final class AccessTables extends ModuleTables {

    public AccessTables() {
        super("access", Set.of("memberships", "organisations", "organisation_policies", "users", "totp_factors", "passkeys",
                        "api_keys", "api_key_index"),
                Table.global("rate_limit_buckets",
                        "request budgets shared by all instances, taken before any tenant is bound (hashed keys, counters)"));
    }
}
