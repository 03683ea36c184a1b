package dev.bulwark.keys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.keys.internal.TenantKeys;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Rotating an organisation's data key: a new primary key at once (new writes use it, old ciphertexts still decrypt),
 * then re-encryption of every stale ciphertext in batches by each module's {@link Resealer}. Re-encryption keeps no
 * state of its own — it looks for ciphertexts an older key made — so it resumes wherever it stopped, and a write
 * that lands meanwhile is never overwritten.
 */
@Service
public class KeyRotation {

    /** Rows still under an older key, per resealer. */
    public record Progress(Map<String, Long> remaining) {

        public boolean done() {
            return remaining.values().stream().allMatch(n -> n == 0);
        }
    }

    private final TenantKeys keys;
    private final List<Resealer> resealers;
    private final JdbcClient jdbc;

    KeyRotation(TenantKeys keys, List<Resealer> resealers, JdbcClient jdbc) {
        this.keys = keys;
        this.resealers = resealers;
        this.jdbc = jdbc;
    }

    /**
     * Makes a new primary data key for {@code tenant} and queues the organisation for the {@link ReencryptionJob};
     * returns the ids of its keys, the new primary first.
     */
    public List<Integer> rotate(UUID tenant) {
        keys.rotate(tenant);
        queue(tenant);
        return keys.dataKeyIds(tenant);
    }

    /** Queues {@code tenant} for background re-encryption (also what finds rows from before encryption). */
    public void queue(UUID tenant) {
        jdbc.sql("""
                        INSERT INTO key_reencryption_queue (tenant_id, requested_at) VALUES (:tenant, :now)
                        ON CONFLICT (tenant_id) DO UPDATE SET requested_at = :now
                        """)
                .param("tenant", tenant)
                .param("now", java.sql.Timestamp.from(java.time.Instant.now()))
                .update();
    }

    /** Whether {@code tenant} waits in the re-encryption queue. */
    public boolean queued(UUID tenant) {
        return jdbc.sql("SELECT count(*) FROM key_reencryption_queue WHERE tenant_id = :tenant")
                .param("tenant", tenant)
                .query(Long.class)
                .single() > 0;
    }

    /** Re-encrypts up to {@code batch} rows per resealer; call until {@link Progress#done()}. */
    public Progress reencryptBatch(UUID tenant, int batch) {
        for (Resealer resealer : resealers) {
            resealer.resealBatch(tenant, batch);
        }
        return progress(tenant);
    }

    /** Re-encrypts everything stale of {@code tenant}, batch after batch. */
    public Progress reencryptAll(UUID tenant, int batch) {
        for (Resealer resealer : resealers) {
            while (resealer.resealBatch(tenant, batch) > 0) {
                // next batch
            }
        }
        return progress(tenant);
    }

    public Progress progress(UUID tenant) {
        Map<String, Long> remaining = new LinkedHashMap<>();
        for (Resealer resealer : resealers) {
            remaining.put(resealer.name(), resealer.remaining(tenant));
        }
        return new Progress(remaining);
    }

    /** When {@code tenant}'s data key last got a new primary, if ever. */
    public java.util.Optional<java.time.Instant> rotatedAt(UUID tenant) {
        return keys.rotatedAt(tenant);
    }

    /** The ids of {@code tenant}'s data keys, primary first. */
    public List<Integer> keyIds(UUID tenant) {
        return keys.dataKeyIds(tenant);
    }
}
