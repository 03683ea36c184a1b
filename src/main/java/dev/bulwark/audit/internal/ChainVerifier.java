package dev.bulwark.audit.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import dev.bulwark.audit.CheckpointSink;
import dev.bulwark.audit.Verification;
import dev.bulwark.shared.UndecryptableFieldException;
import dev.bulwark.tenancy.TenantScope;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.PGStatement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Recomputes a tenant's chain from the database, oldest first, streaming (a million events never sit in memory):
 * every seq present once and in order, every data digest (unless redacted), payload hash, prev hash and hash as
 * docs/audit-chain.md defines them, and the head row agreeing with the last event. The first disagreement names the
 * first bad seq. The Merkle root at every checkpoint's size must match that checkpoint (the latest one in the database
 * and every one in a {@link CheckpointSink} with its signature checked), and each event's hash must match the copy the
 * sinks hold: deleting the newest events is caught by a checkpoint that covered them, a rewrite of the whole database
 * (chain and checkpoints recomputed) by the copies outside it.
 */
@Component
public class ChainVerifier {

    /**
     * The events of a tenant with {@code seq} in {@code (?, ?]}, oldest first, every column a verification reads
     * (ids and the instant as the text that was hashed). Public for the benchmark that measures reading them alone.
     */
    public static final String ROWS = """
            SELECT seq, id::text AS id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
                   type, actor_type, actor_id::text AS actor_id, entity_type, entity_id, reason, ip, user_agent,
                   request_id, before_json, after_json, data_salt, data_digest, redacted_at IS NOT NULL AS redacted,
                   hash_version, payload_hash, prev_hash, hash, before_ct, after_ct
            FROM audit_events WHERE tenant_id = ? AND seq > ? AND seq <= ? ORDER BY seq""";

    private static final java.util.concurrent.ExecutorService SECOND_HALF = Executors.newVirtualThreadPerTaskExecutor();

    private final JdbcClient jdbc;
    private final JdbcTemplate rows;
    private final TenantScope tenantScope;
    private final CheckpointKey key;
    private final Payloads payloads;
    /** Below this many events one thread reads and hashes them all ({@code bulwark.audit.verify-parallel-from}). */
    private final long parallelFrom;
    private final Checkpointer checkpointer;
    private final List<CheckpointSink> sinks;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    ChainVerifier(JdbcClient jdbc, DataSource dataSource, TenantScope tenantScope, CheckpointKey key,
                  Checkpointer checkpointer, List<CheckpointSink> sinks, Payloads payloads,
                  @Value("${bulwark.audit.verify-parallel-from:20000}") long parallelFrom, MeterRegistry meters) {
        this.meters = meters;
        this.payloads = payloads;
        this.parallelFrom = parallelFrom;
        this.jdbc = jdbc;
        this.rows = new JdbcTemplate(dataSource);
        this.tenantScope = tenantScope;
        this.key = key;
        this.checkpointer = checkpointer;
        this.sinks = sinks;
    }

    public Verification verify(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> {
            Walk walk = new Walk(tenant);
            expectCheckpoints(tenant, walk);
            startAfterPurge(tenant, walk);
            // The head after the checkpoints (a checkpoint never names more than the head did when it was signed), and
            // before the events: the walk covers the chain as far as the head named it; later appends are not its.
            Object[] head = jdbc.sql("SELECT seq, hash FROM audit_heads WHERE tenant_id = :tenant")
                    .param("tenant", tenant)
                    .query((rs, n) -> new Object[] {rs.getLong("seq"), rs.getBytes("hash")})
                    .optional().orElse(new Object[] {0L, ChainCodec.GENESIS});
            long headSeq = (Long) head[0];
            if (walk.firstInvalid == null && headSeq > walk.lastSeq) {
                stream(tenant, walk, headSeq);
            }
            if (walk.firstInvalid == null && (walk.lastSeq != headSeq || !Arrays.equals((byte[]) head[1], walk.lastHash))) {
                walk.fail(walk.lastSeq + 1, "the chain's head names an event that is not there");
            }
            walk.finish();
            Verification result = walk.result();
            meters.counter("bulwark.audit.verifications", "result", result.valid() ? "valid" : "invalid").increment();
            return result;
        });
    }

    /**
     * Reads and hashes the events after the walk's start up to {@code headSeq}: the first half on this thread (in the
     * tenant's transaction), feeding the walk as it goes; the second half at the same time on another thread in a
     * transaction of its own, kept compactly (seq, previous hash, hash, problem) and fed to the walk after the first.
     * Each row's own hashes are checked where it is read; only the links and the Merkle tree need the order.
     */
    private void stream(UUID tenant, Walk walk, long headSeq) {
        long from = walk.lastSeq;
        long total = headSeq - from;
        long mid = total < parallelFrom ? headSeq : from + total / 2;
        Payloads.Opener opener = payloads.opener(tenant);
        CompletableFuture<Checked> second = mid == headSeq ? null
                : CompletableFuture.supplyAsync(() -> tenantScope.inTenant(tenant, null, () -> {
                    Checked out = new Checked((int) (headSeq - mid));
                    ChainCodec codec = new ChainCodec();
                    read(tenant, mid, headSeq, row -> out.add(row, codec, walk.tenantUtf8, opener, this), out::stopped);
                    return out;
                }), SECOND_HALF);
        ChainCodec codec = new ChainCodec();
        read(tenant, from, mid, row -> walk.accept(row.seq(), row.prevHash(), row.hash(), problem(row, codec, walk.tenantUtf8, opener),
                row.redacted()), () -> walk.firstInvalid != null);
        if (second != null) {
            Checked rest;
            try {
                rest = second.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while verifying", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("verification failed to run", e.getCause());
            }
            rest.replay(walk);
        }
    }

    /** Streams events {@code (after, upTo]} oldest first with binary transfer, until {@code stop} says so. */
    private void read(UUID tenant, long after, long upTo, java.util.function.Consumer<Row> sink,
                      java.util.function.BooleanSupplier stop) {
        try {
            rows.query(connection -> {
                PreparedStatement ps = connection.prepareStatement(ROWS);
                ps.setObject(1, tenant);
                ps.setLong(2, after);
                ps.setLong(3, upTo);
                ps.setFetchSize(2_000);
                // Binary transfer from the first execution: hashes arrive as bytes, not hex text.
                ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
                return ps;
            }, (ResultSet rs) -> {
                if (stop.getAsBoolean()) {
                    throw new StopReading();
                }
                // Text columns as the bytes that came (UTF-8, the driver's client encoding), which is what is hashed:
                // no string is made of them and encoded again.
                sink.accept(new Row(rs.getLong(1), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4), rs.getBytes(5),
                        rs.getBytes(6), rs.getBytes(7), rs.getBytes(8), rs.getBytes(9), rs.getBytes(10), rs.getBytes(11),
                        rs.getBytes(12), rs.getBytes(13), rs.getBytes(14), rs.getBytes(15), rs.getBytes(16), rs.getBoolean(17),
                        rs.getInt(18), rs.getBytes(19), rs.getBytes(20), rs.getBytes(21), rs.getBytes(22), rs.getBytes(23)));
            });
        } catch (StopReading e) {
            // the walk already failed: the rest need not be read
        }
    }

    /**
     * What is wrong with one event on its own (its version, data digest, payload hash, and hash over the previous hash
     * it states), or null. Whether that previous hash is the event before's is the walk's to check.
     */
    String problem(Row r, ChainCodec codec, byte[] tenant, Payloads.Opener opener) {
        if (r.version() != ChainCodec.VERSION) {
            return "unknown hash version";
        }
        boolean sealed = r.beforeSealed() != null || r.afterSealed() != null;
        if (r.redacted()) {
            if (r.before() != null || r.after() != null || sealed || r.salt() != null || r.digest() == null) {
                return "a redacted event still holds data, or lost its digest";
            }
        } else if (r.before() != null || r.after() != null) {
            return sealed ? "the event holds its data both encrypted and in plaintext"
                    : "the event holds its data in plaintext (sealed at start-up, so never again)";
        } else {
            byte[] before = null;
            byte[] after = null;
            try {
                UUID id = sealed ? UUID.fromString(new String(r.id(), java.nio.charset.StandardCharsets.US_ASCII)) : null;
                before = opener.openUtf8(id, "before", r.beforeSealed());
                after = opener.openUtf8(id, "after", r.afterSealed());
                if (r.digest() == null ? before != null || after != null
                        : r.salt() == null || !Arrays.equals(r.digest(), codec.dataDigestUtf8(r.salt(), before, after))) {
                    return "before/after do not match their digest";
                }
            } catch (UndecryptableFieldException e) {
                return "before/after cannot be decrypted for this event (moved, altered, or the key destroyed)";
            } finally {
                if (before != null) {
                    Arrays.fill(before, (byte) 0);
                }
                if (after != null) {
                    Arrays.fill(after, (byte) 0);
                }
            }
        }
        byte[] payloadHash = codec.payloadHashUtf8(r.actorType(), r.actorId(), r.entityType(), r.entityId(), r.reason(), r.ip(),
                r.userAgent(), r.requestId(), r.digest());
        if (!Arrays.equals(payloadHash, r.payloadHash())) {
            return "payload does not match its hash";
        }
        byte[] hash = codec.eventHashUtf8(ChainCodec.VERSION, tenant, r.seq(), r.id(), r.occurredAt(), r.type(), payloadHash,
                r.prevHash());
        return Arrays.equals(hash, r.hash()) ? null : "hash does not match the event";
    }

    /** The second half's events, checked on their own, compactly: 72 bytes an event. */
    private static final class Checked {
        private final long[] seqs;
        private final byte[] links;
        private final boolean[] redacted;
        private final Map<Integer, String> problems = new java.util.HashMap<>();
        private int size;
        private volatile boolean failed;

        Checked(int capacity) {
            seqs = new long[capacity];
            links = new byte[capacity * 2 * MerkleTree.HASH];
            redacted = new boolean[capacity];
        }

        void add(Row row, ChainCodec codec, byte[] tenant, Payloads.Opener opener, ChainVerifier verifier) {
            if (size == seqs.length) {
                failed = true; // more rows than seqs: a duplicate; the walk finds it at the first gap or repeat
                return;
            }
            String problem = verifier.problem(row, codec, tenant, opener);
            if (problem != null) {
                problems.put(size, problem);
                failed = true;
            }
            seqs[size] = row.seq();
            System.arraycopy(row.prevHash(), 0, links, size * 64, MerkleTree.HASH);
            System.arraycopy(row.hash(), 0, links, size * 64 + 32, MerkleTree.HASH);
            redacted[size] = row.redacted();
            size++;
        }

        boolean stopped() {
            return failed;
        }

        void replay(Walk walk) {
            for (int i = 0; i < size && walk.firstInvalid == null; i++) {
                walk.accept(seqs[i], Arrays.copyOfRange(links, i * 64, i * 64 + 32),
                        Arrays.copyOfRange(links, i * 64 + 32, i * 64 + 64), problems.get(i), redacted[i]);
            }
        }
    }

    /** Thrown out of the row loop once the walk has failed. */
    private static final class StopReading extends RuntimeException {
        StopReading() {
            super(null, null, false, false);
        }
    }

    /** One event as read: its text columns as UTF-8 bytes; ids and the instant are the exact text that was hashed. */
    record Row(long seq, byte[] id, byte[] occurredAt, byte[] type, byte[] actorType, byte[] actorId,
               byte[] entityType, byte[] entityId, byte[] reason, byte[] ip, byte[] userAgent, byte[] requestId,
               byte[] before, byte[] after, byte[] salt, byte[] digest, boolean redacted, int version,
               byte[] payloadHash, byte[] prevHash, byte[] hash, byte[] beforeSealed, byte[] afterSealed) {
    }

    /**
     * A purged chain starts after its anchor: the last purged hash, and the Merkle frontier at that size, which must
     * give the root the checkpoint of that size signed (and every copy of it outside the database).
     */
    private void startAfterPurge(UUID tenant, Walk walk) {
        jdbc.sql("""
                        SELECT p.up_to_seq, p.anchor_hash, p.frontier, c.note FROM audit_purges p
                        LEFT JOIN audit_checkpoints c ON c.tenant_id = p.tenant_id AND c.tree_size = p.up_to_seq
                        WHERE p.tenant_id = :tenant ORDER BY p.up_to_seq DESC LIMIT 1
                        """)
                .param("tenant", tenant)
                .query(rs -> {
                    long through = rs.getLong("up_to_seq");
                    walk.purgedThrough = through;
                    walk.lastSeq = through;
                    walk.lastMatched = through;
                    walk.lastHash = rs.getBytes("anchor_hash");
                    MerkleTree.Range tree;
                    try {
                        tree = MerkleTree.Range.restore(through, rs.getBytes("frontier"));
                    } catch (IllegalArgumentException e) {
                        walk.fail(through + 1, "the purge anchor's frontier does not fit a tree of " + through);
                        return;
                    }
                    walk.tree = tree;
                    byte[] signed = rs.getString("note") == null ? null : signedRoot(tenant, through, rs.getString("note"));
                    List<Expected> copies = walk.roots.getOrDefault(through, List.of());
                    boolean matches = signed != null && Arrays.equals(signed, tree.root())
                            && copies.stream().allMatch(e -> Arrays.equals(e.root(), signed));
                    if (!matches) {
                        walk.fail(through + 1, "the purge anchor at " + through + " does not match the signed checkpoint of that size");
                    }
                });
    }

    /** What the checkpoints say the tree looked like: roots at their sizes, event hashes from the sinks. */
    private void expectCheckpoints(UUID tenant, Walk walk) {
        List<Object[]> stored = jdbc.sql("""
                        SELECT tree_size, root_hash, note FROM audit_checkpoints WHERE tenant_id = :tenant ORDER BY tree_size
                        """)
                .param("tenant", tenant)
                .query((rs, n) -> new Object[] {rs.getLong("tree_size"), rs.getBytes("root_hash"), rs.getString("note")})
                .list();
        for (int i = 0; i < stored.size(); i++) {
            long size = (Long) stored.get(i)[0];
            if (i < stored.size() - 1) {
                walk.expect(size, (byte[]) stored.get(i)[1], "checkpoint " + size);
            } else {
                // The newest one's signature is checked: it vouches for everything before it.
                walk.expect(size, signedRoot(tenant, size, (String) stored.get(i)[2]), "signed checkpoint " + size);
            }
        }
        for (CheckpointSink sink : sinks) {
            for (CheckpointSink.Stored copy : sink.stored(tenant)) {
                walk.expect(copy.treeSize(), signedRoot(tenant, copy.treeSize(), copy.note()),
                        "the copy outside the database of checkpoint " + copy.treeSize());
                walk.outside.put(copy.fromSize() + 1, copy);
            }
        }
    }

    /** The root a note signs for {@code size}, or null when the note is not our key's signature over exactly that. */
    private byte[] signedRoot(UUID tenant, long size, String note) {
        try {
            SignedCheckpoint checkpoint = SignedCheckpoint.verify(note, key.verifierKey());
            return checkpoint.treeSize() == size && checkpoint.origin().equals(checkpointer.origin(tenant))
                    ? checkpoint.rootHash() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The running state of one verification, fed row by row. */
    private static final class Walk {
        /** The tenant's id as the event hash encodes it (its lower-case text, UTF-8). */
        private final byte[] tenantUtf8;
        private long checked;
        private long redacted;
        private long lastSeq;
        private byte[] lastHash = ChainCodec.GENESIS;
        private Long firstInvalid;
        private String problem;
        private MerkleTree.Range tree = new MerkleTree.Range();
        private long purgedThrough;
        private final NavigableMap<Long, List<Expected>> roots = new TreeMap<>();
        private final NavigableMap<Long, CheckpointSink.Stored> outside = new TreeMap<>();
        private long lastMatched;
        private long checkpoints;
        private CheckpointSink.Stored copy;
        private byte[] copyHashes;

        Walk(UUID tenant) {
            this.tenantUtf8 = tenant.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Takes the next event: its own problem (if any), then its link, its copy outside, the tree. */
        void accept(long seq, byte[] prevHash, byte[] hash, String problem, boolean isRedacted) {
            if (firstInvalid != null) {
                return;
            }
            if (seq != lastSeq + 1) {
                fail(lastSeq + 1, seq > lastSeq + 1 ? "event missing" : "sequence out of order");
                return;
            }
            if (problem != null) {
                fail(seq, problem);
                return;
            }
            if (!Arrays.equals(lastHash, prevHash)) {
                fail(seq, "previous hash does not match the event before");
                return;
            }
            if (!matchesOutside(seq, hash)) {
                fail(seq, "the event differs from the copy of its hash kept outside the database");
                return;
            }
            redacted += isRedacted ? 1 : 0;
            lastSeq = seq;
            lastHash = hash;
            checked++;
            tree.append(hash);
            List<Expected> due = roots.get(seq);
            if (due != null) {
                byte[] root = tree.root();
                for (Expected e : due) {
                    if (e.root() == null) {
                        fail(lastMatched + 1, e.source() + " is not signed by the audit key");
                        return;
                    }
                    if (!Arrays.equals(root, e.root())) {
                        fail(lastMatched + 1, "events " + (lastMatched + 1) + ".." + seq + " do not match " + e.source());
                        return;
                    }
                    checkpoints++;
                }
                lastMatched = seq;
            }
        }

        void expect(long size, byte[] root, String source) {
            roots.computeIfAbsent(size, s -> new ArrayList<>()).add(new Expected(root, source));
        }

        private boolean matchesOutside(long seq, byte[] hash) {
            if (copy == null || seq > copy.treeSize()) {
                Map.Entry<Long, CheckpointSink.Stored> at = outside.floorEntry(seq);
                if (at == null || at.getValue().treeSize() < seq) {
                    return true;
                }
                copy = at.getValue();
                copyHashes = copy.eventHashes().get();
            }
            int offset = (int) (seq - copy.fromSize() - 1) * MerkleTree.HASH;
            return offset + MerkleTree.HASH <= copyHashes.length
                    && Arrays.equals(copyHashes, offset, offset + MerkleTree.HASH, hash, 0, MerkleTree.HASH);
        }

        /** Checkpoints beyond the chain's end: events they covered are gone. */
        void finish() {
            Map.Entry<Long, List<Expected>> beyond = roots.higherEntry(lastSeq);
            if (beyond != null) {
                fail(lastSeq + 1, "events " + (lastSeq + 1) + ".." + beyond.getKey() + " are missing, but "
                        + beyond.getValue().getFirst().source() + " covered them");
            }
        }

        void fail(long seq, String why) {
            if (firstInvalid == null) {
                firstInvalid = seq;
                problem = why;
            }
        }

        Verification result() {
            return new Verification(firstInvalid == null, checked, firstInvalid, problem, redacted, lastSeq,
                    HexFormat.of().formatHex(lastHash), lastMatched, checkpoints, purgedThrough);
        }
    }

    private record Expected(byte[] root, String source) {
    }
}
