package dev.bulwark.keys;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The key hierarchy's settings (docs/encryption.md).
 *
 * @param dir             where the local root keyset and the sealed key files live (created at first start, mode 600)
 * @param rootUri         a KMS key URI for the root key instead of the local keyset (any {@code KmsClient} bean that
 *                        supports it, e.g. {@code aws-kms://…} with Tink's AWS integration, or {@code local-kms://name})
 * @param rootPassphrase  seals the local root keyset (Argon2id-derived AES-256-GCM key); set it from the environment
 *                        ({@code BULWARK_KEYS_ROOT_PASSPHRASE}), never in a file kept with the keyset
 * @param localKmsDir     enables the local KMS stand-in ({@code local-kms://name} is {@code <dir>/name.json}); for
 *                        development and tests of customer-managed keys, not a real KMS
 * @param cacheSize       how many organisations' unwrapped keysets are kept in memory
 * @param cacheTtl        how long after it was loaded an unwrapped keyset is kept, however often it is used
 * @param reencryptInterval how often the re-encryption job looks for rotated organisations
 * @param reencryptBatch  rows per table per batch of re-encryption
 */
@ConfigurationProperties("bulwark.keys")
public record KeyProperties(
        @DefaultValue("./var/keys") Path dir,
        String rootUri,
        String rootPassphrase,
        Path localKmsDir,
        @DefaultValue("10000") int cacheSize,
        @DefaultValue("10m") Duration cacheTtl,
        @DefaultValue("30s") Duration reencryptInterval,
        @DefaultValue("500") int reencryptBatch) {

    public KeyProperties {
        // Unset environment variables arrive as empty strings.
        rootUri = rootUri == null || rootUri.isBlank() ? null : rootUri.strip();
        rootPassphrase = rootPassphrase == null || rootPassphrase.isEmpty() ? null : rootPassphrase;
        if (cacheSize < 1 || cacheTtl.isNegative() || cacheTtl.isZero()) {
            throw new IllegalArgumentException("bulwark.keys.cache-size and cache-ttl must be positive");
        }
        if (reencryptBatch < 1 || reencryptInterval.isNegative() || reencryptInterval.isZero()) {
            throw new IllegalArgumentException("bulwark.keys.reencrypt-batch and reencrypt-interval must be positive");
        }
        if (rootUri != null && rootPassphrase != null) {
            throw new IllegalArgumentException("bulwark.keys.root-uri and root-passphrase exclude each other: a KMS root key"
                    + " has no local keyset to seal");
        }
        if (rootPassphrase != null && rootPassphrase.length() < 16) {
            throw new IllegalArgumentException("bulwark.keys.root-passphrase must have at least 16 characters");
        }
    }

    @Override
    public String toString() {
        return "KeyProperties[dir=" + dir + ", rootUri=" + rootUri + ", rootPassphrase=" + (rootPassphrase == null ? "unset" : "set")
                + ", localKmsDir=" + localKmsDir + ", cacheSize=" + cacheSize + ", cacheTtl=" + cacheTtl + "]";
    }
}
