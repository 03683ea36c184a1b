package dev.bulwark.audit.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

import dev.bulwark.audit.Verification;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Recomputes a tenant's chain from the database, oldest first, streaming (a million events never sit in memory):
 * every seq present once and in order, every data digest (unless redacted), payload hash, prev hash and hash as
 * docs/audit-chain.md defines them, and the head row agreeing with the last event. The first disagreement names the
 * first bad seq. What a rewrite of the whole database would hide, the checkpoints kept outside it reveal.
 */
@Component
public class ChainVerifier {

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    ChainVerifier(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    public Verification verify(UUID tenant) {
        return tenantScope.inTenant(tenant, null, () -> {
            Walk walk = new Walk(tenant);
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
            return walk.result();
        });
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
            lastSeq = seq;
            lastHash = hash;
            checked++;
        }

        void fail(long seq, String why) {
            if (firstInvalid == null) {
                firstInvalid = seq;
                problem = why;
            }
        }

        Verification result() {
            return new Verification(firstInvalid == null, checked, firstInvalid, problem, redacted, lastSeq,
                    HexFormat.of().formatHex(lastHash));
        }
    }
}
