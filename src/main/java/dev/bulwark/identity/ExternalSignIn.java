package dev.bulwark.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Accounts and sessions for a sign-in that an external identity provider proved (the sso module): identity keeps the
 * accounts and sessions, the caller keeps the proof. Implemented by identity.
 */
public interface ExternalSignIn {

    /** The account of {@code email} (compared by its account key), or empty. */
    Optional<UUID> accountOf(String email);

    /**
     * A new account without a password for {@code email}, in the caller's transaction; its address counts as proven
     * only when {@code emailVerified}. Throws {@code ConflictException} when the address (or a look-alike) has one.
     */
    UUID createWithoutPassword(String email, String name, boolean emailVerified, Instant now);

    /**
     * Opens a session for {@code userId} in its own transaction and records {@code auth.login.succeeded} with
     * {@code method}. The session counts as having verified a factor for step-up only when {@code factorVerified} (the
     * identity provider asserted multi-factor authentication); otherwise the first sensitive action asks for step-up.
     */
    TokenPair openSession(UUID userId, ClientInfo client, String method, boolean factorVerified);
}
