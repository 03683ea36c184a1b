package dev.bulwark.identity.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.bulwark.identity.Mailbox;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.Ids;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.TenantScope;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * The outbox of everything identity sends (docs/authentication.md#mail): a row written in the acting transaction, so a
 * mail is never sent for a rolled-back action and never lost to a crash; sent once that transaction commits (a worker
 * is woken after commit, and a scheduled sweep picks up retries and other instances' rows), retried with a growing
 * delay, and deleted once sent: a row holds a single-use token only until its mail is out.
 * <p>
 * Besides mails it carries work whose cost must not show in an answer: a password-reset request is queued as it
 * arrives, known address or not, and resolved here (see {@link PasswordService}).
 * <p>
 * Rows belong to the platform organisation; the recipient, subject and body are one ciphertext under its keys.
 */
@Component
class MailOutbox implements Mailbox {

    /** Work for one row, run inside the row's transaction: an exception rolls it back and schedules a retry. */
    interface Handler {
        void handle(Map<String, String> payload, Instant now);
    }

    static final String MAIL = "mail";
    static final String PASSWORD_RESET = "password_reset";
    static final int MAX_ATTEMPTS = 12;

    private static final Logger log = LoggerFactory.getLogger(MailOutbox.class);
    private static final int ROWS_PER_DRAIN = 500;

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final FieldCipher cipher;
    private final ObjectMapper json;
    private final Mailer mailer;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("mail-outbox").daemon().factory());
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    MailOutbox(JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions, FieldCipher cipher, ObjectMapper json,
               Mailer mailer) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.cipher = cipher;
        this.json = json;
        this.mailer = mailer;
        handle(MAIL, (payload, now) -> mailer.deliver(payload.get("to"), payload.get("subject"), payload.get("text")));
    }

    /** An absolute link into Bulwark for a mail, from the configured public URL (never the request's Host). */
    String link(String pathAndQuery) {
        return mailer.link(pathAndQuery);
    }

    /** Registers the work for rows of {@code kind}. */
    void handle(String kind, Handler handler) {
        handlers.put(kind, handler);
    }

    /** Queues a mail in the current transaction (or its own); it goes out after commit. */
    @Override
    public void mail(String to, String subject, String text) {
        enqueue(MAIL, Map.of("to", to, "subject", subject, "text", text));
    }

    /** Queues work of {@code kind} in the current transaction (or its own), done after commit. */
    void enqueue(String kind, Map<String, String> payload) {
        UUID id = Ids.newId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        tenantScope.inTenant(Organisation.PLATFORM_ID, null, () -> {
            jdbc.sql("""
                            INSERT INTO mail_outbox (tenant_id, id, kind, payload_ct, next_attempt_at, created_at)
                            VALUES (:org, :id, :kind, :payload, :now, :now)
                            """)
                    .param("org", Organisation.PLATFORM_ID)
                    .param("id", id)
                    .param("kind", kind)
                    .param("payload", cipher.encrypt(field(id), json.writeValueAsString(payload)))
                    .param("now", Timestamp.from(now))
                    .update();
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        wake();
                    }
                });
            }
        });
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            wake();
        }
    }

    /** Asks the worker to drain soon; wakes that arrive while one is queued fold into it. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    wakeQueued.set(false);
                    drain();
                });
            } catch (RejectedExecutionException shuttingDown) {
                wakeQueued.set(false);
            }
        }
    }

    /** Retries, and rows another instance wrote or could not send. */
    @Scheduled(initialDelayString = "${bulwark.mail.outbox-interval:5s}", fixedDelayString = "${bulwark.mail.outbox-interval:5s}")
    void sweep() {
        wake();
    }

    /** Does every due row, one transaction each; returns how many were done (sent or given up). */
    int drain() {
        int done = 0;
        try {
            for (int i = 0; i < ROWS_PER_DRAIN; i++) {
                Optional<Boolean> outcome = next();
                if (outcome.isEmpty()) {
                    break;
                }
                done++;
            }
        } catch (RuntimeException e) {
            // The database is away, or shutting down: the next sweep tries again.
            log.warn("The mail outbox could not be drained: {}", e.getClass().getSimpleName());
        }
        return done;
    }

    private record Row(UUID id, String kind, byte[] payload, int attempts) {
    }

    /** Claims and does one due row: empty when none is due, else whether it was done (true) or rescheduled. */
    private Optional<Boolean> next() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Row[] claimed = new Row[1];
        try {
            Boolean found = transactions.execute(s -> tenantScope.inTenant(Organisation.PLATFORM_ID, null, () -> {
                Row row = jdbc.sql("""
                                SELECT id, kind, payload_ct, attempts FROM mail_outbox
                                WHERE tenant_id = :org AND next_attempt_at <= :now
                                ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
                                """)
                        .param("org", Organisation.PLATFORM_ID)
                        .param("now", Timestamp.from(now))
                        .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3), rs.getInt(4)))
                        .optional().orElse(null);
                if (row == null) {
                    return false;
                }
                claimed[0] = row;
                Map<String, String> payload = json.readValue(cipher.decrypt(field(row.id()), row.payload()), new TypeReference<>() {
                });
                handlers.get(row.kind()).handle(payload, now);
                tenantScope.inTenant(Organisation.PLATFORM_ID, null, () -> delete(row.id()));
                return true;
            }));
            return Boolean.TRUE.equals(found) ? Optional.of(true) : Optional.empty();
        } catch (RuntimeException e) {
            Row row = claimed[0];
            if (row == null) {
                throw e;
            }
            // The handler's writes rolled back with the row's transaction; the row stays, rescheduled. Never the
            // payload in the log: it may carry a token.
            log.warn("Outbox {} row {} failed (attempt {} of {}): {}", row.kind(), row.id(), row.attempts() + 1, MAX_ATTEMPTS,
                    e.getMessage());
            transactions.executeWithoutResult(s -> tenantScope.inTenant(Organisation.PLATFORM_ID, null, () -> reschedule(row, now)));
            return Optional.of(false);
        }
    }

    private void reschedule(Row row, Instant now) {
        int attempts = row.attempts() + 1;
        if (attempts >= MAX_ATTEMPTS) {
            log.error("Outbox {} row {} given up after {} attempts", row.kind(), row.id(), attempts);
            delete(row.id());
            return;
        }
        jdbc.sql("UPDATE mail_outbox SET attempts = :attempts, next_attempt_at = :next WHERE tenant_id = :org AND id = :id")
                .param("org", Organisation.PLATFORM_ID)
                .param("id", row.id())
                .param("attempts", attempts)
                .param("next", Timestamp.from(now.plus(backoff(attempts))))
                .update();
    }

    private void delete(UUID id) {
        jdbc.sql("DELETE FROM mail_outbox WHERE tenant_id = :org AND id = :id").param("org", Organisation.PLATFORM_ID).param("id", id).update();
    }

    /** The wait before attempt {@code attempts + 1}: 30 s doubling, at most 2 h; twelve attempts span about 13 hours. */
    static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(30L << Math.min(attempts - 1, 20), 7200));
    }

    private static FieldCipher.Field field(UUID id) {
        return new FieldCipher.Field(Organisation.PLATFORM_ID, "mail_outbox", "payload", id);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
