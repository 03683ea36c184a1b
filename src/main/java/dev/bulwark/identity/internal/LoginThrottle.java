package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.bulwark.identity.AuthProperties;
import dev.bulwark.keys.BlindIndex;
import dev.bulwark.tenancy.Organisation;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Per-email lockout (OWASP ASVS V6.3), the same for known and unknown emails so it reveals nothing: after
 * {@code threshold} consecutive failures the email is locked for a period that doubles with each lock, from
 * {@code firstLock} up to {@code maxLock}. State lives in the database, so every instance enforces the same lock.
 */
@Component
class LoginThrottle {

    private final JdbcClient jdbc;
    private final BlindIndex index;
    private final AuthProperties.Lockout policy;

    LoginThrottle(JdbcClient jdbc, AuthProperties properties, BlindIndex index) {
        this.jdbc = jdbc;
        this.index = index;
        this.policy = properties.lockout();
    }

    /** How long {@code email} stays locked, if it is locked now. */
    Optional<Duration> lockedFor(String email, Instant now) {
        return jdbc.sql("SELECT locked_until FROM login_throttle WHERE subject_hash = :subject AND locked_until > :now")
                .param("subject", subject(email))
                .param("now", Timestamp.from(now))
                .query(Timestamp.class)
                .optional()
                .map(until -> Duration.between(now, until.toInstant()));
    }

    /** Counts a failure; returns the lock it caused, if this failure reached the threshold. */
    Optional<Duration> recordFailure(String email, Instant now) {
        byte[] subject = subject(email);
        record Counts(int failures, int lockouts) {
        }
        Counts counts = jdbc.sql("""
                        INSERT INTO login_throttle (subject_hash, failures, lockouts, updated_at)
                        VALUES (:subject, 1, 0, :now)
                        ON CONFLICT (subject_hash) DO UPDATE
                            SET failures = login_throttle.failures + 1, updated_at = :now
                        RETURNING failures, lockouts
                        """)
                .param("subject", subject)
                .param("now", Timestamp.from(now))
                .query((rs, n) -> new Counts(rs.getInt("failures"), rs.getInt("lockouts")))
                .single();
        if (counts.failures() < policy.threshold()) {
            return Optional.empty();
        }
        Duration lock = lockDuration(counts.lockouts());
        jdbc.sql("""
                        UPDATE login_throttle SET failures = 0, lockouts = lockouts + 1, locked_until = :until, updated_at = :now
                        WHERE subject_hash = :subject
                        """)
                .param("subject", subject)
                .param("until", Timestamp.from(now.plus(lock)))
                .param("now", Timestamp.from(now))
                .update();
        return Optional.of(lock);
    }

    void recordSuccess(String email) {
        jdbc.sql("DELETE FROM login_throttle WHERE subject_hash = :subject").param("subject", subject(email)).update();
    }

    /** firstLock × 2^previousLocks, capped at maxLock. */
    Duration lockDuration(int previousLocks) {
        Duration lock = policy.firstLock();
        for (int i = 0; i < previousLocks && lock.compareTo(policy.maxLock()) < 0; i++) {
            lock = lock.multipliedBy(2);
        }
        return lock.compareTo(policy.maxLock()) > 0 ? policy.maxLock() : lock;
    }

    /**
     * The key of an email's counters: its blind index under the platform's index key, not a bare hash, which anyone
     * holding a dump could match against guessed addresses.
     */
    private byte[] subject(String email) {
        // Keyed like accounts (EmailAddresses), so a spelling that finds the account also finds its counters.
        String key = EmailAddresses.of(email).map(EmailAddresses.Keys::account).orElse(email.strip());
        return index.of(Organisation.PLATFORM_ID, "login.throttle", key);
    }
}
