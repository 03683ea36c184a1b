package dev.bulwark.audit.internal;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Checkpoints and RFC 6962 proofs of a tenant's log. Proofs are computed from the event hashes of the tree they are
 * about (32 bytes an event read from the chain, O(n) hashing): fine for the logs of one organisation, and the
 * reason a proof is asked for a tree size, never for "everything".
 */
@Component
public class AuditProofs {

    /** The largest tree a proof is computed over in one request (32 MiB of hashes). */
    static final long MAX_TREE = 1L << 20;

    public record Checkpoint(String origin, long treeSize, String rootHash, String note, Instant createdAt) {
    }

    public record Inclusion(long seq, long leafIndex, long treeSize, String eventHash, String rootHash,
                            List<String> proof) {
    }

    public record Consistency(long from, long to, String fromRoot, String toRoot, List<String> proof) {
    }

    /** Where a purged chain starts: the last purged seq, its hash, and the Merkle frontier at that size (hex). */
    public record PurgeAnchor(long throughSeq, String anchorHash, String frontier, Instant purgedAt) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    AuditProofs(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    public Optional<Checkpoint> latest(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("""
                        SELECT tree_size, root_hash, note, created_at FROM audit_checkpoints WHERE tenant_id = :tenant
                        ORDER BY tree_size DESC LIMIT 1
                        """)
                .param("tenant", tenant)
                .query((rs, n) -> new Checkpoint(rs.getString("note").lines().findFirst().orElse(""),
                        rs.getLong("tree_size"), HEX.formatHex(rs.getBytes("root_hash")), rs.getString("note"),
                        rs.getTimestamp("created_at").toInstant()))
                .optional());
    }

    public Optional<PurgeAnchor> purgeAnchor(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("""
                        SELECT up_to_seq, anchor_hash, frontier, purged_at FROM audit_purges WHERE tenant_id = :tenant
                        ORDER BY up_to_seq DESC LIMIT 1
                        """)
                .param("tenant", tenant)
                .query((rs, n) -> new PurgeAnchor(rs.getLong("up_to_seq"), HEX.formatHex(rs.getBytes("anchor_hash")),
                        HEX.formatHex(rs.getBytes("frontier")), rs.getTimestamp("purged_at").toInstant()))
                .optional());
    }

    /** The audit path of event {@code seq} in the tree of the first {@code treeSize} events. */
    public Inclusion inclusion(UUID tenant, long seq, long treeSize) {
        if (seq < 1 || seq > treeSize) {
            throw new InvalidInputException("seq", "must be between 1 and treeSize");
        }
        MerkleTree.Leaves leaves = leaves(tenant, treeSize, "treeSize");
        byte[] eventHash = eventHash(tenant, seq);
        return new Inclusion(seq, seq - 1, treeSize, HEX.formatHex(eventHash),
                HEX.formatHex(leaves.root(0, (int) treeSize)), hex(leaves.inclusion((int) seq - 1, (int) treeSize)));
    }

    /** The proof that the tree of {@code from} events is a prefix of the tree of {@code to} events. */
    public Consistency consistency(UUID tenant, long from, long to) {
        if (from < 1 || from > to) {
            throw new InvalidInputException("from", "must be between 1 and to");
        }
        MerkleTree.Leaves leaves = leaves(tenant, to, "to");
        return new Consistency(from, to, HEX.formatHex(leaves.root(0, (int) from)), HEX.formatHex(leaves.root(0, (int) to)),
                hex(leaves.consistency((int) from, (int) to)));
    }

    private MerkleTree.Leaves leaves(UUID tenant, long size, String field) {
        if (size > MAX_TREE) {
            throw new InvalidInputException(field, "proofs are computed over at most " + MAX_TREE + " events a request");
        }
        return tenantScope.inTenant(tenant, null, () -> {
            ByteArrayOutputStream hashes = new ByteArrayOutputStream((int) size * MerkleTree.HASH);
            jdbc.sql("SELECT hash FROM audit_events WHERE tenant_id = :tenant AND seq <= :size ORDER BY seq")
                    .param("tenant", tenant)
                    .param("size", size)
                    .withFetchSize(5_000)
                    .query(rs -> {
                        hashes.writeBytes(rs.getBytes("hash"));
                    });
            if (hashes.size() != size * MerkleTree.HASH) {
                throw new InvalidInputException(field, "is larger than the log's " + hashes.size() / MerkleTree.HASH
                        + " events from seq 1 (after a retention purge, proofs are not served)");
            }
            return new MerkleTree.Leaves(hashes.toByteArray());
        });
    }

    private byte[] eventHash(UUID tenant, long seq) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql(
                        "SELECT hash FROM audit_events WHERE tenant_id = :tenant AND seq = :seq")
                .param("tenant", tenant)
                .param("seq", seq)
                .query(byte[].class)
                .single());
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }
}
