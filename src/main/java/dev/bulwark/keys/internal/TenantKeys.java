package dev.bulwark.keys.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import dev.bulwark.keys.KeyProperties;
import dev.bulwark.keys.KeysDestroyedException;
import dev.bulwark.shared.KeyUnavailableException;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.StoredData;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each organisation's keysets: created on first use, stored wrapped by the {@link RootKey} with the tenant and the
 * purpose as associated data, unwrapped on demand and kept in a bounded cache with a time limit.
 */
@Component
public class TenantKeys {

    /** One organisation's unwrapped primitives, with its data keyset's primary ciphertext prefix and key ids. */
    public record Keys(Aead data, Mac index, byte[] primaryPrefix, java.util.List<Integer> keyIds) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final RootKey root;
    private final KmsAeads kms;
    private final Cache<UUID, Keys> cache;

    TenantKeys(JdbcClient jdbc, TenantScope tenantScope, RootKey root, KmsAeads kms, KeyProperties properties)
            throws GeneralSecurityException {
        MacConfig.register();
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.root = root;
        this.kms = kms;
        this.cache = cache(properties, Ticker.systemTicker());
    }

    /**
     * The unwrapped keysets' cache: bounded, and each entry dropped {@code cache-ttl} after it was loaded, however
     * often it is used. Expiry after access would keep a busy organisation's keys in memory forever on an instance
     * that did not make the change, so a customer's revoked KMS key or a crypto-shredded keyset would stay usable
     * there; after write, every instance reads the keys again within {@code cache-ttl}.
     */
    static <V> Cache<UUID, V> cache(KeyProperties properties, Ticker ticker) {
        return Caffeine.newBuilder().maximumSize(properties.cacheSize()).expireAfterWrite(properties.cacheTtl()).ticker(ticker).build();
    }

    public Keys of(UUID tenant) {
        return cache.get(tenant, this::load);
    }

    /**
     * Adds a new AES-256-GCM key to {@code tenant}'s data keyset and makes it primary: new ciphertexts use it, older
     * ones still decrypt under their own key until re-encrypted. Returns the new primary's 5-byte ciphertext prefix.
     */
    public byte[] rotate(UUID tenant) {
        byte[] prefix = tenantScope.inTenant(tenant, null, () -> {
            try {
                Wrapped wrapped = lockLive(tenant);
                Aead wrapper = wrapper(wrapped.kmsUri());
                KeysetHandle current = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.data(), wrapper, context(tenant, "data"));
                KeysetHandle next = KeysetHandle.newBuilder(current)
                        .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                                .withRandomId().makePrimary())
                        .build();
                jdbc.sql("UPDATE tenant_keys SET data_keyset = :data, rotated_at = :at WHERE tenant_id = :tenant")
                        .param("tenant", tenant)
                        .param("data", TinkProtoKeysetFormat.serializeEncryptedKeyset(next, wrapper, context(tenant, "data")))
                        .param("at", Timestamp.from(Instant.now()))
                        .update();
                return prefix(next.getPrimary().getId());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot rotate the keys of organisation " + tenant, e);
            }
        });
        cache.invalidate(tenant);
        return prefix;
    }

    /** The 5-byte prefix (0x01 and the key id) of ciphertexts made by {@code tenant}'s primary data key now. */
    public byte[] primaryPrefix(UUID tenant) {
        return of(tenant).primaryPrefix();
    }

    /** The ids of the keys in {@code tenant}'s data keyset, primary first. */
    public java.util.List<Integer> dataKeyIds(UUID tenant) {
        return of(tenant).keyIds();
    }

    static byte[] prefix(int keyId) {
        return java.nio.ByteBuffer.allocate(5).put((byte) 1).putInt(keyId).array();
    }

    /**
     * Crypto-shredding: erases both wrapped keysets of {@code tenant} and marks the row destroyed, so no later use
     * creates new keys; every ciphertext of the organisation then opens under no key this system holds. Drops this
     * instance's cached keys at once; other instances drop theirs within {@code bulwark.keys.cache-ttl}.
     */
    public void destroy(UUID tenant) {
        tenantScope.inTenant(tenant, null, () -> {
            int updated = jdbc.sql("""
                            UPDATE tenant_keys SET data_keyset = NULL, index_keyset = NULL, destroyed_at = :at
                            WHERE tenant_id = :tenant AND destroyed_at IS NULL
                            """)
                    .param("tenant", tenant)
                    .param("at", Timestamp.from(Instant.now()))
                    .update();
            if (updated == 0) {
                jdbc.sql("""
                                INSERT INTO tenant_keys (tenant_id, data_keyset, index_keyset, created_at, destroyed_at)
                                VALUES (:tenant, NULL, NULL, :at, :at) ON CONFLICT (tenant_id) DO NOTHING
                                """)
                        .param("tenant", tenant)
                        .param("at", Timestamp.from(Instant.now()))
                        .update();
            }
        });
        cache.invalidate(tenant);
    }

    private Keys load(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> {
            try {
                Wrapped wrapped = jdbc.sql("SELECT " + COLUMNS + " FROM tenant_keys WHERE tenant_id = :tenant")
                        .param("tenant", tenant)
                        .query(TenantKeys::wrapped)
                        .optional()
                        .orElse(null);
                if (wrapped == null) {
                    wrapped = create(tenant);
                }
                if (wrapped == DESTROYED) {
                    throw new KeysDestroyedException(tenant);
                }
                Aead wrapper = wrapper(wrapped.kmsUri());
                KeysetHandle data;
                KeysetHandle index;
                try {
                    data = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.data(), wrapper, context(tenant, "data"));
                    index = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.index(), wrapper, context(tenant, "index"));
                } catch (GeneralSecurityException e) {
                    if (wrapped.kmsUri() != null) {
                        throw new KeyUnavailableException("the organisation's own KMS key does not open its keysets", e);
                    }
                    throw e;
                }
                java.util.List<Integer> ids = new java.util.ArrayList<>();
                ids.add(data.getPrimary().getId());
                for (int i = 0; i < data.size(); i++) {
                    if (data.getAt(i).getId() != data.getPrimary().getId()) {
                        ids.add(data.getAt(i).getId());
                    }
                }
                return new Keys(data.getPrimitive(RegistryConfiguration.get(), Aead.class),
                        index.getPrimitive(RegistryConfiguration.get(), Mac.class), prefix(data.getPrimary().getId()),
                        java.util.List.copyOf(ids));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the keysets of organisation " + tenant + " cannot be unwrapped", e);
            }
        });
    }

    private Wrapped create(UUID tenant) throws GeneralSecurityException {
        KeysetHandle data = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        KeysetHandle index = KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG);
        Wrapped fresh = new Wrapped(TinkProtoKeysetFormat.serializeEncryptedKeyset(data, root.aead(), context(tenant, "data")),
                TinkProtoKeysetFormat.serializeEncryptedKeyset(index, root.aead(), context(tenant, "index")), null);
        // Two first uses at once: one insert wins, both read what it wrote.
        jdbc.sql("""
                        INSERT INTO tenant_keys (tenant_id, data_keyset, index_keyset, created_at)
                        VALUES (:tenant, :data, :index, :at) ON CONFLICT (tenant_id) DO NOTHING
                        """)
                .param("tenant", tenant)
                .param("data", fresh.data())
                .param("index", fresh.index())
                .param("at", Timestamp.from(Instant.now()))
                .update();
        return jdbc.sql("SELECT " + COLUMNS + " FROM tenant_keys WHERE tenant_id = :tenant")
                .param("tenant", tenant)
                .query(TenantKeys::wrapped)
                .single();
    }

    /**
     * Whether {@code root} opens the stored keysets it wraps, sampled: the platform organisation's and the three newest
     * organisations'. Empty when none is stored; true when any opens (one damaged row is that organisation's problem,
     * not a wrong root key).
     */
    static java.util.Optional<Boolean> rootOpensStored(StoredData stored, Aead root) {
        UUID platform = Organisation.PLATFORM_ID;
        java.util.List<UUID> sample = new java.util.ArrayList<>(java.util.List.of(platform));
        sample.addAll(stored.query(null, "SELECT id FROM organisations WHERE id <> ? ORDER BY created_at DESC LIMIT 3",
                (rs, n) -> rs.getObject(1, UUID.class), platform));
        boolean seen = false;
        for (UUID tenant : sample) {
            for (byte[] data : stored.query(tenant, """
                            SELECT data_keyset FROM tenant_keys
                            WHERE tenant_id = ? AND destroyed_at IS NULL AND kms_uri IS NULL
                            """, (rs, n) -> rs.getBytes(1), tenant)) {
                seen = true;
                try {
                    TinkProtoKeysetFormat.parseEncryptedKeyset(data, root, context(tenant, "data"));
                    return java.util.Optional.of(true);
                } catch (GeneralSecurityException notUnderThisRoot) {
                    // try the next one
                }
            }
        }
        return seen ? java.util.Optional.of(false) : java.util.Optional.empty();
    }

    /** The associated data of a wrapped keyset: it opens only for its tenant and purpose. */
    private static byte[] context(UUID tenant, String purpose) {
        return ("bulwark.tenant-keyset.v1\n" + tenant + "\n" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private static final String COLUMNS = "data_keyset, index_keyset, destroyed_at IS NOT NULL, kms_uri";

    private record Wrapped(byte[] data, byte[] index, String kmsUri) {
    }

    private static final Wrapped DESTROYED = new Wrapped(new byte[0], new byte[0], null);

    private static Wrapped wrapped(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return rs.getBoolean(3) ? DESTROYED : new Wrapped(rs.getBytes(1), rs.getBytes(2), rs.getString(4));
    }

    /** The organisation's live keysets, locked for a change; {@link KeysDestroyedException} when shredded. */
    private Wrapped lockLive(UUID tenant) {
        of(tenant); // creates them on first use
        return jdbc.sql("SELECT " + COLUMNS + " FROM tenant_keys WHERE tenant_id = :tenant AND destroyed_at IS NULL FOR UPDATE")
                .param("tenant", tenant)
                .query(TenantKeys::wrapped)
                .optional()
                .orElseThrow(() -> new KeysDestroyedException(tenant));
    }

    /** What wraps an organisation's keysets: its own KMS key if it set one, Bulwark's root key otherwise. */
    private Aead wrapper(String kmsUri) {
        return kmsUri == null ? root.aead() : kms.aead(kmsUri);
    }

    /**
     * Re-wraps both keysets of {@code tenant} under {@code kmsUri} (its own KMS key), or under the root key when null;
     * the keys themselves, and so every ciphertext, stay as they are. The new wrapper is tried before anything is
     * written: a key that cannot wrap and unwrap leaves the organisation as it was.
     * Also what a root-key rotation does to each organisation the root key wraps (same wrapper, its new primary).
     */
    public void rewrap(UUID tenant, String kmsUri) {
        tenantScope.inTenant(tenant, null, () -> {
            try {
                Wrapped wrapped = lockLive(tenant);
                Aead from = wrapper(wrapped.kmsUri());
                Aead to = wrapper(kmsUri);
                byte[] probe = to.encrypt(context(tenant, "probe"), context(tenant, "probe"));
                to.decrypt(probe, context(tenant, "probe"));
                KeysetHandle data = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.data(), from, context(tenant, "data"));
                KeysetHandle index = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.index(), from, context(tenant, "index"));
                jdbc.sql("""
                                UPDATE tenant_keys SET data_keyset = :data, index_keyset = :index, kms_uri = :uri
                                WHERE tenant_id = :tenant
                                """)
                        .param("tenant", tenant)
                        .param("data", TinkProtoKeysetFormat.serializeEncryptedKeyset(data, to, context(tenant, "data")))
                        .param("index", TinkProtoKeysetFormat.serializeEncryptedKeyset(index, to, context(tenant, "index")))
                        .param("uri", kmsUri)
                        .update();
            } catch (GeneralSecurityException e) {
                throw new KeyUnavailableException("the keysets cannot be re-wrapped under that key", e);
            }
        });
        cache.invalidate(tenant);
    }

    /**
     * Re-wraps {@code tenant}'s keysets under the root key's current primary if the root key wraps them (no own KMS
     * key, not shredded, created); returns whether it did. What a root-key rotation does to each organisation.
     */
    public boolean rewrapUnderRoot(UUID tenant) {
        boolean rootWrapped = tenantScope.inTenant(tenant, null, () -> jdbc.sql("""
                        SELECT count(*) FROM tenant_keys WHERE tenant_id = :tenant AND destroyed_at IS NULL AND kms_uri IS NULL
                        """)
                .param("tenant", tenant)
                .query(Long.class)
                .single() > 0);
        if (rootWrapped) {
            rewrap(tenant, null);
        }
        return rootWrapped;
    }

    /** The organisation's own KMS key URI, if it set one; empty when Bulwark's root key wraps its keys. */
    public java.util.Optional<String> kmsUri(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("SELECT kms_uri FROM tenant_keys WHERE tenant_id = :tenant")
                .param("tenant", tenant)
                .query(String.class)
                .optional());
    }

    /** When {@code tenant}'s data key last got a new primary, if ever. */
    public java.util.Optional<Instant> rotatedAt(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("SELECT rotated_at FROM tenant_keys WHERE tenant_id = :tenant")
                .param("tenant", tenant)
                .query((rs, n) -> rs.getTimestamp(1))
                .optional()
                .map(Timestamp::toInstant));
    }

    /**
     * Forgets this instance's unwrapped keys of {@code tenant}: the next use unwraps them again, so a revoked KMS key
     * or a destroyed keyset takes effect at once here (other instances: within {@code bulwark.keys.cache-ttl}).
     */
    public void evict(UUID tenant) {
        cache.invalidate(tenant);
    }

}
