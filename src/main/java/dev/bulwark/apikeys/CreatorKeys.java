package dev.bulwark.apikeys;

import java.util.UUID;

import dev.bulwark.apikeys.internal.ApiKeyManagement;
import org.springframework.stereotype.Service;

/** API keys by who created them: what identity needs when an account is taken back by its owner. */
@Service
public class CreatorKeys {

    private final ApiKeyManagement keys;

    CreatorKeys(ApiKeyManagement keys) {
        this.keys = keys;
    }

    /** Revokes every live key {@code userId} created in {@code orgId}, each with an {@code apikey.revoked} event; returns how many. */
    public int revokeAllCreatedBy(UUID orgId, UUID userId, String reason) {
        return keys.revokeAllCreatedBy(orgId, userId, reason);
    }
}
