package dev.bulwark.organisations.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.InvitedSignup;
import dev.bulwark.identity.Mailbox;
import dev.bulwark.identity.Profile;
import dev.bulwark.identity.UserDirectory;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.Invitations;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inviting people into an organisation (MANAGE_MEMBERS; owners only invite owners), listing and revoking pending
 * invitations, and accepting as the invitee. The token goes only to the invited mailbox, so holding it proves control of
 * that address; an invitation grants its role only while its inviter could still grant it.
 */
@Service
public class InvitationService implements InvitedSignup {

    /** A pending invitation as listed: the address is null for invitations sent before it was kept. */
    public record Listed(UUID id, String email, Role role, UUID invitedBy, Instant expiresAt) {
    }

    /** The details of the invitations' events (docs/audit-events.md). */
    static final String INVITATION_ID = "invitationId";
    static final String ROLE = "role";

    private final Invitations invitations;
    private final UserDirectory users;
    private final InvitedEmails invited;
    private final AuditLog audit;
    private final Mailbox outbox;
    private final TransactionTemplate transactions;
    private final FieldCipher cipher;

    InvitationService(Invitations invitations, UserDirectory users, AuditLog audit, Mailbox outbox,
                      TransactionTemplate transactions, InvitedEmails invited, FieldCipher cipher) {
        this.invitations = invitations;
        this.invited = invited;
        this.users = users;
        this.audit = audit;
        this.outbox = outbox;
        this.transactions = transactions;
        this.cipher = cipher;
    }

    /**
     * Invites {@code email} as {@code caller} (the person, or the key acting for its creator); the token is mailed
     * there (after commit) and returned to nobody.
     */
    public Invitations.Invitation invite(Caller caller, String email, Role role) {
        UUID orgId = caller.orgId();
        UUID actorId = caller.userId();
        if (role == Role.OWNER && !Permission.MANAGE_OWNERS.grantedTo(caller.role())) {
            throw new ForbiddenException("Only an owner can invite an owner.");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        byte[] index = invited.index(orgId, email);
        UUID id = Ids.newId();
        return transactions.execute(s -> {
            Invitations.Issued created = invitations.create(orgId, id, actorId, index, cipher.encrypt(field(orgId, id), email), role, now);
            audit.callerAction(caller, AuditType.MEMBER_INVITED, invitation(id), Map.of(INVITATION_ID, id.toString(), ROLE, role.name()));
            outbox.mail(email, "You are invited to Bulwark", """
                    You have been invited to join an organisation on Bulwark as %s.

                    To accept, sign up or sign in with this email address and use this invitation token within 7 days:

                    %s

                    If you did not expect this, ignore this mail.
                    """.formatted(role.name().toLowerCase(), created.token()));
            return created.invitation();
        });
    }

    /** The organisation's pending invitations. */
    public Page<Listed> pending(UUID orgId, UUID actorId, PageRequest request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Page<Invitations.Pending> page = invitations.pending(orgId, actorId, request, now);
        return new Page<>(page.items().stream().map(p -> new Listed(p.id(),
                p.emailCiphertext() == null ? null : cipher.decrypt(field(orgId, p.id()), p.emailCiphertext()),
                p.role(), p.invitedBy(), p.expiresAt())).toList(), page.nextCursor());
    }

    /** Revokes a pending invitation (404 when there is none such): its token stops working at once. */
    public void revoke(Caller caller, UUID invitationId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        transactions.executeWithoutResult(s -> {
            if (!invitations.revoke(caller.orgId(), caller.userId(), invitationId, now)) {
                throw new NotFoundException("There is no such pending invitation.");
            }
            audit.callerAction(caller, AuditType.MEMBER_INVITATION_REVOKED, invitation(invitationId),
                    Map.of(INVITATION_ID, invitationId.toString()));
        });
    }

    /** Accepting as the signed-in user, whose email must be the invited one. */
    public Invitations.Invitation accept(UUID userId, String token) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String email = users.profile(userId).map(Profile::email).orElseThrow();
        return transactions.execute(s -> {
            Invitations.Invitation invitation = invitations.pending(token, now)
                    .orElseThrow(() -> new NotFoundException("This invitation is not valid, already used, or expired."));
            if (!invited.addressedTo(invitation, email)) {
                throw new ForbiddenException("This invitation is for another email address.");
            }
            join(invitation, userId, now);
            return invitation;
        });
    }

    /** Signing up by invitation: the new account joins in the sign-up's transaction. */
    @Override
    public UUID join(String token, String email, UUID userId, Instant now) {
        Invitations.Invitation invitation = invitations.pending(token, now)
                .orElseThrow(() -> new InvalidInputException("invitationToken", "is not a valid, unused, unexpired invitation"));
        if (!invited.addressedTo(invitation, email)) {
            throw new InvalidInputException("email", "must be the address the invitation was sent to");
        }
        // The invitation's token was mailed only to this address: joining by it verifies the address.
        join(invitation, userId, now);
        return invitation.organisationId();
    }

    /**
     * Joins {@code userId} by {@code invitation}, in the caller's transaction: refused (410 invitation-void) when its
     * inviter could no longer grant its role. The token was mailed to the address, so this verifies it.
     */
    private void join(Invitations.Invitation invitation, UUID userId, Instant now) {
        if (!invitations.stillGrantable(invitation)) {
            throw new RefusedException(410, "invitation-void", "Invitation void",
                    "This invitation no longer grants its role: the person who sent it has left the organisation or lost the right to grant it.");
        }
        invitations.accept(invitation, userId, now);
        users.markEmailVerified(userId, now);
        audit.userEvent(invitation.organisationId(), userId, AuditType.MEMBER_JOINED, Entity.of("member", userId), null,
                Map.of(INVITATION_ID, invitation.id().toString(), ROLE, invitation.role().name()));
    }

    private static Entity invitation(UUID invitationId) {
        return Entity.of("invitation", invitationId);
    }

    private static FieldCipher.Field field(UUID orgId, UUID invitationId) {
        return new FieldCipher.Field(orgId, "invitations", "email", invitationId);
    }
}
