package dev.bulwark.identity;

import java.time.Instant;
import java.util.UUID;

/**
 * Signing up by invitation, as identity needs it: implemented by the organisations module, which owns invitations.
 * Runs in the sign-up's transaction.
 */
public interface InvitedSignup {

    /**
     * Joins {@code userId}, just signed up as {@code email}, to the organisation that invited that address with
     * {@code token}, and answers the organisation. Refuses (400) a token that is no pending invitation and an address it
     * was not sent to; an invitation its inviter can no longer grant is 410. Joining proves the address.
     */
    UUID join(String token, String email, UUID userId, Instant now);
}
