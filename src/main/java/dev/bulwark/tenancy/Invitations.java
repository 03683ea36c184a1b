package dev.bulwark.tenancy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.Ids;
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
    public record Invitation(UUID organisationId, UUID id, byte[] emailIndex, Role role, Instant expiresAt, Instant acceptedAt) {
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

    public Issued create(UUID orgId, UUID invitedBy, byte[] emailIndex, Role role, Instant now) {
        Tokens.Issued token = Tokens.issue(Tokens.Type.INVITATION);
        UUID id = Ids.newId();
        Instant expires = now.plus(LIFETIME);
        tenantScope.inTenant(orgId, invitedBy, () -> {
            jdbc.sql("""
                            INSERT INTO invitations (tenant_id, id, email_bidx, role, invited_by, created_at, expires_at)
                            VALUES (:org, :id, :email, :role, :by, :now, :expires)
                            """)
                    .param("org", orgId)
                    .param("id", id)
                    .param("email", emailIndex)
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
        return new Issued(new Invitation(orgId, id, emailIndex, role, expires, null), token.value());
    }

    /** The pending invitation a token stands for, locked for acceptance; empty when unknown, used or expired. */
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
                                SELECT email_bidx, role, expires_at, accepted_at FROM invitations
                                WHERE tenant_id = :org AND id = :id FOR UPDATE
                                """)
                        .param("org", ref.org())
                        .param("id", ref.id())
                        .query((rs, n) -> new Invitation(ref.org(), ref.id(), rs.getBytes(1), Role.valueOf(rs.getString(2)),
                                rs.getTimestamp(3).toInstant(),
                                rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()))
                        .optional()))
                // An invitation from before V20 has no index of its address: void, to be sent again.
                .filter(i -> i.emailIndex() != null && i.acceptedAt() == null && now.isBefore(i.expiresAt()));
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
