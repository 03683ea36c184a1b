package dev.bulwark.apikeys;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the apikeys module: the keys of each organisation and the global index that finds a key's tenant. */
@Component
public final class ApiKeysTables extends ModuleTables {

    public ApiKeysTables() {
        super("apikeys", Set.of("projects"),
                Table.tenant("api_keys")
                        .purgedBy("UPDATE api_keys SET revoked_at = coalesce(revoked_at, :now) WHERE tenant_id = :org"),
                Table.global("api_key_index",
                        "API-key hash to (organisation, key): a request finds its key's tenant before binding it (hashes, ids)"));
    }
}
