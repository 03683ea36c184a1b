package dev.bulwark.identity.internal;

import java.security.MessageDigest;
import java.util.UUID;

import dev.bulwark.keys.BlindIndex;
import dev.bulwark.tenancy.Invitations;
import org.springframework.stereotype.Component;

/**
 * The invited address of an invitation, kept only as its blind index under the organisation's index key: enough to
 * check that the person accepting is the one invited, and nothing that reads back as an address.
 */
@Component
class InvitedEmails {

    static final String PURPOSE = "invitation.email";

    private final BlindIndex index;

    InvitedEmails(BlindIndex index) {
        this.index = index;
    }

    byte[] index(UUID orgId, String email) {
        return index.email(orgId, PURPOSE, email);
    }

    /** Whether {@code invitation} was sent to {@code email} (letter case and surrounding spaces aside). */
    boolean addressedTo(Invitations.Invitation invitation, String email) {
        return invitation.emailIndex() != null
                && MessageDigest.isEqual(invitation.emailIndex(), index(invitation.organisationId(), email));
    }
}
