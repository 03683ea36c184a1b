package dev.bulwark.keys;

import java.util.UUID;

import dev.bulwark.keys.internal.TenantKeys;
import org.springframework.stereotype.Service;

/**
 * Crypto-shredding: destroys an organisation's keys, after which none of its encrypted data can be read by any code
 * path of the live system (docs/encryption.md says what that means for backups). Used by organisation deletion.
 */
@Service
public class Shredding {

    private final TenantKeys keys;

    Shredding(TenantKeys keys) {
        this.keys = keys;
    }

    public void destroyKeys(UUID tenant) {
        keys.destroy(tenant);
    }
}
