package dev.bulwark.identity.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.apikeys.CreatorKeys;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static dev.bulwark.identity.internal.SecurityEvents.API_KEYS_REVOKED;
import static dev.bulwark.identity.internal.SecurityEvents.AUTHENTICATORS_REMOVED;
import static dev.bulwark.identity.internal.SecurityEvents.PASSKEYS_REMOVED;

/**
 * Taking back an account whose address nobody had proven (docs/authentication.md#account-takeover-defences): when its
 * owner first proves the mailbox by a reset, every second factor, passkey and recovery code is removed and every API
 * key the account created is revoked, because whoever set them up may have been an attacker who signed up first with
 * the owner's address. Runs inside the reset's transaction.
 */
@Component
class Reclaims {

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final CreatorKeys creatorKeys;

    Reclaims(JdbcClient jdbc, TenantScope tenantScope, CreatorKeys creatorKeys) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.creatorKeys = creatorKeys;
    }

    /** Strips the account of what it gained before its address was proven; answers counts for the audit event. */
    Map<String, Object> reclaim(UUID userId, ClientInfo client, Instant now) {
        Map<String, Object> removed = new LinkedHashMap<>();
        tenantScope.asUser(userId, () -> {
            removed.put(AUTHENTICATORS_REMOVED, jdbc.sql("DELETE FROM totp_factors WHERE user_id = :user").param("user", userId).update());
            jdbc.sql("DELETE FROM recovery_codes WHERE user_id = :user").param("user", userId).update();
            removed.put(PASSKEYS_REMOVED, jdbc.sql("DELETE FROM passkeys WHERE user_id = :user").param("user", userId).update());
            return null;
        });
        jdbc.sql("DELETE FROM passkey_index WHERE user_id = :user").param("user", userId).update();
        List<UUID> orgs = tenantScope.asUser(userId, () -> jdbc.sql("SELECT tenant_id FROM memberships WHERE user_id = :user")
                .param("user", userId).query(UUID.class).list());
        int keys = 0;
        for (UUID org : orgs) {
            keys += creatorKeys.revokeAllCreatedBy(org, userId, "account-reclaimed");
        }
        removed.put(API_KEYS_REVOKED, keys);
        return removed;
    }
}
