package dev.bulwark.audit.internal;

import java.io.ByteArrayOutputStream;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.audit.AuditProperties;
import dev.bulwark.audit.CheckpointSink;
import dev.bulwark.tenancy.TenantScope;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Signs checkpoints: every {@code bulwark.audit.checkpoint-interval}, for each tenant whose chain grew since its last
 * checkpoint, extends the tenant's Merkle tree from the stored frontier with the new events' hashes, signs the new
 * root, stores the checkpoint and copies it (with those hashes) to every {@link CheckpointSink}. A per-tenant advisory
 * lock lets several instances run this at once without signing the same size twice; a chain whose links are broken is
 * never signed.
 */
@Component
public class Checkpointer {

    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);
    private final java.util.concurrent.atomic.AtomicLong lag = new java.util.concurrent.atomic.AtomicLong();
    /** Advisory-lock namespace of checkpointing (the other key is the tenant's hash). */
    private static final int LOCK_SPACE = 0x6175_6431;
    private static final int BATCH = 1_000;

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final CheckpointKey key;
    private final AuditProperties properties;
    private final List<CheckpointSink> sinks;
    private final Clock clock;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    Checkpointer(JdbcClient jdbc, TenantScope tenantScope, CheckpointKey key, AuditProperties properties,
                 List<CheckpointSink> sinks, ObjectProvider<Clock> clock, MeterRegistry meters) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.key = key;
        this.properties = properties;
        this.sinks = sinks;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** The origin line of {@code tenant}'s checkpoints. */
    public String origin(UUID tenant) {
        return properties.origin() + "/" + tenant;
    }

    @Scheduled(initialDelayString = "${bulwark.audit.checkpoint-interval:10s}",
            fixedDelayString = "${bulwark.audit.checkpoint-interval:10s}")
    void scheduled() {
        checkpointAll(false);
    }

    /** Checkpoints every tenant whose chain grew; returns how many checkpoints were signed. */
    public int checkpointAll(boolean wait) {
        // Checkpoint lag: audit events not yet covered by a signed checkpoint, over every chain, as this run starts.
        meters.gauge("bulwark.audit.checkpoint.lag.events", lag).set(jdbc.sql("""
                        SELECT coalesce(sum(h.seq - coalesce(c.tree_size, 0)), 0)
                        FROM audit_heads h LEFT JOIN audit_checkpointed c USING (tenant_id)
                        """).query(Long.class).single());
        int signed = 0;
        while (true) {
            List<UUID> grown = jdbc.sql("""
                            SELECT h.tenant_id FROM audit_heads h LEFT JOIN audit_checkpointed c USING (tenant_id)
                            WHERE h.seq > coalesce(c.tree_size, 0) ORDER BY h.tenant_id LIMIT :batch
                            """)
                    .param("batch", BATCH)
                    .query(UUID.class)
                    .list();
            int before = signed;
            for (UUID tenant : grown) {
                try {
                    if (checkpoint(tenant, wait).isPresent()) {
                        signed++;
                    }
                } catch (RuntimeException e) {
                    log.error("Checkpoint of the audit log of {} failed: {}", tenant, e.getMessage());
                }
            }
            if (grown.size() < BATCH || signed == before) {
                return signed;
            }
        }
    }

    /**
     * Signs a checkpoint of {@code tenant}'s chain as it is now, unless it has not grown since the last one, or another
     * instance is signing one right now (then nothing, unless {@code wait}, which waits for it and signs what is left).
     */
    public Optional<SignedCheckpoint> checkpoint(UUID tenant, boolean wait) {
        return tenantScope.inTenant(tenant, null, () -> {
            Boolean locked = jdbc.sql(wait
                            ? "SELECT true FROM (SELECT pg_advisory_xact_lock(:space, hashtext(:tenant))) AS waited"
                            : "SELECT pg_try_advisory_xact_lock(:space, hashtext(:tenant))")
                    .param("space", LOCK_SPACE)
                    .param("tenant", tenant.toString())
                    .query(Boolean.class)
                    .single();
            if (!locked) {
                return Optional.<SignedCheckpoint>empty();
            }
            Long head = jdbc.sql("SELECT seq FROM audit_heads WHERE tenant_id = :tenant")
                    .param("tenant", tenant).query(Long.class).optional().orElse(0L);
            Optional<Last> last = jdbc.sql("""
                            SELECT tree_size, frontier, note FROM audit_checkpoints WHERE tenant_id = :tenant
                            ORDER BY tree_size DESC LIMIT 1
                            """)
                    .param("tenant", tenant)
                    .query((rs, n) -> new Last(MerkleTree.Range.restore(rs.getLong("tree_size"), rs.getBytes("frontier")),
                            rs.getString("note")))
                    .optional();
            requirePublishedKey(tenant, last.map(Last::note));
            MerkleTree.Range range = last.map(Last::range).orElseGet(MerkleTree.Range::new);
            long from = range.size();
            if (head <= from) {
                return Optional.<SignedCheckpoint>empty();
            }
            ByteArrayOutputStream hashes = new ByteArrayOutputStream((int) Math.min(head - from, 1 << 20) * MerkleTree.HASH);
            Link link = new Link(from);
            jdbc.sql("""
                            SELECT seq, prev_hash, hash FROM audit_events
                            WHERE tenant_id = :tenant AND seq >= :first AND seq <= :head ORDER BY seq
                            """)
                    .param("tenant", tenant)
                    .param("first", Math.max(from, 1))
                    .param("head", head)
                    .withFetchSize(2_000)
                    .query(rs -> {
                        long seq = rs.getLong("seq");
                        byte[] hash = rs.getBytes("hash");
                        if (seq == from) {
                            link.last = hash;
                            return;
                        }
                        if (seq != link.seq + 1 || (link.last != null && !Arrays.equals(link.last, rs.getBytes("prev_hash")))) {
                            throw new IllegalStateException("the chain is broken at seq " + (link.seq + 1)
                                    + "; not signing it (GET …/audit/verify says more)");
                        }
                        link.seq = seq;
                        link.last = hash;
                        range.append(hash);
                        hashes.writeBytes(hash);
                    });
            if (link.seq != head) {
                throw new IllegalStateException("events " + (link.seq + 1) + ".." + head + " are missing; not signing");
            }
            SignedCheckpoint signed = SignedCheckpoint.sign(origin(tenant), head, range.root(), key);
            jdbc.sql("""
                            INSERT INTO audit_checkpoints (tenant_id, tree_size, root_hash, frontier, note, created_at)
                            VALUES (:tenant, :size, :root, :frontier, :note, :at)
                            """)
                    .param("tenant", tenant)
                    .param("size", head)
                    .param("root", signed.rootHash())
                    .param("frontier", range.frontier())
                    .param("note", signed.note())
                    .param("at", Timestamp.from(clock.instant()))
                    .update();
            jdbc.sql("""
                            INSERT INTO audit_checkpointed (tenant_id, tree_size) VALUES (:tenant, :size)
                            ON CONFLICT (tenant_id) DO UPDATE SET tree_size = greatest(audit_checkpointed.tree_size, :size)
                            """)
                    .param("tenant", tenant)
                    .param("size", head)
                    .update();
            byte[] added = hashes.toByteArray();
            for (CheckpointSink sink : sinks) {
                sink.publish(tenant, signed.note(), from, head, added);
            }
            return Optional.of(signed);
        });
    }

    /**
     * Signs only with the published key: the key that signed the chain's last checkpoint. Any other key (a key directory
     * swapped while running) would make every later checkpoint read as tampering, so nothing is signed.
     */
    private void requirePublishedKey(UUID tenant, Optional<String> lastNote) {
        String ours = java.util.HexFormat.of().formatHex(key.keyId());
        if (lastNote.isPresent() && !SignedCheckpoint.signers(lastNote.get()).contains(ours)) {
            throw new IllegalStateException("the last checkpoint of " + tenant + " is signed by key "
                    + SignedCheckpoint.signers(lastNote.get()) + ", not by this checkpoint key (" + ours + "): not signing");
        }
    }

    /** The latest checkpoint: the frontier to extend and the note whose key must sign the next one. */
    private record Last(MerkleTree.Range range, String note) {
    }

    /** The walk's last linked event. */
    private static final class Link {
        long seq;
        byte[] last;

        Link(long seq) {
            this.seq = seq;
        }
    }
}
