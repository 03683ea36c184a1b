package dev.bulwark.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.tenancy.Lease;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drives re-encryption after a data-key rotation, in the background and on every instance: it takes one organisation
 * queued in {@code key_reencryption_queue} (V21) under the {@link Lease} {@code key-reencryption:<organisation>},
 * re-encrypts it batch after batch while the lease
 * lasts, and removes it from the queue once no ciphertext is left under an older key. Resumable by construction — a
 * batch looks for what is still stale — so a crash costs at most one lease before another instance carries on.
 */
@Component
public class ReencryptionJob {

    private static final Logger log = LoggerFactory.getLogger(ReencryptionJob.class);
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final String LEASE_PREFIX = "key-reencryption:";
    private final java.util.concurrent.atomic.AtomicLong remainingRows = new java.util.concurrent.atomic.AtomicLong();

    private final JdbcClient jdbc;
    private final KeyRotation rotation;
    private final KeyProperties properties;
    private final Lease leases;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    ReencryptionJob(JdbcClient jdbc, KeyRotation rotation, KeyProperties properties, Lease leases, MeterRegistry meters) {
        this.meters = meters;
        this.leases = leases;
        this.jdbc = jdbc;
        this.rotation = rotation;
        this.properties = properties;
    }

    @Scheduled(initialDelayString = "${bulwark.keys.reencrypt-interval:30s}", fixedDelayString = "${bulwark.keys.reencrypt-interval:30s}")
    void scheduled() {
        while (runOnce().isPresent()) {
            // next organisation
        }
    }

    /**
     * Takes one queued organisation whose lease is free and works on it for at most one lease; returns it, or empty
     * when the queue holds nothing to take.
     */
    public Optional<UUID> runOnce() {
        Instant now = Instant.now();
        List<UUID> queued = jdbc.sql("SELECT tenant_id FROM key_reencryption_queue ORDER BY requested_at LIMIT 100")
                .query(UUID.class)
                .list();
        for (UUID tenant : queued) {
            Optional<Lease.Held> lease = leases.acquire(LEASE_PREFIX + tenant, now, LEASE);
            if (lease.isPresent()) {
                try (Lease.Held held = lease.get()) {
                    work(tenant);
                }
                return Optional.of(tenant);
            }
        }
        return Optional.empty();
    }

    private void work(UUID tenant) {
        Instant deadline = Instant.now().plus(LEASE.dividedBy(2));
        KeyRotation.Progress progress;
        try {
            do {
                progress = rotation.reencryptBatch(tenant, properties.reencryptBatch());
            } while (!progress.done() && Instant.now().isBefore(deadline));
        } catch (KeysDestroyedException shredded) {
            progress = new KeyRotation.Progress(java.util.Map.of());
        } catch (RuntimeException e) {
            log.warn("Re-encryption of organisation {} failed; it will be retried: {}", tenant, e.toString());
            return;
        }
        // Rows still under a retired key, as this organisation's work stops (docs/observability.md).
        long remaining = progress.remaining().values().stream().mapToLong(Long::longValue).sum();
        meters.gauge("bulwark.keys.reencryption.remaining.rows", remainingRows).set(remaining);
        if (progress.done()) {
            meters.counter("bulwark.keys.reencryptions.completed").increment();
            jdbc.sql("DELETE FROM key_reencryption_queue WHERE tenant_id = :tenant").param("tenant", tenant).update();
            log.info("Re-encryption of organisation {} is complete", tenant);
        }
    }
}
