package dev.bulwark.access;

import java.util.HexFormat;

import dev.bulwark.shared.Tokens;

/**
 * A presented API key, well formed (its checksum holds) but not yet resolved: authentication never reads the
 * database for a key. The {@link Gate} resolves it (index, key, its creator's live membership, the organisation's
 * policy) in the first statement of the request's own transaction. Holds only the key's SHA-256, never the key.
 */
public final class ApiKeyPrincipal {

    private final byte[] hash;

    public ApiKeyPrincipal(String presentedKey) {
        this.hash = Tokens.hash(presentedKey);
    }

    /** The SHA-256 of the key, as the key index stores it. */
    byte[] hash() {
        return hash.clone();
    }

    /** Names this key's own rate-limit budget: its hash in hex (a bucket key, never the key). */
    public String budgetSubject() {
        return HexFormat.of().formatHex(hash);
    }

    @Override
    public String toString() {
        return "ApiKeyPrincipal[redacted]";
    }
}
