package dev.bulwark.audit.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

import dev.bulwark.audit.CheckpointSink;
import dev.bulwark.audit.Verification;
import dev.bulwark.tenancy.TenantScope;
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

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final CheckpointKey key;
    private final Checkpointer checkpointer;
    private final List<CheckpointSink> sinks;

    ChainVerifier(JdbcClient jdbc, TenantScope tenantScope, CheckpointKey key, Checkpointer checkpointer,
                  List<CheckpointSink> sinks) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.key = key;
        this.checkpointer = checkpointer;
        this.sinks = sinks;
    }

    public Verification verify(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> {
            Walk walk = new Walk(tenant);
            expectCheckpoints(tenant, walk);
            jdbc.sql("""
                            SELECT seq, id, occurred_at, type, actor_type, actor_id, entity_type, entity_id, reason, ip, user_agent,
                                   request_id, before_json, after_json, data_salt, data_digest, redacted_at, hash_version,
                                   payload_hash, prev_hash, hash
                            FROM audit_events WHERE tenant_id = :tenant ORDER BY seq
                            """)
                    .param("tenant", tenant)
                    .withFetchSize(2_000)
                    .query(walk::row);
            if (walk.firstInvalid == null) {
                jdbc.sql("SELECT seq, hash FROM audit_heads WHERE tenant_id = :tenant")
                        .param("tenant", tenant)
                        .query(rs -> {
                            if (rs.getLong("seq") != walk.lastSeq || !Arrays.equals(rs.getBytes("hash"), walk.lastHash)) {
                                walk.fail(walk.lastSeq + 1, "the chain's head names an event that is not there");
                            }
                        });
            }
            walk.finish();
            return walk.result();
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
        private final UUID tenant;
        private final ChainCodec codec = new ChainCodec();
        private long checked;
        private long redacted;
        private long lastSeq;
        private byte[] lastHash = ChainCodec.GENESIS;
        private Long firstInvalid;
        private String problem;
        private final MerkleTree.Range tree = new MerkleTree.Range();
        private final NavigableMap<Long, List<Expected>> roots = new TreeMap<>();
        private final NavigableMap<Long, CheckpointSink.Stored> outside = new TreeMap<>();
        private long lastMatched;
        private long checkpoints;
        private CheckpointSink.Stored copy;
        private byte[] copyHashes;

        Walk(UUID tenant) {
            this.tenant = tenant;
        }

        void row(ResultSet rs) throws SQLException {
            if (firstInvalid != null) {
                return;
            }
            long seq = rs.getLong("seq");
            if (seq != lastSeq + 1) {
                fail(lastSeq + 1, seq > lastSeq + 1 ? "event missing" : "sequence out of order");
                return;
            }
            if (rs.getInt("hash_version") != ChainCodec.VERSION) {
                fail(seq, "unknown hash version");
                return;
            }
            String before = rs.getString("before_json");
            String after = rs.getString("after_json");
            byte[] salt = rs.getBytes("data_salt");
            byte[] digest = rs.getBytes("data_digest");
            boolean isRedacted = rs.getTimestamp("redacted_at") != null;
            if (isRedacted) {
                if (before != null || after != null || salt != null || digest == null) {
                    fail(seq, "a redacted event still holds data, or lost its digest");
                    return;
                }
                redacted++;
            } else if (digest == null ? before != null || after != null || salt != null
                    : salt == null || !Arrays.equals(digest, codec.dataDigest(salt, before, after))) {
                fail(seq, "before/after do not match their digest");
                return;
            }
            UUID actorId = rs.getObject("actor_id", UUID.class);
            byte[] payloadHash = codec.payloadHash(rs.getString("actor_type"), actorId, rs.getString("entity_type"),
                    rs.getString("entity_id"), rs.getString("reason"), rs.getString("ip"), rs.getString("user_agent"),
                    rs.getString("request_id"), digest);
            if (!Arrays.equals(payloadHash, rs.getBytes("payload_hash"))) {
                fail(seq, "payload does not match its hash");
                return;
            }
            if (!Arrays.equals(lastHash, rs.getBytes("prev_hash"))) {
                fail(seq, "previous hash does not match the event before");
                return;
            }
            byte[] hash = codec.eventHash(ChainCodec.VERSION, tenant, seq, rs.getObject("id", UUID.class),
                    rs.getTimestamp("occurred_at").toInstant(), rs.getString("type"), payloadHash, lastHash);
            if (!Arrays.equals(hash, rs.getBytes("hash"))) {
                fail(seq, "hash does not match the event");
                return;
            }
            if (!matchesOutside(seq, hash)) {
                fail(seq, "the event differs from the copy of its hash kept outside the database");
                return;
            }
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
                    HexFormat.of().formatHex(lastHash), lastMatched, checkpoints);
        }
    }

    private record Expected(byte[] root, String source) {
    }
}
