package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.Tokens;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Single-use tokens mailed to a user: email verification ({@code bwv_}) and password reset ({@code bwp_}). */
@Repository
class UserTokens {

    enum Purpose {
        EMAIL_VERIFICATION(Tokens.Type.EMAIL_VERIFICATION),
        PASSWORD_RESET(Tokens.Type.PASSWORD_RESET);

        final Tokens.Type type;

        Purpose(Tokens.Type type) {
            this.type = type;
        }
    }

    private final JdbcClient jdbc;

    UserTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new token for {@code purpose}; any older unused one of the same purpose stops working (a newer one retires it). */
    String issue(UUID userId, Purpose purpose, Duration lifetime, Instant now) {
        jdbc.sql("UPDATE user_tokens SET used_at = :now WHERE user_id = :user AND purpose = :purpose AND used_at IS NULL")
                .param("user", userId)
                .param("purpose", purpose.name().toLowerCase())
                .param("now", Timestamp.from(now))
                .update();
        Tokens.Issued token = Tokens.issue(purpose.type);
        jdbc.sql("INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES (:hash, :user, :purpose, :expires)")
                .param("hash", token.hash())
                .param("user", userId)
                .param("purpose", purpose.name().toLowerCase())
                .param("expires", Timestamp.from(now.plus(lifetime)))
                .update();
        return token.value();
    }

    /** Spends the token, once: the user it was issued to, or empty when unknown, used, expired or of another purpose. */
    Optional<UUID> consume(String token, Purpose purpose, Instant now) {
        if (!Tokens.wellFormed(purpose.type, token)) {
            return Optional.empty();
        }
        return jdbc.sql("""
                        UPDATE user_tokens SET used_at = :now
                        WHERE token_hash = :hash AND purpose = :purpose AND used_at IS NULL AND expires_at > :now
                        RETURNING user_id
                        """)
                .param("hash", Tokens.hash(token))
                .param("purpose", purpose.name().toLowerCase())
                .param("now", Timestamp.from(now))
                .query(UUID.class)
                .optional();
    }
}
