package dev.bulwark.access;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the access module: API keys and request budgets (docs/architecture.md). */
@Component
public final class AccessTables extends ModuleTables {

    public AccessTables() {
        super("access", Set.of("memberships", "projects"),
                Table.tenant("api_keys")
                        .purgedBy("UPDATE api_keys SET revoked_at = coalesce(revoked_at, :now) WHERE tenant_id = :org"),
                Table.global("api_key_index",
                        "API-key hash to (organisation, key): a request finds its key's tenant before binding it (hashes, ids)"),
                Table.global("rate_limit_buckets",
                        "request budgets shared by all instances, taken before any tenant is bound (hashed keys, counters)"));
    }
}
