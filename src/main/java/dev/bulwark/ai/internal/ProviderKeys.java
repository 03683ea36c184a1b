package dev.bulwark.ai.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * An organisation's own provider keys (bring your own key): set by an OWNER in person with step-up, encrypted under
 * the organisation's data key ({@link FieldCipher}, bound to the row), used instead of the platform's key for that
 * organisation, never returned; only the last four characters are shown, to tell keys apart.
 */
@Service
public class ProviderKeys {

    /** What is shown of an organisation's key: its last four characters and when it was set. */
    public record OrgKey(String hint, Instant setAt) {
    }

    /** An organisation's key as just set: which provider, its hint and when. */
    public record SetKey(String providerId, String hint, Instant setAt) {
    }

    /** The details of {@code ai.key.set} and {@code ai.key.removed} (docs/audit-events.md); never the key. */
    static final String PROVIDER_ID = "providerId";
    static final String HINT = "hint";

    static final String TABLE = "ai_provider_keys";
    static final String COLUMN = "api_key";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final RecentFactor recentFactor;
    private final AuditLog audit;
    private final FieldCipher cipher;
    private final Providers providers;
    private final AdmissionCache admissions;

    ProviderKeys(JdbcClient jdbc, TenantScope tenantScope, RecentFactor recentFactor, AuditLog audit, FieldCipher cipher,
                 Providers providers, AdmissionCache admissions) {
        this.admissions = admissions;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.recentFactor = recentFactor;
        this.audit = audit;
        this.cipher = cipher;
        this.providers = providers;
    }

    /** Sets (or replaces) the organisation's key for {@code providerId}; 404 for a provider not configured. */
    public SetKey set(Caller caller, String providerId, String apiKey) {
        requireProvider(providerId);
        recentFactor.require(caller);
        UUID id = Ids.newId();
        String hint = apiKey.substring(apiKey.length() - 4);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            byte[] sealed = cipher.encrypt(new FieldCipher.Field(caller.orgId(), TABLE, COLUMN, id), apiKey);
            jdbc.sql("""
                            INSERT INTO ai_provider_keys (tenant_id, provider_id, id, api_key_ct, hint, set_at, set_by)
                            VALUES (:org, :provider, :id, :sealed, :hint, :now, :actor)
                            ON CONFLICT (tenant_id, provider_id) DO UPDATE SET id = :id, api_key_ct = :sealed, hint = :hint,
                                set_at = :now, set_by = :actor
                            """)
                    .param("org", caller.orgId())
                    .param("provider", providerId)
                    .param("id", id)
                    .param("sealed", sealed)
                    .param("hint", hint)
                    .param("now", Timestamp.from(now))
                    .param("actor", caller.userId())
                    .update();
            admissions.changedInTransaction(caller.orgId());
            audit.callerAction(caller, AuditType.AI_KEY_SET, Entity.of("ai_provider_key", id),
                    Map.of(PROVIDER_ID, providerId, HINT, hint));
        });
        return new SetKey(providerId, hint, now);
    }

    /** Removes the organisation's key for {@code providerId}; 404 when it has none. */
    public void remove(Caller caller, String providerId) {
        requireProvider(providerId);
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            UUID removed = jdbc.sql("DELETE FROM ai_provider_keys WHERE tenant_id = :org AND provider_id = :provider RETURNING id")
                    .param("org", caller.orgId())
                    .param("provider", providerId)
                    .query(UUID.class)
                    .optional()
                    .orElseThrow(() -> new NotFoundException("This organisation has no key of its own for this provider."));
            admissions.changedInTransaction(caller.orgId());
            audit.callerAction(caller, AuditType.AI_KEY_REMOVED, Entity.of("ai_provider_key", removed),
                    Map.of(PROVIDER_ID, providerId));
        });
    }

    /** The organisation's keys, by provider id, as shown (never the key); in the caller's tenant-bound transaction. */
    Map<String, OrgKey> shown(UUID org) {
        Map<String, OrgKey> keys = new LinkedHashMap<>();
        jdbc.sql("SELECT provider_id, hint, set_at FROM ai_provider_keys WHERE tenant_id = :org ORDER BY provider_id")
                .param("org", org)
                .query(rs -> {
                    keys.put(rs.getString("provider_id"), new OrgKey(rs.getString("hint"), rs.getTimestamp("set_at").toInstant()));
                });
        return keys;
    }

    /** The organisation's own key for {@code providerId}, decrypted; in the caller's tenant-bound transaction. */
    /** The organisation's own key as stored with row id {@code id}, opened; empty when there is none. */
    Optional<String> open(UUID org, UUID id, byte[] sealed) {
        return id == null ? Optional.empty() : Optional.of(cipher.decrypt(new FieldCipher.Field(org, TABLE, COLUMN, id), sealed));
    }

    Optional<String> key(UUID org, String providerId) {
        record Stored(UUID id, byte[] sealed) {
        }
        return jdbc.sql("SELECT id, api_key_ct FROM ai_provider_keys WHERE tenant_id = :org AND provider_id = :provider")
                .param("org", org)
                .param("provider", providerId)
                .query((rs, n) -> new Stored(rs.getObject("id", UUID.class), rs.getBytes("api_key_ct")))
                .optional()
                .flatMap(s -> open(org, s.id(), s.sealed()));
    }

    private void requireProvider(String providerId) {
        if (providers.find(providerId).isEmpty()) {
            throw new NotFoundException("There is no such provider.");
        }
    }
}
