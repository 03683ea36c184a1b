package dev.bulwark.identity.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditEvent;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.Invitations;
import dev.bulwark.tenancy.Memberships;
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
public class InvitationService {

    /** A pending invitation as listed: the address is null for invitations sent before it was kept. */
    public record Listed(UUID id, String email, Role role, UUID invitedBy, Instant expiresAt) {
    }

    private final Invitations invitations;
    private final Memberships memberships;
    private final Users users;
    private final InvitedEmails invited;
    private final AuditLog audit;
    private final MailOutbox outbox;
    private final TransactionTemplate transactions;
    private final FieldCipher cipher;

    InvitationService(Invitations invitations, Memberships memberships, Users users, AuditLog audit, MailOutbox outbox,
                      TransactionTemplate transactions, InvitedEmails invited, FieldCipher cipher) {
        this.invitations = invitations;
        this.invited = invited;
        this.memberships = memberships;
        this.users = users;
        this.audit = audit;
        this.outbox = outbox;
        this.transactions = transactions;
        this.cipher = cipher;
    }

    /**
     * Invites {@code email} for {@code actorId} (the person, or the creator of the key in {@code actor}); the token is
     * mailed there (after commit) and returned to nobody.
     */
    public Invitations.Invitation invite(UUID orgId, UUID actorId, Actor actor, String email, Role role, ClientInfo client) {
        Role actorRole = memberships.require(orgId, actorId, Permission.MANAGE_MEMBERS);
        if (role == Role.OWNER && !Permission.MANAGE_OWNERS.grantedTo(actorRole)) {
            throw new ForbiddenException("Only an owner can invite an owner.");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        byte[] index = invited.index(orgId, email);
        UUID id = Ids.newId();
        return transactions.execute(s -> {
            Invitations.Issued created = invitations.create(orgId, id, actorId, index, cipher.encrypt(field(orgId, id), email), role, now);
            audit.append(new AuditEvent(orgId, AuditType.MEMBER_INVITED, actor, Entity.of("invitation", id), null, null,
                    Map.of("invitationId", id.toString(), "role", role.name()), SecurityEvents.facts(client)));
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
    public void revoke(UUID orgId, Actor actor, UUID actingUser, UUID invitationId, ClientInfo client) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        transactions.executeWithoutResult(s -> {
            if (!invitations.revoke(orgId, actingUser, invitationId, now)) {
                throw new NotFoundException("There is no such pending invitation.");
            }
            audit.append(new AuditEvent(orgId, AuditType.MEMBER_INVITATION_REVOKED, actor, Entity.of("invitation", invitationId),
                    null, null, Map.of("invitationId", invitationId.toString()), SecurityEvents.facts(client)));
        });
    }

    /** Accepting as the signed-in user, whose email must be the invited one. */
    public Invitations.Invitation accept(UUID userId, String token, ClientInfo client) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String email = users.profile(userId).map(Users.Profile::email).orElseThrow();
        return transactions.execute(s -> {
            Invitations.Invitation invitation = invitations.pending(token, now)
                    .orElseThrow(() -> new NotFoundException("This invitation is not valid, already used, or expired."));
            if (!invited.addressedTo(invitation, email)) {
                throw new ForbiddenException("This invitation is for another email address.");
            }
            join(invitation, userId, client, now);
            return invitation;
        });
    }

    /**
     * Joins {@code userId} by {@code invitation}, in the caller's transaction: refused (410 invitation-void) when its
     * inviter could no longer grant its role. The token was mailed to the address, so this verifies it.
     */
    void join(Invitations.Invitation invitation, UUID userId, ClientInfo client, Instant now) {
        if (!invitations.stillGrantable(invitation)) {
            throw new RefusedException(410, "invitation-void", "Invitation void",
                    "This invitation no longer grants its role: the person who sent it has left the organisation or lost the right to grant it.");
        }
        invitations.accept(invitation, userId, now);
        users.markEmailVerified(userId, now);
        audit.userEvent(invitation.organisationId(), userId, AuditType.MEMBER_JOINED, Entity.of("member", userId),
                SecurityEvents.facts(client), Map.of("invitationId", invitation.id().toString(), "role", invitation.role().name()));
    }

    private static FieldCipher.Field field(UUID orgId, UUID invitationId) {
        return new FieldCipher.Field(orgId, "invitations", "email", invitationId);
    }
}
