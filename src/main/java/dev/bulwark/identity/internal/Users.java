package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The global registry of accounts. */
@Repository
class Users {

    private final JdbcClient jdbc;

    Users(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
