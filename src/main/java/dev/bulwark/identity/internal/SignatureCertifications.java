package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.audit.AuditType;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first-use certification of electronic signatures (21 CFR 11.100(c); docs/signatures.md): once per user, the
 * statement that their electronic signature is the legally binding equivalent of their handwritten one. Written once,
 * never changed (the app role may not update or delete the row, V60); a second attempt answers 409. Recorded as the
 * user's own security event {@code signature.certified}, in every organisation they belong to.
 */
@Service
public class SignatureCertifications implements dev.bulwark.identity.SignatureCertificationRecords {

    public static final int MAX_STATEMENT = 2000;

    /** A user's certification as answered. */
    public record Certification(UUID userId, String statement, Instant certifiedAt) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final SecurityEvents events;
    private final Clock clock;

    SignatureCertifications(JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions, SecurityEvents events,
                            Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Records the certification; 409 {@code already-certified} when the user has one. */
    public Certification certify(UUID userId, String statement, ClientInfo client) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return transactions.execute(s -> tenantScope.asUser(userId, () -> {
            int added = jdbc.sql("""
                            INSERT INTO signature_certifications (user_id, statement, certified_at) VALUES (:user, :statement, :at)
                            ON CONFLICT (user_id) DO NOTHING
                            """)
                    .param("user", userId)
                    .param("statement", statement)
                    .param("at", Timestamp.from(now))
                    .update();
            if (added == 0) {
                throw new RefusedException(409, "already-certified", "Already certified",
                        "Your electronic signature certification is recorded once and cannot be changed.");
            }
            events.userEvent(AuditType.SIGNATURE_CERTIFIED, userId, client, Map.of("statementLength", statement.length()));
            return new Certification(userId, statement, now);
        }));
    }

    @Override
    public boolean hasCertified(UUID userId) {
        return of(userId).isPresent();
    }

    /** The user's certification, if they made one. */
    public Optional<Certification> of(UUID userId) {
        return tenantScope.asUser(userId, () -> jdbc.sql("SELECT statement, certified_at FROM signature_certifications WHERE user_id = :user")
                .param("user", userId)
                .query((rs, n) -> new Certification(userId, rs.getString(1), rs.getTimestamp(2).toInstant()))
                .optional());
    }
}
