package dev.bulwark.organisations.internal;

import java.security.MessageDigest;
import java.util.UUID;

import dev.bulwark.identity.UserDirectory;
import dev.bulwark.keys.BlindIndex;
import dev.bulwark.shared.InvalidInputException;
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
    private final UserDirectory users;

    InvitedEmails(BlindIndex index, UserDirectory users) {
        this.index = index;
        this.users = users;
    }

    /** The index of an invited address's account key ({@link UserDirectory#accountKey}), compared as accounts are. */
    byte[] index(UUID orgId, String email) {
        String key = users.accountKey(email)
                .orElseThrow(() -> new InvalidInputException("email", "must be a valid email address"));
        return index.of(orgId, PURPOSE, key);
    }

    /** Whether {@code invitation} was sent to {@code email}, compared as accounts are. */
    boolean addressedTo(Invitations.Invitation invitation, String email) {
        return invitation.emailIndex() != null
                && MessageDigest.isEqual(invitation.emailIndex(), index(invitation.organisationId(), email));
    }
}
