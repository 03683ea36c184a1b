package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.identity.ClientInfo;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.Tokens;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sessions and their refresh tokens (user tables: every call runs inside TenantScope.asUser). */
@Repository
class SessionStore {

    /** A session as the owner sees it. */
    record Session(UUID id, Instant createdAt, Instant lastUsedAt, Instant idleExpiresAt, Instant expiresAt,
                   Instant factorVerifiedAt, String ip, String userAgent, Instant revokedAt) {

        boolean activeAt(Instant now) {
            return revokedAt == null && now.isBefore(expiresAt) && now.isBefore(idleExpiresAt);
        }
    }

    /** A refresh token's row, locked for the refresh that presents it. */
    record RefreshToken(UUID sessionId, Instant expiresAt, Instant spentAt) {
    }

    private static final RowMapper<Session> SESSION = (rs, n) -> new Session(rs.getObject("id", UUID.class),
            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_used_at")),
            instant(rs.getTimestamp("idle_expires_at")), instant(rs.getTimestamp("expires_at")),
            instant(rs.getTimestamp("factor_verified_at")), rs.getString("ip"), rs.getString("user_agent"),
            instant(rs.getTimestamp("revoked_at")));

    private final JdbcClient jdbc;
    private final VerifiedTokens verifiedTokens;

    SessionStore(JdbcClient jdbc, VerifiedTokens verifiedTokens) {
        this.jdbc = jdbc;
        this.verifiedTokens = verifiedTokens;
    }

    void create(UUID userId, UUID sessionId, Instant now, Instant idleExpiresAt, Instant expiresAt, ClientInfo client) {
        jdbc.sql("""
                        INSERT INTO sessions (user_id, id, created_at, last_used_at, idle_expires_at, expires_at,
                                              factor_verified_at, ip, user_agent)
                        VALUES (:user, :id, :now, :now, :idle, :expires, :now, :ip, :ua)
                        """)
                .param("user", userId)
                .param("id", sessionId)
                .param("now", Timestamp.from(now))
                .param("idle", Timestamp.from(idleExpiresAt))
                .param("expires", Timestamp.from(expiresAt))
                .param("ip", client.ip())
                .param("ua", client.userAgent())
                .update();
    }

    Optional<Session> find(UUID userId, UUID sessionId, boolean forUpdate) {
        return jdbc.sql("SELECT * FROM sessions WHERE user_id = :user AND id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .param("user", userId)
                .param("id", sessionId)
                .query(SESSION)
                .optional();
    }

    /** One page of the user's sessions that still work, newest first. */
    Page<Session> active(UUID userId, Instant now, PageRequest request) {
        return request.fetchNewestFirst(jdbc.sql("""
                        SELECT * FROM sessions
                        WHERE user_id = :user AND revoked_at IS NULL AND expires_at > :now AND idle_expires_at > :now
                          AND (created_at, id) < (:afterAt, :afterId)
                        ORDER BY created_at DESC, id DESC LIMIT :limit
                        """)
                .param("user", userId)
                .param("now", Timestamp.from(now)),
                SESSION, s -> new PageRequest.Position(s.createdAt(), s.id()));
    }

    void touch(UUID userId, UUID sessionId, Instant now, Instant idleExpiresAt, ClientInfo client) {
        jdbc.sql("""
                        UPDATE sessions SET last_used_at = :now, idle_expires_at = LEAST(:idle, expires_at), ip = :ip, user_agent = :ua
                        WHERE user_id = :user AND id = :id
                        """)
                .param("user", userId)
                .param("id", sessionId)
                .param("now", Timestamp.from(now))
                .param("idle", Timestamp.from(idleExpiresAt))
                .param("ip", client.ip())
                .param("ua", client.userAgent())
                .update();
    }

    void markFactorVerified(UUID userId, UUID sessionId, Instant now) {
        jdbc.sql("UPDATE sessions SET factor_verified_at = :now WHERE user_id = :user AND id = :id")
                .param("user", userId)
                .param("id", sessionId)
                .param("now", Timestamp.from(now))
                .update();
    }

    /** Revokes one session; true when it was active until now. */
    boolean revoke(UUID userId, UUID sessionId, String reason, Instant now) {
        boolean revoked = jdbc.sql("""
                        UPDATE sessions SET revoked_at = :now, revoked_reason = :reason
                        WHERE user_id = :user AND id = :id AND revoked_at IS NULL
                        """)
                .param("user", userId)
                .param("id", sessionId)
                .param("reason", reason)
                .param("now", Timestamp.from(now))
                .update() > 0;
        if (revoked) {
            verifiedTokens.revokedInTransaction(userId);
        }
        return revoked;
    }

    /** Revokes every active session of the user but {@code keep}; returns how many ended. */
    int revokeOthers(UUID userId, UUID keep, String reason, Instant now) {
        int revoked = jdbc.sql("""
                        UPDATE sessions SET revoked_at = :now, revoked_reason = :reason
                        WHERE user_id = :user AND id <> :keep AND revoked_at IS NULL
                        """)
                .param("user", userId)
                .param("keep", keep)
                .param("reason", reason)
                .param("now", Timestamp.from(now))
                .update();
        if (revoked > 0) {
            verifiedTokens.revokedInTransaction(userId);
        }
        return revoked;
    }

    /** A pending MFA sign-in step, found by token hash before any user is bound. */
    record Challenge(UUID userId, Instant expiresAt, int attempts) {
    }

    void addChallenge(byte[] hash, UUID userId, Instant expiresAt) {
        jdbc.sql("INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES (:hash, :user, :expires)")
                .param("hash", hash)
                .param("user", userId)
                .param("expires", Timestamp.from(expiresAt))
                .update();
    }

    Optional<Challenge> lockChallenge(byte[] hash) {
        return jdbc.sql("SELECT user_id, expires_at, attempts FROM mfa_challenges WHERE token_hash = :hash FOR UPDATE")
                .param("hash", hash)
                .query((rs, n) -> new Challenge(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(), rs.getInt(3)))
                .optional();
    }

    void countChallengeAttempt(byte[] hash) {
        jdbc.sql("UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = :hash").param("hash", hash).update();
    }

    void removeChallenge(byte[] hash) {
        jdbc.sql("DELETE FROM mfa_challenges WHERE token_hash = :hash").param("hash", hash).update();
    }

    /** Stores a new refresh token for a session, and its global lookup entry. */
    void addRefreshToken(UUID userId, UUID sessionId, Tokens.Issued token, Instant now, Instant expiresAt) {
        jdbc.sql("INSERT INTO refresh_token_index (token_hash, user_id) VALUES (:hash, :user)")
                .param("hash", token.hash())
                .param("user", userId)
                .update();
        jdbc.sql("""
                        INSERT INTO refresh_tokens (user_id, token_hash, session_id, created_at, expires_at)
                        VALUES (:user, :hash, :session, :now, :expires)
                        """)
                .param("user", userId)
                .param("hash", token.hash())
                .param("session", sessionId)
                .param("now", Timestamp.from(now))
                .param("expires", Timestamp.from(expiresAt))
                .update();
    }

    /** Whose refresh token this hash is: the only lookup made before a user is bound. */
    Optional<UUID> ownerOfRefreshToken(byte[] hash) {
        return jdbc.sql("SELECT user_id FROM refresh_token_index WHERE token_hash = :hash")
                .param("hash", hash)
                .query(UUID.class)
                .optional();
    }

    Optional<RefreshToken> lockRefreshToken(UUID userId, byte[] hash) {
        return jdbc.sql("SELECT session_id, expires_at, spent_at FROM refresh_tokens WHERE user_id = :user AND token_hash = :hash FOR UPDATE")
                .param("user", userId)
                .param("hash", hash)
                .query((rs, n) -> new RefreshToken(rs.getObject("session_id", UUID.class), instant(rs.getTimestamp("expires_at")),
                        instant(rs.getTimestamp("spent_at"))))
                .optional();
    }

    void spend(UUID userId, byte[] hash, Instant now) {
        jdbc.sql("UPDATE refresh_tokens SET spent_at = :now WHERE user_id = :user AND token_hash = :hash")
                .param("user", userId)
                .param("hash", hash)
                .param("now", Timestamp.from(now))
                .update();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
