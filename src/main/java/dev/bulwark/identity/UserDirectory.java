package dev.bulwark.identity;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What other modules may know of accounts: their profiles, how addresses name them, and proving an address. */
public interface UserDirectory {

    Optional<Profile> profile(UUID userId);

    /** Profiles of {@code userIds}, by id; ids without an account are left out. */
    Map<UUID, Profile> profiles(Collection<UUID> userIds);

    /**
     * The account key of {@code email} (docs/authentication.md#how-addresses-are-compared): two addresses with one key
     * name one account. Empty when {@code email} is no address an account could have.
     */
    Optional<String> accountKey(String email);

    /** Marks the account's address proven (kept when it already was), in the caller's transaction. */
    void markEmailVerified(UUID userId, Instant at);
}
