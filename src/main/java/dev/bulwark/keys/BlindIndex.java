package dev.bulwark.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

import dev.bulwark.keys.internal.TenantKeys;
import org.springframework.stereotype.Service;

/**
 * Equality lookups without plaintext: a keyed HMAC-SHA256 (the organisation's index keyset) of a normalised value
 * and what it is (e.g. {@code contact.email}). The same email gives different index values in different
 * organisations, and a bare hash of a guessed email matches none of them.
 */
@Service
public class BlindIndex {

    private final TenantKeys keys;

    BlindIndex(TenantKeys keys) {
        this.keys = keys;
    }

    /** The index value of an email for {@code purpose} in {@code tenant}: trimmed and lower-cased first. */
    public byte[] email(UUID tenant, String purpose, String email) {
        return of(tenant, purpose, email.strip().toLowerCase(Locale.ROOT));
    }

    /** The index value of an already normalised {@code value}. */
    public byte[] of(UUID tenant, String purpose, String value) {
        byte[] input = (purpose + "\n" + value).getBytes(StandardCharsets.UTF_8);
        try {
            return keys.of(tenant).index().computeMac(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute a blind index", e);
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }
}
