package dev.bulwark.identity.internal;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.Ids;
import dev.bulwark.tenancy.Organisation;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * A user's second factors: one TOTP authenticator and ten single-use recovery codes. User tables: every call runs
 * bound to the user (TenantScope.asUser). The TOTP seed is stored encrypted ({@link FieldCipher}, platform key, bound
 * to the user); recovery codes only as hashes.
 */
@Component
class SecondFactors {

    static final int RECOVERY_CODES = 10;
    // 12 characters of a 31-letter alphabet (no 0/o, 1/i/l to misread): 59.4 bits, typed as xxxx-xxxx-xxxx.
    static final int CODE_LENGTH = 12;
    private static final String CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final PasswordEncoder hashes;
    private final FieldCipher cipher;

    SecondFactors(JdbcClient jdbc, PasswordEncoder hashes, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.hashes = hashes;
        this.cipher = cipher;
    }

    /** A user's TOTP seed is encrypted under the platform organisation's key, bound to the user. */
    static FieldCipher.Field seed(UUID userId) {
        return new FieldCipher.Field(Organisation.PLATFORM_ID, "totp_factors", "secret", userId);
    }

    /**
     * The seed a row holds; refused ({@code PlaintextAtRestException}) when its plaintext column from before V19 holds a
     * value: the start-up step ({@link PlaintextBackfill}) sealed every such seed, so one found now is never used.
     */
    private String open(UUID userId, java.sql.ResultSet rs) throws java.sql.SQLException {
        return cipher.open(seed(userId), rs.getBytes("secret_ct"), rs.getString("secret"));
    }

    boolean totpEnabled(UUID userId) {
        return jdbc.sql("SELECT count(*) FROM totp_factors WHERE user_id = :user AND confirmed_at IS NOT NULL")
                .param("user", userId).query(Long.class).single() > 0;
    }

    /** Whether the user has any second factor: a confirmed authenticator or a passkey. */
    boolean anyEnabled(UUID userId) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM totp_factors WHERE user_id = :user AND confirmed_at IS NOT NULL)
                            OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = :user)
                        """)
                .param("user", userId).query(Boolean.class).single();
    }

    /** Starts enrolment: a new unconfirmed seed, replacing an earlier unconfirmed one. */
    String startTotp(UUID userId, Instant now) {
        String secret = Totp.newSecret();
        jdbc.sql("""
                        INSERT INTO totp_factors (user_id, secret_ct, created_at) VALUES (:user, :secret, :now)
                        ON CONFLICT (user_id) DO UPDATE SET secret_ct = :secret, secret = NULL, created_at = :now,
                            last_used_step = 0
                        WHERE totp_factors.confirmed_at IS NULL
                        """)
                .param("user", userId)
                .param("secret", cipher.encrypt(seed(userId), secret))
                .param("now", Timestamp.from(now))
                .update();
        return secret;
    }

    /** Confirms the pending seed with a first code; true when the code matched. */
    boolean confirmTotp(UUID userId, String code, Instant now) {
        record Pending(String secret, long lastUsedStep) {
        }
        Optional<Pending> pending = jdbc.sql("""
                        SELECT secret_ct, secret, last_used_step FROM totp_factors
                        WHERE user_id = :user AND confirmed_at IS NULL FOR UPDATE
                        """)
                .param("user", userId)
                .query((rs, n) -> new Pending(open(userId, rs), rs.getLong("last_used_step")))
                .optional();
        if (pending.isEmpty()) {
            return false;
        }
        OptionalLong step = Totp.matchingStep(pending.get().secret(), code, now, pending.get().lastUsedStep());
        if (step.isEmpty()) {
            return false;
        }
        jdbc.sql("UPDATE totp_factors SET confirmed_at = :now, last_used_step = :step WHERE user_id = :user")
                .param("user", userId)
                .param("now", Timestamp.from(now))
                .param("step", step.getAsLong())
                .update();
        return true;
    }

    /** Accepts a current TOTP code once, or an unused recovery code once: names the factor used, or null. */
    String verify(UUID userId, String code, Instant now) {
        if (verifyTotp(userId, code, now)) {
            return "totp";
        }
        return useRecoveryCode(userId, code, now) ? "recovery_code" : null;
    }

    private boolean verifyTotp(UUID userId, String code, Instant now) {
        record Active(String secret, long lastUsedStep) {
        }
        Optional<Active> active = jdbc.sql("""
                        SELECT secret_ct, secret, last_used_step FROM totp_factors
                        WHERE user_id = :user AND confirmed_at IS NOT NULL FOR UPDATE
                        """)
                .param("user", userId)
                .query((rs, n) -> new Active(open(userId, rs), rs.getLong("last_used_step")))
                .optional();
        if (active.isEmpty()) {
            return false;
        }
        OptionalLong step = Totp.matchingStep(active.get().secret(), code, now, active.get().lastUsedStep());
        step.ifPresent(s -> jdbc.sql("UPDATE totp_factors SET last_used_step = :step WHERE user_id = :user")
                .param("user", userId)
                .param("step", s)
                .update());
        return step.isPresent();
    }

    private boolean useRecoveryCode(UUID userId, String code, Instant now) {
        String normalised = normalise(code);
        if (normalised == null) {
            return false;
        }
        record Stored(UUID id, String hash) {
        }
        List<Stored> unused = jdbc.sql("SELECT id, code_hash FROM recovery_codes WHERE user_id = :user AND used_at IS NULL FOR UPDATE")
                .param("user", userId)
                .query((rs, n) -> new Stored(rs.getObject(1, UUID.class), rs.getString(2)))
                .list();
        for (Stored stored : unused) {
            if (hashes.matches(normalised, stored.hash())) {
                jdbc.sql("UPDATE recovery_codes SET used_at = :now WHERE user_id = :user AND id = :id")
                        .param("user", userId)
                        .param("id", stored.id())
                        .param("now", Timestamp.from(now))
                        .update();
                return true;
            }
        }
        return false;
    }

    /** Ten new codes, replacing any earlier ones; shown once, stored as Argon2id hashes. */
    List<String> newRecoveryCodes(UUID userId, Instant now) {
        jdbc.sql("DELETE FROM recovery_codes WHERE user_id = :user").param("user", userId).update();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            StringBuilder code = new StringBuilder();
            for (int c = 0; c < CODE_LENGTH; c++) {
                if (c > 0 && c % 4 == 0) {
                    code.append('-');
                }
                code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
            }
            codes.add(code.toString());
            jdbc.sql("INSERT INTO recovery_codes (user_id, id, code_hash, created_at) VALUES (:user, :id, :hash, :now)")
                    .param("user", userId)
                    .param("id", Ids.newId())
                    .param("hash", hashes.encode(normalise(code.toString())))
                    .param("now", Timestamp.from(now))
                    .update();
        }
        return codes;
    }

    /** Recovery codes are typed by people: case and the dash do not matter. Null when it cannot be one. */
    private static String normalise(String code) {
        if (code == null) {
            return null;
        }
        String plain = code.trim().toLowerCase().replace("-", "");
        return plain.length() == CODE_LENGTH && plain.chars().allMatch(ch -> CODE_ALPHABET.indexOf(ch) >= 0) ? plain : null;
    }
}
