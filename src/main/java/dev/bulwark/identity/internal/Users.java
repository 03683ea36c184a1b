package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The global registry of accounts. */
@Repository
class Users {

    private static final String PROFILE_COLUMNS = "id, email, name, email_verified_at IS NOT NULL AS verified";
    private static final RowMapper<Profile> PROFILE = (rs, n) -> new Profile(rs.getObject("id", UUID.class),
            rs.getString("email"), rs.getString("name"), rs.getBoolean("verified"));

    private final JdbcClient jdbc;

    Users(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What sign-in needs of an account. */
    record Credentials(UUID id, String passwordHash) {
    }

    /** Profile fields of an account. */
    record Profile(UUID id, String email, String name, boolean emailVerified) {
    }

    Optional<Credentials> credentialsByEmail(String email) {
        return jdbc.sql("SELECT id, password_hash FROM users WHERE lower(email) = lower(:email)")
                .param("email", email)
                .query((rs, n) -> new Credentials(rs.getObject("id", UUID.class), rs.getString("password_hash")))
                .optional();
    }

    Optional<Profile> profile(UUID id) {
        return jdbc.sql("SELECT " + PROFILE_COLUMNS + " FROM users WHERE id = :id")
                .param("id", id)
                .query(PROFILE)
                .optional();
    }

    /** Profiles of {@code ids}, by id; ids without an account are left out. */
    java.util.Map<UUID, Profile> profiles(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        return jdbc.sql("SELECT " + PROFILE_COLUMNS + " FROM users WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(UUID[]::new))
                .query(PROFILE)
                .list()
                .stream()
                .collect(java.util.stream.Collectors.toMap(Profile::id, p -> p));
    }

    Optional<String> passwordHash(UUID id) {
        return jdbc.sql("SELECT password_hash FROM users WHERE id = :id").param("id", id).query(String.class).optional();
    }

    void markEmailVerified(UUID id, Instant at) {
        jdbc.sql("UPDATE users SET email_verified_at = coalesce(email_verified_at, :at) WHERE id = :id")
                .param("id", id)
                .param("at", Timestamp.from(at))
                .update();
    }

    void setPasswordHash(UUID id, String hash) {
        jdbc.sql("UPDATE users SET password_hash = :hash WHERE id = :id").param("id", id).param("hash", hash).update();
    }

    boolean emailTaken(String email) {
        return jdbc.sql("SELECT count(*) FROM users WHERE lower(email) = lower(:email)")
                .param("email", email)
                .query(Long.class)
                .single() > 0;
    }

    void insert(UUID id, String email, String name, String passwordHash, Instant createdAt) {
        jdbc.sql("""
                        INSERT INTO users (id, email, name, password_hash, created_at)
                        VALUES (:id, :email, :name, :hash, :createdAt)
                        """)
                .param("id", id)
                .param("email", email)
                .param("name", name)
                .param("hash", passwordHash)
                .param("createdAt", Timestamp.from(createdAt))
                .update();
    }
}
