package dev.bulwark.identity.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.Actor;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.tenancy.Invitations;
import dev.bulwark.tenancy.Memberships;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Inviting people into an organisation (MANAGE_MEMBERS; owners only invite owners) and accepting as the invitee. */
@Service
public class InvitationService {

    private final Invitations invitations;
    private final Memberships memberships;
    private final Users users;
    private final InvitedEmails invited;
    private final SecurityEvents events;
    private final Mailer mailer;
    private final TransactionTemplate transactions;

    InvitationService(Invitations invitations, Memberships memberships, Users users, SecurityEvents events, Mailer mailer,
                      TransactionTemplate transactions, InvitedEmails invited) {
        this.invitations = invitations;
        this.invited = invited;
        this.memberships = memberships;
        this.users = users;
        this.events = events;
        this.mailer = mailer;
        this.transactions = transactions;
    }

    public Invitations.Issued invite(UUID orgId, UUID actorId, String email, Role role, ClientInfo client) {
        Role actorRole = memberships.require(orgId, actorId, Permission.MANAGE_MEMBERS);
        if (role == Role.OWNER && !Permission.MANAGE_OWNERS.grantedTo(actorRole)) {
            throw new ForbiddenException("Only an owner can invite an owner.");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Invitations.Issued issued = transactions.execute(s -> {
            Invitations.Issued created = invitations.create(orgId, actorId, invited.index(orgId, email), role, now);
            events.orgEvent(orgId, "member.invited", Actor.user(actorId), Entity.of("invitation", created.invitation().id()), client,
                    Map.of("invitationId", created.invitation().id().toString(), "role", role.name()));
            return created;
        });
        mailer.send(email, "You are invited to Bulwark", """
                You have been invited to join an organisation on Bulwark as %s.

                To accept, sign up or sign in with this email address and use this invitation token within 7 days:

                %s

                If you did not expect this, ignore this mail.
                """.formatted(role.name().toLowerCase(), issued.token()));
        return issued;
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
            invitations.accept(invitation, userId, now);
            // The invitation reached this address: that verifies it.
            users.markEmailVerified(userId, now);
            events.orgEvent(invitation.organisationId(), "member.joined", Actor.user(userId), Entity.of("member", userId), client,
                    Map.of("invitationId", invitation.id().toString(), "role", invitation.role().name()));
            return invitation;
        });
    }
}
