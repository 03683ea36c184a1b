package dev.bulwark.keys;

import java.util.Optional;
import java.util.UUID;

import dev.bulwark.keys.internal.KmsAeads;
import dev.bulwark.keys.internal.TenantKeys;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.KeyUnavailableException;
import org.springframework.stereotype.Service;

/**
 * Customer-managed keys (BYOK): an organisation's keysets wrapped by its own KMS key instead of Bulwark's root key.
 * Revoking Bulwark's access to that key makes the organisation's data unreadable to Bulwark; restoring it restores
 * access. Only the wrapping changes: no ciphertext is rewritten.
 */
@Service
public class CustomerKeys {

    private final TenantKeys keys;
    private final KmsAeads kms;

    CustomerKeys(TenantKeys keys, KmsAeads kms) {
        this.keys = keys;
        this.kms = kms;
    }

    /**
     * Wraps {@code tenant}'s keysets with the KMS key {@code keyUri} from now on. Refused (400, field {@code keyUri})
     * when no configured KMS client supports the URI, or the key does not wrap and unwrap for Bulwark.
     */
    public void use(UUID tenant, String keyUri) {
        if (!kms.supports(keyUri)) {
            throw new InvalidInputException("keyUri", "is not a key URI of a KMS this deployment is configured for");
        }
        try {
            keys.rewrap(tenant, keyUri);
        } catch (KeyUnavailableException e) {
            throw new InvalidInputException("keyUri", "cannot be used: the KMS does not let Bulwark wrap and unwrap with it");
        }
    }

    /** Goes back to Bulwark's root key; needs the organisation's own key to still open its keysets. */
    public void release(UUID tenant) {
        keys.rewrap(tenant, null);
    }

    /** The organisation's own KMS key URI, if any. */
    public Optional<String> keyUri(UUID tenant) {
        return keys.kmsUri(tenant);
    }

    /** Forgets this instance's unwrapped keys of {@code tenant}, so the next use asks its KMS again. */
    public void forget(UUID tenant) {
        keys.evict(tenant);
    }
}
