package dev.bulwark.tenancy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.Tokens;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Invitations into an organisation: a single-use {@code bwi_} token, stored as a hash, valid seven days. Joining
 * happens in the caller's transaction; the token is looked up through a global hash index before the tenant is bound.
 */
@Service
public class Invitations {

    public static final Duration LIFETIME = Duration.ofDays(7);

    /**
     * A pending or accepted invitation. The invited address is kept only as {@code emailIndex}, its blind index under
     * the organisation's key (the caller computes it): it is needed only to match the person who accepts.
     */
    public record Invitation(UUID organisationId, UUID id, byte[] emailIndex, Role role, UUID invitedBy, Instant expiresAt,
                             Instant acceptedAt) {
    }

    /** A pending invitation as its organisation's admins list it; {@code emailCiphertext} is null for rows from before V26. */
    public record Pending(UUID id, byte[] emailCiphertext, Role role, UUID invitedBy, Instant createdAt, Instant expiresAt) {
    }

    /** A new invitation and its token (shown once). */
    public record Issued(Invitation invitation, String token) {
        @Override
        public String toString() {
            return "Issued[" + invitation.id() + "]";
        }
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    Invitations(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    /**
     * A new invitation with id {@code id} (the caller sealed the address under it): its address as a blind index and as a
     * ciphertext, its role, its inviter.
     */
    public Issued create(UUID orgId, UUID id, UUID invitedBy, byte[] emailIndex, byte[] emailCiphertext, Role role, Instant now) {
        Tokens.Issued token = Tokens.issue(Tokens.Type.INVITATION);
        Instant expires = now.plus(LIFETIME);
        tenantScope.inTenant(orgId, invitedBy, () -> {
            jdbc.sql("""
                            INSERT INTO invitations (tenant_id, id, email_bidx, email_ct, role, invited_by, created_at, expires_at)
                            VALUES (:org, :id, :email, :emailCt, :role, :by, :now, :expires)
                            """)
                    .param("org", orgId)
                    .param("id", id)
                    .param("email", emailIndex)
                    .param("emailCt", emailCiphertext)
                    .param("role", role.name())
                    .param("by", invitedBy)
                    .param("now", Timestamp.from(now))
                    .param("expires", Timestamp.from(expires))
                    .update();
            jdbc.sql("INSERT INTO invitation_index (token_hash, tenant_id, invitation_id) VALUES (:hash, :org, :id)")
                    .param("hash", token.hash())
                    .param("org", orgId)
                    .param("id", id)
                    .update();
        });
        return new Issued(new Invitation(orgId, id, emailIndex, role, invitedBy, expires, null), token.value());
    }

    /** The pending invitation a token stands for, locked for acceptance; empty when unknown, used, revoked or expired. */
    public Optional<Invitation> pending(String token, Instant now) {
        if (!Tokens.wellFormed(Tokens.Type.INVITATION, token)) {
            return Optional.empty();
        }
        record Ref(UUID org, UUID id) {
        }
        return jdbc.sql("SELECT tenant_id, invitation_id FROM invitation_index WHERE token_hash = :hash")
                .param("hash", Tokens.hash(token))
                .query((rs, n) -> new Ref(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
                .optional()
                .flatMap(ref -> tenantScope.inTenant(ref.org(), null, () -> jdbc.sql("""
                                SELECT email_bidx, role, invited_by, expires_at, accepted_at FROM invitations
                                WHERE tenant_id = :org AND id = :id AND revoked_at IS NULL FOR UPDATE
                                """)
                        .param("org", ref.org())
                        .param("id", ref.id())
                        .query((rs, n) -> new Invitation(ref.org(), ref.id(), rs.getBytes(1), Role.valueOf(rs.getString(2)),
                                rs.getObject(3, UUID.class), rs.getTimestamp(4).toInstant(),
                                rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant()))
                        .optional()))
                // An invitation from before V20 has no index of its address: void, to be sent again.
                .filter(i -> i.emailIndex() != null && i.acceptedAt() == null && now.isBefore(i.expiresAt()));
    }

    /**
     * Whether the invitation still grants its role: its inviter is still a member of the organisation (and the
     * organisation is live) with a role that may grant it. An invitation outlives neither its inviter's membership nor
     * their right to grant that role.
     */
    public boolean stillGrantable(Invitation invitation) {
        if (invitation.invitedBy() == null) {
            return false;
        }
        return tenantScope.inTenant(invitation.organisationId(), null, () -> jdbc.sql("""
                        SELECT m.role FROM memberships m JOIN organisations o ON o.id = m.tenant_id AND o.disabled_at IS NULL
                        WHERE m.tenant_id = :org AND m.user_id = :inviter
                        """)
                .param("org", invitation.organisationId())
                .param("inviter", invitation.invitedBy())
                .query(String.class)
                .optional()
                .map(Role::valueOf)
                .map(role -> Permission.MANAGE_MEMBERS.grantedTo(role)
                        && (invitation.role() != Role.OWNER || Permission.MANAGE_OWNERS.grantedTo(role)))
                .orElse(false));
    }

    /** The organisation's pending invitations (not accepted, revoked or expired), oldest first. */
    public Page<Pending> pending(UUID orgId, UUID actorId, PageRequest request, Instant now) {
        return tenantScope.inTenant(orgId, actorId, () -> request.fetch(jdbc.sql("""
                                SELECT id, email_ct, role, invited_by, created_at, expires_at FROM invitations
                                WHERE tenant_id = :org AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > :now
                                  AND (created_at, id) > (:afterAt, :afterId)
                                ORDER BY created_at, id LIMIT :limit
                                """)
                        .param("org", orgId)
                        .param("now", Timestamp.from(now)),
                (rs, n) -> new Pending(rs.getObject("id", UUID.class), rs.getBytes("email_ct"), Role.valueOf(rs.getString("role")),
                        rs.getObject("invited_by", UUID.class), rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("expires_at").toInstant()),
                p -> new PageRequest.Position(p.createdAt(), p.id())));
    }

    /** Revokes a pending invitation: its token stops working at once. False when there is no such pending invitation. */
    public boolean revoke(UUID orgId, UUID actorId, UUID invitationId, Instant now) {
        return tenantScope.inTenant(orgId, actorId, () -> jdbc.sql("""
                        UPDATE invitations SET revoked_at = :now, revoked_by = :actor
                        WHERE tenant_id = :org AND id = :id AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > :now
                        """)
                .param("org", orgId)
                .param("id", invitationId)
                .param("actor", actorId)
                .param("now", Timestamp.from(now))
                .update() == 1);
    }

    /** Joins {@code userId} to the invitation's organisation with its role and spends the invitation. */
    public void accept(Invitation invitation, UUID userId, Instant now) {
        tenantScope.inTenant(invitation.organisationId(), userId, () -> {
            boolean member = jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = :org AND user_id = :user")
                    .param("org", invitation.organisationId())
                    .param("user", userId)
                    .query(Long.class)
                    .single() > 0;
            if (member) {
                throw new ConflictException("You are already a member of this organisation.");
            }
            jdbc.sql("INSERT INTO memberships (tenant_id, user_id, role) VALUES (:org, :user, :role)")
                    .param("org", invitation.organisationId())
                    .param("user", userId)
                    .param("role", invitation.role().name())
                    .update();
            jdbc.sql("UPDATE invitations SET accepted_at = :now, accepted_by = :user WHERE tenant_id = :org AND id = :id")
                    .param("org", invitation.organisationId())
                    .param("id", invitation.id())
                    .param("user", userId)
                    .param("now", Timestamp.from(now))
                    .update();
        });
    }
}
