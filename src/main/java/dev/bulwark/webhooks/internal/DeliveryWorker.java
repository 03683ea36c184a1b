package dev.bulwark.webhooks.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditReader;
import dev.bulwark.audit.AuditRecord;
import dev.bulwark.audit.AuditType;
import dev.bulwark.egress.DestinationNotAllowedException;
import dev.bulwark.egress.Egress;
import dev.bulwark.egress.EgressFailure;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.webhooks.WebhookProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Sends the deliveries the outbox holds (docs/webhooks.md). A dispatcher thread claims the deliveries that are due from
 * the global queue ({@code FOR UPDATE SKIP LOCKED}, so instances never claim the same row) by moving their due time to
 * the end of a lease, and hands each to a sender (a virtual thread, at most {@code bulwark.webhooks.concurrency} at
 * once). A sender reads the delivery, its webhook and its audit event with the organisation bound, builds and signs the
 * message, sends it through egress with no transaction open, and records the outcome with the organisation bound: a 2xx
 * answer succeeds; anything else (another status, a timeout, an answer over egress's cap, a refused destination) fails
 * and is retried with exponential backoff and jitter. A webhook whose attempts have all failed for
 * {@link #DISABLE_AFTER} is disabled, with {@code webhook.disabled} in the organisation's chain; a single delivery is
 * given up after the same time. A delivery whose instance died mid-attempt is claimed again when its lease lapses, so
 * every delivery is attempted at least once, also across a crash. The dispatcher polls every
 * {@code bulwark.webhooks.poll-interval}, and is woken at once by a manual retry and, while deliveries are waiting, by
 * every sender that finishes.
 */
@Component
public class DeliveryWorker implements SmartLifecycle {

    /** A webhook failing for this long is disabled; a delivery failing for this long is given up. */
    public static final Duration DISABLE_AFTER = Duration.ofDays(5);
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_WAIT = Duration.ofHours(6);
    static final int CLAIM_BATCH = 100;

    /** How one attempt ended, for tests and logs. {@code nextAttemptAt} null: no further attempt is planned. */
    public record Outcome(UUID deliveryId, boolean attempted, boolean succeeded, Integer responseStatus, String failure,
                          Instant nextAttemptAt, boolean disabledWebhook) {
    }

    /** A delivery this instance claimed, until {@code leaseUntil}. */
    record Claimed(UUID tenant, UUID deliveryId, Instant leaseUntil) {
    }

    /** A delivery read for its attempt; {@code unsendable} names why it cannot be sent, else the message is ready. */
    private record Prepared(UUID webhookId, int attempts, Instant createdAt, String url, Map<String, String> headers,
                            byte[] body, String unsendable) {
    }

    /** The details of {@code webhook.disabled}. */
    static final String DESTINATION = WebhookManagement.DESTINATION;
    static final String FAILING_SINCE = "failingSince";

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final FieldCipher cipher;
    private final Egress egress;
    private final AuditLog audit;
    private final AuditReader events;
    private final Bodies bodies;
    private final WebhookProperties properties;
    private final Clock clock;
    private final Semaphore slots;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean backlog;
    private volatile boolean running;
    private Thread dispatcher;
    private ExecutorService senders;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    DeliveryWorker(JdbcClient jdbc, TenantScope tenantScope, FieldCipher cipher, Egress egress, AuditLog audit, AuditReader events,
                   Bodies bodies, WebhookProperties properties, ObjectProvider<Clock> clock, MeterRegistry meters) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.cipher = cipher;
        this.egress = egress;
        this.audit = audit;
        this.events = events;
        this.bodies = bodies;
        this.properties = properties;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.slots = new Semaphore(properties.concurrency());
    }

    @Override
    public void start() {
        running = true;
        senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-sender-", 0).factory());
        dispatcher = Thread.ofPlatform().daemon().name("webhook-dispatcher").start(this::dispatchLoop);
    }

    @Override
    public void stop() {
        running = false;
        wake();
        try {
            dispatcher.join(Duration.ofSeconds(5));
            senders.shutdown();
            // Attempts under way get a moment to record their outcome; one cut short is claimed again when its lease lapses.
            if (!senders.awaitTermination(5, TimeUnit.SECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Asks the dispatcher to look for due deliveries now (after a manual retry commits). */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void dispatchLoop() {
        await(properties.pollInterval());
        while (running) {
            try {
                dispatch();
            } catch (RuntimeException e) {
                // The database is away or shutting down: the next poll tries again. Never a URL or a secret in the log.
                log.warn("Webhook deliveries could not be claimed: {}", e.getClass().getSimpleName());
            }
            await(properties.pollInterval());
        }
    }

    private void await(Duration timeout) {
        synchronized (signal) {
            try {
                if (!woken && running) {
                    signal.wait(timeout.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            woken = false;
        }
    }

    /** Claims as many due deliveries as there are free senders (a batch at most) and starts each. */
    private void dispatch() {
        int free = slots.availablePermits();
        if (free == 0) {
            backlog = true;
            return;
        }
        int wanted = Math.min(free, CLAIM_BATCH);
        List<Claimed> claimed = claim(now(), wanted);
        backlog = claimed.size() == wanted;
        for (Claimed c : claimed) {
            slots.acquireUninterruptibly();
            senders.execute(() -> {
                try {
                    attempt(c, now());
                } catch (RuntimeException e) {
                    // Left claimed: attempted again when its lease lapses.
                    log.warn("Webhook delivery {} could not be attempted: {}", c.deliveryId(), e.getClass().getSimpleName());
                } finally {
                    slots.release();
                    // While deliveries wait, a freed sender (a few of them, to claim in batches) asks for more at once.
                    if (backlog && slots.availablePermits() >= Math.max(1, properties.concurrency() / 8)) {
                        wake();
                    }
                }
            });
        }
    }

    /**
     * Claims and attempts, in the calling thread and at {@code now}, every delivery due at {@code now}: what the
     * dispatcher does, for tests that move time.
     */
    public List<Outcome> deliverDue(Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        List<Outcome> outcomes = new ArrayList<>();
        while (true) {
            List<Claimed> claimed = claim(at, CLAIM_BATCH);
            for (Claimed c : claimed) {
                attempt(c, at).ifPresent(outcomes::add);
            }
            if (claimed.size() < CLAIM_BATCH) {
                return outcomes;
            }
        }
    }

    /** Takes up to {@code limit} due deliveries for this instance, each until the end of its lease. */
    List<Claimed> claim(Instant now, int limit) {
        Instant leaseUntil = now.plus(properties.timeout()).plusSeconds(60).truncatedTo(ChronoUnit.MICROS);
        return jdbc.sql("""
                        UPDATE webhook_queue q SET due_at = :lease
                        FROM (SELECT delivery_id FROM webhook_queue WHERE due_at <= :now
                              ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED) due
                        WHERE q.delivery_id = due.delivery_id
                        RETURNING q.tenant_id, q.delivery_id
                        """)
                .param("lease", Timestamp.from(leaseUntil))
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query((rs, n) -> new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), leaseUntil))
                .list();
    }

    /** One attempt of a claimed delivery at {@code now}; empty when the delivery is gone (its webhook was deleted). */
    Optional<Outcome> attempt(Claimed c, Instant now) {
        Prepared prepared = tenantScope.inTenant(c.tenant(), null, () -> prepare(c, now));
        if (prepared == null) {
            return Optional.empty();
        }
        if (prepared.unsendable() != null) {
            return Optional.of(giveUp(c, prepared, now));
        }
        Integer status = null;
        String failure = null;
        try {
            Egress.Answer answer = egress.send(new Egress.Call("POST", prepared.url(), prepared.headers(), prepared.body(),
                    properties.timeout()));
            status = answer.status();
            failure = status >= 200 && status < 300 ? null : "http-" + status;
        } catch (EgressFailure e) {
            failure = e.reason();
        } catch (DestinationNotAllowedException e) {
            failure = "destination-not-allowed";
        }
        Integer answered = status;
        String failed = failure;
        // Attempts by outcome (docs/observability.md); never a URL or an organisation.
        meters.counter("bulwark.webhooks.deliveries",
                "outcome", failure == null ? "succeeded" : "failed").increment();
        return Optional.of(tenantScope.inTenant(c.tenant(), null, () -> failed == null
                ? succeeded(c, prepared, now, answered)
                : failed(c, prepared, now, answered, failed)));
    }

    private Prepared prepare(Claimed c, Instant now) {
        record Row(UUID webhookId, UUID eventId, int attempts, Instant createdAt, String url, String format, boolean enabled,
                   byte[] secret, byte[] previous, Instant previousUntil) {
        }
        Row row = jdbc.sql("""
                        SELECT d.webhook_id, d.event_id, d.attempts, d.created_at, w.url, w.format, w.enabled, w.secret_ct,
                               w.previous_secret_ct, w.previous_secret_expires_at
                        FROM webhook_deliveries d JOIN webhooks w ON w.tenant_id = d.tenant_id AND w.id = d.webhook_id
                        WHERE d.tenant_id = :org AND d.id = :id
                        """)
                .param("org", c.tenant())
                .param("id", c.deliveryId())
                .query((rs, n) -> {
                    Timestamp until = rs.getTimestamp("previous_secret_expires_at");
                    return new Row(rs.getObject("webhook_id", UUID.class), rs.getObject("event_id", UUID.class),
                            rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(), rs.getString("url"),
                            rs.getString("format"), rs.getBoolean("enabled"), rs.getBytes("secret_ct"),
                            rs.getBytes("previous_secret_ct"), until == null ? null : until.toInstant());
                })
                .optional()
                .orElse(null);
        if (row == null) {
            return null;
        }
        if (!row.enabled()) {
            return new Prepared(row.webhookId(), row.attempts(), row.createdAt(), null, null, null, "webhook-disabled");
        }
        Optional<AuditRecord> event = events.findWithoutData(c.tenant(), row.eventId());
        if (event.isEmpty()) {
            return new Prepared(row.webhookId(), row.attempts(), row.createdAt(), null, null, null, "event-purged");
        }
        List<String> secrets = new ArrayList<>(2);
        try {
            secrets.add(cipher.decrypt(WebhookManagement.secretField(c.tenant(), row.webhookId()), row.secret()));
            if (row.previous() != null && row.previousUntil().isAfter(now)) {
                secrets.add(cipher.decrypt(WebhookManagement.previousSecretField(c.tenant(), row.webhookId()), row.previous()));
            }
        } catch (RuntimeException undecryptable) {
            // The organisation's keys were destroyed (crypto-shredding) or the ciphertext is not this row's.
            return new Prepared(row.webhookId(), row.attempts(), row.createdAt(), null, null, null, "secret-unavailable");
        }
        byte[] body = bodies.of(c.tenant(), row.format(), event.get());
        return new Prepared(row.webhookId(), row.attempts(), row.createdAt(), row.url(),
                Messages.headers(c.deliveryId(), now, body, secrets), body, null);
    }

    private Outcome succeeded(Claimed c, Prepared p, Instant now, int status) {
        // One statement: the delivery succeeded, its place in the queue (if still this claim's) is given up, and its
        // webhook's run of failures, if any, has ended.
        jdbc.sql("""
                        WITH delivered AS (
                            UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1, response_status = :status,
                                failure = NULL, last_attempt_at = :now, next_attempt_at = NULL
                            WHERE tenant_id = :org AND id = :id),
                        released AS (
                            DELETE FROM webhook_queue WHERE delivery_id = :id AND due_at = :lease)
                        UPDATE webhooks SET failing_since = NULL WHERE tenant_id = :org AND id = :webhook AND failing_since IS NOT NULL
                        """)
                .param("org", c.tenant()).param("id", c.deliveryId()).param("status", status).param("now", Timestamp.from(now))
                .param("lease", Timestamp.from(c.leaseUntil())).param("webhook", p.webhookId())
                .update();
        return new Outcome(c.deliveryId(), true, true, status, null, null, false);
    }

    private Outcome failed(Claimed c, Prepared p, Instant now, Integer status, String failure) {
        record Webhook(Instant failingSince, boolean enabled, String url) {
        }
        Webhook webhook = jdbc.sql("""
                        UPDATE webhooks SET failing_since = coalesce(failing_since, :now)
                        WHERE tenant_id = :org AND id = :id RETURNING failing_since, enabled, url
                        """)
                .param("org", c.tenant()).param("id", p.webhookId()).param("now", Timestamp.from(now))
                .query((rs, n) -> new Webhook(rs.getTimestamp(1).toInstant(), rs.getBoolean(2), rs.getString(3)))
                .optional().orElse(null);
        if (webhook == null) {
            return new Outcome(c.deliveryId(), true, false, status, failure, null, false);
        }
        Instant cutoff = now.minus(DISABLE_AFTER);
        boolean disable = webhook.enabled() && !webhook.failingSince().isAfter(cutoff);
        Instant next = disable || !webhook.enabled() || !p.createdAt().isAfter(cutoff) ? null
                : now.plus(backoff(p.attempts() + 1, ThreadLocalRandom.current().nextDouble())).truncatedTo(ChronoUnit.MICROS);
        jdbc.sql("""
                        UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, response_status = :status,
                            failure = :failure, last_attempt_at = :now, next_attempt_at = :next
                        WHERE tenant_id = :org AND id = :id
                        """)
                .param("org", c.tenant()).param("id", c.deliveryId()).param("status", status).param("failure", failure)
                .param("now", Timestamp.from(now)).param("next", next == null ? null : Timestamp.from(next))
                .update();
        release(c, next);
        if (disable) {
            disable(c.tenant(), p.webhookId(), now, webhook.failingSince(), webhook.url());
        }
        return new Outcome(c.deliveryId(), true, false, status, failure, next, disable);
    }

    /** A delivery that cannot be sent: failed, with no attempt made and none planned. */
    private Outcome giveUp(Claimed c, Prepared p, Instant now) {
        tenantScope.inTenant(c.tenant(), null, () -> {
            jdbc.sql("""
                            UPDATE webhook_deliveries SET status = 'failed', failure = :failure, next_attempt_at = NULL
                            WHERE tenant_id = :org AND id = :id
                            """)
                    .param("org", c.tenant()).param("id", c.deliveryId()).param("failure", p.unsendable())
                    .update();
            release(c, null);
        });
        return new Outcome(c.deliveryId(), false, false, null, p.unsendable(), null, false);
    }

    /**
     * Our claim ends: the delivery is due again at {@code next}, or leaves the queue (null). Only while the row still
     * holds our lease: a manual retry that made it due again meanwhile stands.
     */
    private void release(Claimed c, Instant next) {
        if (next == null) {
            jdbc.sql("DELETE FROM webhook_queue WHERE delivery_id = :id AND due_at = :lease")
                    .param("id", c.deliveryId()).param("lease", Timestamp.from(c.leaseUntil()))
                    .update();
        } else {
            jdbc.sql("UPDATE webhook_queue SET due_at = :next WHERE delivery_id = :id AND due_at = :lease")
                    .param("id", c.deliveryId()).param("lease", Timestamp.from(c.leaseUntil())).param("next", Timestamp.from(next))
                    .update();
        }
    }

    /**
     * Disables a webhook whose attempts have all failed since {@code failingSince}: nothing more is attempted for it, its
     * waiting deliveries are marked failed, and {@code webhook.disabled} is appended as Bulwark's own action.
     */
    private void disable(UUID org, UUID webhookId, Instant now, Instant failingSince, String url) {
        int changed = jdbc.sql("""
                        UPDATE webhooks SET enabled = false, disabled_at = :now, updated_at = :now
                        WHERE tenant_id = :org AND id = :id AND enabled
                        """)
                .param("org", org).param("id", webhookId).param("now", Timestamp.from(now))
                .update();
        if (changed == 0) {
            return;
        }
        dropWaiting(jdbc, org, webhookId);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(DESTINATION, WebhookManagement.destination(url));
        details.put(FAILING_SINCE, failingSince);
        audit.systemAction(org, AuditType.WEBHOOK_DISABLED, WebhookManagement.webhook(webhookId),
                "every delivery attempt failed for " + DISABLE_AFTER.toDays() + " days", details);
        log.info("Webhook {} of organisation {} disabled: failing since {}", webhookId, org, failingSince);
    }

    /**
     * A disabled webhook's waiting deliveries leave the queue and are marked failed, with no attempt planned (a manual
     * retry, once the webhook is enabled again, sends one). Runs with {@code org} bound.
     */
    static void dropWaiting(JdbcClient jdbc, UUID org, UUID webhookId) {
        jdbc.sql("""
                        DELETE FROM webhook_queue q USING webhook_deliveries d
                        WHERE q.tenant_id = :org AND d.tenant_id = :org AND d.webhook_id = :id AND q.delivery_id = d.id
                        """)
                .param("org", org).param("id", webhookId)
                .update();
        jdbc.sql("""
                        UPDATE webhook_deliveries SET status = 'failed', failure = coalesce(failure, 'webhook-disabled'),
                            next_attempt_at = NULL
                        WHERE tenant_id = :org AND webhook_id = :id AND next_attempt_at IS NOT NULL
                        """)
                .param("org", org).param("id", webhookId)
                .update();
    }

    /**
     * The wait after the {@code attempts}-th failed attempt: 30 seconds doubling (1, 2, 4 … minutes) up to 6 hours,
     * times a jitter factor from 0.8 to 1.2 ({@code jitter} in [0, 1)), so receivers coming back are not hit by every
     * retry at once. Without jitter the fifth attempt comes 7.5 minutes after the first, the ninth after 2 hours 8 minutes,
     * the eleventh after 8.5 hours and then one every 6 hours: a webhook failing throughout gets about 29 attempts before
     * it is disabled.
     */
    static Duration backoff(int attempts, double jitter) {
        long seconds = Math.min(FIRST_RETRY.toSeconds() << Math.min(Math.max(attempts - 1, 0), 20), LONGEST_WAIT.toSeconds());
        return Duration.ofMillis(Math.round(seconds * 1000 * (0.8 + 0.4 * jitter)));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
