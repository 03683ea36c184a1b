package dev.bulwark.identity.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.bulwark.identity.Profile;
import dev.bulwark.identity.UserDirectory;
import dev.bulwark.keys.BlindIndex;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.Organisation;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The global registry of accounts. Email and name are stored only as {@link FieldCipher} ciphertexts under the
 * platform organisation's keys, bound to the user; an account is found by the email's blind index (an HMAC under the
 * platform's index key), which is also what makes an address unique.
 */
@Repository
class Users implements UserDirectory {

    /** The blind-index purpose of login emails. */
    static final String EMAIL_INDEX = "user.email";

    private static final String PROFILE_COLUMNS = "id, email_ct, name_ct, email, name, email_verified_at IS NOT NULL AS verified";

    private final JdbcClient jdbc;
    private final FieldCipher cipher;
    private final BlindIndex index;

    Users(JdbcClient jdbc, FieldCipher cipher, BlindIndex index) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.index = index;
    }

    /** What sign-in needs of an account. */
    record Credentials(UUID id, String passwordHash) {
    }

    static FieldCipher.Field field(UUID userId, String column) {
        return new FieldCipher.Field(Organisation.PLATFORM_ID, "users", column, userId);
    }

    /** The purpose of the look-alike index ({@link EmailAddresses}). */
    static final String LOOKALIKE_INDEX = "user.email.lookalike";

    /** The blind index of a login address's account key ({@link EmailAddresses}). */
    byte[] emailIndex(EmailAddresses.Keys keys) {
        return index.of(Organisation.PLATFORM_ID, EMAIL_INDEX, keys.account());
    }

    /** The blind index of a login address's look-alike key ({@link EmailAddresses}). */
    byte[] lookalikeIndex(EmailAddresses.Keys keys) {
        return index.of(Organisation.PLATFORM_ID, LOOKALIKE_INDEX, keys.lookalike());
    }

    /**
     * An account as its row holds it; refused ({@code PlaintextAtRestException}) when a plaintext column from before V20
     * holds a value: the start-up step ({@link PlaintextBackfill}) sealed every such row, so one found now is never used.
     */
    private Profile profile(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        return new Profile(id, cipher.open(field(id, "email"), rs.getBytes("email_ct"), rs.getString("email")),
                cipher.open(field(id, "name"), rs.getBytes("name_ct"), rs.getString("name")), rs.getBoolean("verified"));
    }

    /** The account of a login address, compared by its account key: empty for an address that cannot have one. */
    Optional<Credentials> credentialsByEmail(String email) {
        Optional<EmailAddresses.Keys> keys = EmailAddresses.of(email);
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT id, password_hash FROM users WHERE email_bidx = :bidx")
                .param("bidx", emailIndex(keys.get()))
                .query((rs, n) -> new Credentials(rs.getObject("id", UUID.class), rs.getString("password_hash")))
                .optional();
    }

    @Override
    public Optional<Profile> profile(UUID id) {
        return jdbc.sql("SELECT " + PROFILE_COLUMNS + " FROM users WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> profile(rs))
                .optional();
    }

    @Override
    public Map<UUID, Profile> profiles(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("SELECT " + PROFILE_COLUMNS + " FROM users WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(UUID[]::new))
                .query((rs, n) -> profile(rs))
                .list()
                .stream()
                .collect(Collectors.toMap(Profile::id, p -> p));
    }

    Optional<String> passwordHash(UUID id) {
        return jdbc.sql("SELECT password_hash FROM users WHERE id = :id").param("id", id).query(String.class).optional();
    }

    @Override
    public Optional<String> accountKey(String email) {
        return EmailAddresses.of(email).map(EmailAddresses.Keys::account);
    }

    @Override
    public void markEmailVerified(UUID id, Instant at) {
        jdbc.sql("UPDATE users SET email_verified_at = coalesce(email_verified_at, :at) WHERE id = :id")
                .param("id", id)
                .param("at", Timestamp.from(at))
                .update();
    }

    void setPasswordHash(UUID id, String hash) {
        jdbc.sql("UPDATE users SET password_hash = :hash WHERE id = :id").param("id", id).param("hash", hash).update();
    }

    /**
     * Whether an account has this address or one that looks like it (the same look-alike key), through the blind
     * indexes only: no plaintext column is read (every account was sealed at start-up, {@link PlaintextBackfill}).
     */
    boolean emailTaken(EmailAddresses.Keys keys) {
        return jdbc.sql("SELECT count(*) FROM users WHERE email_bidx = :bidx OR email_lookalike_bidx = :lookalike")
                .param("bidx", emailIndex(keys))
                .param("lookalike", lookalikeIndex(keys))
                .query(Long.class)
                .single() > 0;
    }

    void insert(UUID id, EmailAddresses.Keys keys, String email, String name, String passwordHash, Instant createdAt) {
        jdbc.sql("""
                        INSERT INTO users (id, email_ct, name_ct, email_bidx, email_lookalike_bidx, password_hash, created_at)
                        VALUES (:id, :email, :name, :bidx, :lookalike, :hash, :createdAt)
                        """)
                .param("id", id)
                .param("email", cipher.encrypt(field(id, "email"), email))
                .param("name", cipher.encrypt(field(id, "name"), name))
                .param("bidx", emailIndex(keys))
                .param("lookalike", lookalikeIndex(keys))
                .param("hash", passwordHash)
                .param("createdAt", Timestamp.from(createdAt))
                .update();
    }
}
