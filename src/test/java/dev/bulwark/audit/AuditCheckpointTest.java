package dev.bulwark.audit;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.internal.AuditProofs;
import dev.bulwark.audit.internal.ChainCodec;
import dev.bulwark.audit.internal.ChainVerifier;
import dev.bulwark.audit.internal.Checkpointer;
import dev.bulwark.audit.internal.DirectoryCheckpointSink;
import dev.bulwark.audit.internal.SignedCheckpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signed checkpoints: C2SP notes that verify with the published key, RFC 6962 roots and proofs checked by an
 * independent implementation written here from RFC 9162, and the two attacks a hash chain alone misses — deleting
 * the newest events, and rewriting the whole database — caught with the first bad seq.
 */
class AuditCheckpointTest extends IntegrationTest {

    private static final HexFormat HEX = HexFormat.of();

    @Autowired
    private AuditLog audit;
    @Autowired
    private ChainVerifier verifier;
    @Autowired
    private Checkpointer checkpointer;
    @Autowired
    private AuditProofs proofs;

    private Tenant tenant;
    private UUID org;

    @BeforeEach
    void anOrganisation() {
        tenant = newTenant();
        org = tenant.id();
    }

    @Test
    void aCheckpointIsASignedNoteOverTheRfc6962RootThatVerifiesWithThePublishedKey() throws Exception {
        seed(10);
        SignedCheckpoint signed = checkpointer.checkpoint(org, true).orElseThrow();
        assertThat(checkpointer.checkpoint(org, true)).as("nothing new, nothing signed").isEmpty();

        HttpResponse<String> key = get("/.well-known/bulwark-audit-key");
        assertThat(key.statusCode()).isEqualTo(200);
        HttpResponse<String> latest = call("GET", "/api/v1/orgs/" + org + "/audit/checkpoint", tenant.owner(), null);
        assertThat(latest.statusCode()).isEqualTo(200);
        String note = body(latest).get("note").asString();
        assertThat(note).isEqualTo(signed.note());

        // Independently: parse the note, check the Ed25519 signature and key id, and recompute the root from the export.
        String[] lines = note.split("\n");
        assertThat(lines[0]).isEqualTo("bulwark.localhost/audit/" + org);
        long size = Long.parseLong(lines[1]);
        byte[] root = Base64.getDecoder().decode(lines[2]);
        assertThat(lines[3]).isEmpty();
        assertThat(independentlySigned(note, key.body().strip())).isTrue();
        assertThat(independentlySigned(note.replace("\n" + size + "\n", "\n" + (size + 1) + "\n"), key.body().strip()))
                .as("a note edited after signing").isFalse();
        List<byte[]> hashes = exportedHashes();
        assertThat(hashes).as("the checkpointed events, then the export's own audit.exported").hasSize((int) size + 1);
        assertThat(root).isEqualTo(mth(leafHashes(hashes), 0, (int) size));
        assertThat(body(latest).get("rootHash").asString()).isEqualTo(HEX.formatHex(root));

        // The copy outside the database holds the same note.
        List<CheckpointSink.Stored> copies = new DirectoryCheckpointSink(DATA_DIR.resolve("checkpoints")).stored(org);
        assertThat(copies).extracting(CheckpointSink.Stored::note).containsExactly(note);

        Verification v = verifier.verify(org);
        assertThat(v.valid()).isTrue();
        assertThat(v.checkpointSize()).isEqualTo(size);
        assertThat(v.checkpointsMatched()).isEqualTo(2);
    }

    @Test
    void inclusionAndConsistencyProofsVerifyWithAnIndependentRfc9162Verifier() {
        seed(20);
        long n = checkpointer.checkpoint(org, true).orElseThrow().treeSize();
        List<byte[]> leaves = leafHashes(exportedHashes());
        for (long size = 1; size <= n; size++) {
            byte[] root = mth(leaves, 0, (int) size);
            for (long seq = 1; seq <= size; seq++) {
                AuditProofs.Inclusion p = proofs.inclusion(org, seq, size);
                assertThat(verifyInclusion(seq - 1, size, leaves.get((int) seq - 1), hashes(p.proof()), root))
                        .as("inclusion of %d in %d", seq, size).isTrue();
            }
            AuditProofs.Consistency c = proofs.consistency(org, size, n);
            assertThat(verifyConsistency(size, n, root, mth(leaves, 0, (int) n), hashes(c.proof())))
                    .as("consistency %d to %d", size, n).isTrue();
        }
        // Over HTTP, against the latest checkpoint by default; a wrong root or a wrong leaf does not verify.
        JsonNode inclusion = body(call("GET", "/api/v1/orgs/" + org + "/audit/proof/inclusion?seq=3", tenant.owner(), null));
        assertThat(inclusion.get("treeSize").asLong()).isEqualTo(n);
        List<byte[]> path = new ArrayList<>();
        inclusion.get("proof").forEach(h -> path.add(HEX.parseHex(h.asString())));
        byte[] root = HEX.parseHex(inclusion.get("rootHash").asString());
        assertThat(verifyInclusion(2, n, leaves.get(2), path, root)).isTrue();
        assertThat(verifyInclusion(2, n, leaves.get(3), path, root)).isFalse();
        JsonNode consistency = body(call("GET", "/api/v1/orgs/" + org + "/audit/proof/consistency?from=5", tenant.owner(), null));
        List<byte[]> cpath = new ArrayList<>();
        consistency.get("proof").forEach(h -> cpath.add(HEX.parseHex(h.asString())));
        byte[] fromRoot = HEX.parseHex(consistency.get("fromRoot").asString());
        assertThat(verifyConsistency(5, n, fromRoot, root, cpath)).isTrue();
        assertThat(verifyConsistency(5, n, mth(leaves, 0, 6), root, cpath)).isFalse();

        for (String bad : List.of("inclusion?seq=0", "inclusion?seq=" + (n + 1) + "&treeSize=" + n,
                "inclusion?seq=1&treeSize=" + (n + 1000), "consistency?from=0", "consistency?from=3&to=2",
                "inclusion?seq=1%27%3B%20DROP%20TABLE%20audit_events%3B--", "inclusion")) {
            assertThat(call("GET", "/api/v1/orgs/" + org + "/audit/proof/" + bad, tenant.owner(), null).statusCode())
                    .as(bad).isEqualTo(400);
        }
        // Another organisation's administrator sees none of it.
        Person stranger = outsider();
        for (String path2 : List.of("checkpoint", "proof/inclusion?seq=1", "proof/consistency?from=1")) {
            assertThat(call("GET", "/api/v1/orgs/" + org + "/audit/" + path2, stranger, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void deletingTheNewestEventsIsCaughtThroughTheCheckpoint() throws SQLException {
        long head = seed(6);
        checkpointer.checkpoint(org, true).orElseThrow();
        // The owner deletes the two newest events and makes the head agree: the chain alone would still verify.
        asOwner("DELETE FROM bulwark.audit_events WHERE tenant_id = ? AND seq > " + (head - 2),
                "UPDATE bulwark.audit_heads SET seq = seq - 2, hash = (SELECT hash FROM bulwark.audit_events e"
                        + " WHERE e.tenant_id = audit_heads.tenant_id AND e.seq = " + (head - 2) + ") WHERE tenant_id = ?");
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isFalse();
        assertThat(v.firstInvalidSeq()).isEqualTo(head - 1);
        assertThat(v.problem()).contains("missing");
    }

    @Test
    void aCompleteRecomputedRewriteIsCaughtThroughTheCheckpointsKeptOutsideTheDatabase() throws SQLException {
        long head = seed(8);
        checkpointer.checkpoint(org, true).orElseThrow();
        long target = head - 4;
        rewriteFrom(target);
        // The database alone now tells a consistent story: a chain that links, and no checkpoint to contradict it.
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isFalse();
        assertThat(v.firstInvalidSeq()).isEqualTo(target);
        assertThat(v.problem()).contains("outside the database");
        // Nor can the rewritten chain get a checkpoint of the same size into the sink.
        assertThatThrownBy(() -> checkpointer.checkpoint(org, true)).hasMessageContaining("different checkpoint");
    }

    @Test
    void aRewriteThatAlsoReplacesTheStoredRootIsCaughtByTheSignature() throws SQLException {
        long head = seed(5);
        SignedCheckpoint signed = checkpointer.checkpoint(org, true).orElseThrow();
        // Without a copy outside, the signed checkpoint in the database still catches the rewrite.
        java.nio.file.Path copies = DATA_DIR.resolve("checkpoints").resolve(org.toString());
        try (var files = java.nio.file.Files.list(copies)) {
            for (java.nio.file.Path f : files.toList()) {
                java.nio.file.Files.delete(f);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        long target = head - 1;
        rewriteFrom(target, false);
        asOwner("UPDATE bulwark.audit_checkpoints SET root_hash = sha256(root_hash) WHERE tenant_id = ? AND tree_size = "
                + signed.treeSize());
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isFalse();
        assertThat(v.firstInvalidSeq()).isEqualTo(1);
        assertThat(v.problem()).contains("do not match signed checkpoint " + signed.treeSize());
    }

    @Test
    void purgingExpiredEventsKeepsTheRestVerifiableOnlineAndOffline(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        seed(6);
        long through = checkpointer.checkpoint(org, true).orElseThrow().treeSize();
        java.time.Instant cutoff = java.time.Instant.now();
        Thread.sleep(5);
        seed(4);
        checkpointer.checkpoint(org, true).orElseThrow();

        AuditLog.Purged purged = audit.purgeOlderThan(org, cutoff, Actor.system());
        assertThat(purged.throughSeq()).isEqualTo(through);
        assertThat(purged.events()).isEqualTo((int) through);
        assertThat(audit.purgeOlderThan(org, cutoff, Actor.system()).events()).as("a second purge finds nothing").isZero();
        assertThat(eventsOfType(org, "audit.purged")).isEqualTo(1);
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT min(seq) FROM bulwark.audit_events WHERE tenant_id = ?")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(through + 1);
            }
        }
        Verification v = verifier.verify(org);
        assertThat(v.valid()).as(v.problem()).isTrue();
        assertThat(v.purgedThrough()).isEqualTo(through);
        assertThat(v.checked()).isEqualTo(v.headSeq() - through);
        checkpointer.checkpoint(org, true).orElseThrow();
        assertThat(verifier.verify(org).valid()).as("checkpoints go on after a purge").isTrue();

        // The app role may purge only through a checkpointed size, and only its bound tenant's events.
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '" + org + "', true)");
                assertThatThrownBy(() -> s.execute("SELECT bulwark.audit_purge(" + (through + 2) + ", now())"))
                        .hasMessageContaining("not the size of a checkpoint");
            }
            app.rollback();
        }

        // Offline: the purged export verifies from its anchor; with the frontier, against the checkpoints too.
        JsonNode anchor = body(call("GET", "/api/v1/orgs/" + org + "/audit/purge", tenant.owner(), null));
        assertThat(anchor.get("throughSeq").asLong()).isEqualTo(through);
        java.nio.file.Path events = dir.resolve("events.ndjson");
        java.nio.file.Files.writeString(events, call("GET", "/api/v1/orgs/" + org + "/audit/export", tenant.owner(), null).body());
        java.nio.file.Path note = dir.resolve("cp.note");
        java.nio.file.Files.writeString(note, body(call("GET", "/api/v1/orgs/" + org + "/audit/checkpoint", tenant.owner(), null))
                .get("note").asString());
        java.nio.file.Path key = dir.resolve("key.pub");
        java.nio.file.Files.writeString(key, get("/.well-known/bulwark-audit-key").body());
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        String[] args = {"--events", events.toString(), "--checkpoint", note.toString(), "--key", key.toString(),
                "--frontier", anchor.get("frontier").asString()};
        assertThat(dev.bulwark.verifier.OfflineVerifier.run(args, new java.io.PrintStream(out), new java.io.PrintStream(err)))
                .as(out + " " + err).isZero();
        assertThat(out.toString()).contains("purged through seq " + through).contains("matches the signed checkpoint");
        String[] wrong = args.clone();
        wrong[7] = HEX.formatHex(new byte[anchor.get("frontier").asString().length() / 2]);
        assertThat(dev.bulwark.verifier.OfflineVerifier.run(wrong, new java.io.PrintStream(out), new java.io.PrintStream(err)))
                .as("a forged frontier").isEqualTo(1);

        // Forging the anchor in the database is caught against the signed checkpoint of that size.
        asOwner("UPDATE bulwark.audit_purges SET frontier = sha256(frontier) WHERE tenant_id = ?");
        Verification forged = verifier.verify(org);
        assertThat(forged.valid()).isFalse();
        assertThat(forged.firstInvalidSeq()).isEqualTo(through + 1);
    }

    @Test
    void theSinkKeepsWhatItWasGivenAndRefusesADifferentCheckpointOfTheSameSize(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        DirectoryCheckpointSink sink = new DirectoryCheckpointSink(dir);
        UUID t = UUID.randomUUID();
        sink.publish(t, "note-a\n", 0, 1, new byte[32]);
        sink.publish(t, "note-a\n", 0, 1, new byte[32]);
        assertThatThrownBy(() -> sink.publish(t, "note-b\n", 0, 1, new byte[32])).hasMessageContaining("different checkpoint");
        assertThat(sink.stored(t)).singleElement().satisfies(s -> {
            assertThat(s.note()).isEqualTo("note-a\n");
            assertThat(s.eventHashes().get()).hasSize(32);
        });
    }

    private long seed(int events) {
        for (int i = 0; i < events; i++) {
            audit.append(new AuditEvent(org, AuditType.PROJECT_UPDATED, Actor.system(), Entity.of("project", UUID.randomUUID()),
                    "seed " + i, Map.of("n", i), Map.of("n", i + 1), new RequestFacts("10.0.0." + i, "test", "req-" + i)));
        }
        return verifier.verify(org).headSeq();
    }

    private void rewriteFrom(long target) throws SQLException {
        rewriteFrom(target, true);
    }

    /**
     * What an owner with the code in hand can do: change event {@code target}'s reason, recompute every payload hash
     * and hash from there on, move the head, and (with {@code dropCheckpoints}) remove the checkpoints in the database.
     */
    private void rewriteFrom(long target, boolean dropCheckpoints) throws SQLException {
        ChainCodec codec = new ChainCodec();
        try (Connection owner = connectAs("bulwark_owner")) {
            owner.setAutoCommit(false);
            try (Statement s = owner.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '" + org + "', true)");
            }
            byte[] prev;
            try (PreparedStatement ps = owner.prepareStatement(
                    "SELECT hash FROM bulwark.audit_events WHERE tenant_id = ? AND seq = ?")) {
                ps.setObject(1, org);
                ps.setLong(2, target - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    prev = rs.getBytes(1);
                }
            }
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps = owner.prepareStatement("""
                    SELECT seq, id, occurred_at, type, actor_type, actor_id, entity_type, entity_id, reason, ip, user_agent,
                           request_id, data_digest FROM bulwark.audit_events WHERE tenant_id = ? AND seq >= ? ORDER BY seq""")) {
                ps.setObject(1, org);
                ps.setLong(2, target);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String reason = rs.getLong("seq") == target ? "nothing happened here" : rs.getString("reason");
                        byte[] payload = codec.payloadHash(rs.getString("actor_type"), rs.getObject("actor_id", UUID.class),
                                rs.getString("entity_type"), rs.getString("entity_id"), reason, rs.getString("ip"),
                                rs.getString("user_agent"), rs.getString("request_id"), rs.getBytes("data_digest"));
                        byte[] hash = codec.eventHash(ChainCodec.VERSION, org, rs.getLong("seq"), rs.getObject("id", UUID.class),
                                rs.getTimestamp("occurred_at").toInstant(), rs.getString("type"), payload, prev);
                        rows.add(new Object[] {rs.getLong("seq"), reason, payload, prev, hash});
                        prev = hash;
                    }
                }
            }
            try (PreparedStatement ps = owner.prepareStatement("""
                    UPDATE bulwark.audit_events SET reason = ?, payload_hash = ?, prev_hash = ?, hash = ?
                    WHERE tenant_id = ? AND seq = ?""")) {
                for (Object[] row : rows) {
                    ps.setString(1, (String) row[1]);
                    ps.setBytes(2, (byte[]) row[2]);
                    ps.setBytes(3, (byte[]) row[3]);
                    ps.setBytes(4, (byte[]) row[4]);
                    ps.setObject(5, org);
                    ps.setLong(6, (Long) row[0]);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = owner.prepareStatement("UPDATE bulwark.audit_heads SET hash = ? WHERE tenant_id = ?")) {
                ps.setBytes(1, prev);
                ps.setObject(2, org);
                ps.executeUpdate();
            }
            if (dropCheckpoints) {
                for (String table : List.of("audit_checkpoints", "audit_checkpointed")) {
                    try (PreparedStatement ps = owner.prepareStatement("DELETE FROM bulwark." + table + " WHERE tenant_id = ?")) {
                        ps.setObject(1, org);
                        ps.executeUpdate();
                    }
                }
            }
            owner.commit();
        }
    }

    private void asOwner(String... statements) throws SQLException {
        asOwnerOf(org, statements);
    }

    /** The event hashes of the organisation's export, oldest first. */
    private List<byte[]> exportedHashes() {
        HttpResponse<String> export = call("GET", "/api/v1/orgs/" + org + "/audit/export", tenant.owner(), null);
        assertThat(export.statusCode()).isEqualTo(200);
        List<byte[]> hashes = new ArrayList<>();
        export.body().lines().forEach(line -> hashes.add(HEX.parseHex(json.readTree(line).get("hash").asString())));
        return hashes;
    }

    private static List<byte[]> hashes(List<String> hex) {
        return hex.stream().map(HEX::parseHex).toList();
    }

    // ---- An independent implementation, written from RFC 9162 (sections 2.1.1, 2.1.3.2, 2.1.4.2) and C2SP signed-note.

    private static List<byte[]> leafHashes(List<byte[]> eventHashes) {
        return eventHashes.stream().map(h -> sha(new byte[] {0}, h)).toList();
    }

    private static byte[] mth(List<byte[]> leaves, int from, int to) {
        if (to - from == 0) {
            return sha();
        }
        if (to - from == 1) {
            return leaves.get(from);
        }
        int k = 1;
        while (k * 2 < to - from) {
            k *= 2;
        }
        return sha(new byte[] {1}, mth(leaves, from, from + k), mth(leaves, from + k, to));
    }

    private static boolean verifyInclusion(long index, long size, byte[] leaf, List<byte[]> path, byte[] root) {
        if (index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leaf;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = sha(new byte[] {1}, p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = sha(new byte[] {1}, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    private static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
        if (first == second) {
            return proof.isEmpty() && Arrays.equals(firstRoot, secondRoot);
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.addFirst(firstRoot);
        }
        if (path.isEmpty()) {
            return false;
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.getFirst();
        byte[] sr = path.getFirst();
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = sha(new byte[] {1}, c, fr);
                sr = sha(new byte[] {1}, c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = sha(new byte[] {1}, sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return Arrays.equals(fr, firstRoot) && Arrays.equals(sr, secondRoot) && sn == 0;
    }

    private static boolean independentlySigned(String note, String verifierKey) throws Exception {
        String[] vkey = verifierKey.split("\\+", 3);
        byte[] typed = Base64.getDecoder().decode(vkey[2]);
        byte[] raw = Arrays.copyOfRange(typed, 1, typed.length);
        byte[] id = Arrays.copyOf(sha((vkey[0] + "\n").getBytes(StandardCharsets.UTF_8), new byte[] {1}, raw), 4);
        assertThat(HEX.formatHex(id)).isEqualTo(vkey[1]);
        int blank = note.indexOf("\n\n");
        String text = note.substring(0, blank + 1);
        String line = note.substring(blank + 2).strip();
        assertThat(line).startsWith("\u2014 " + vkey[0] + " ");
        byte[] stamped = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        if (!Arrays.equals(Arrays.copyOf(stamped, 4), id)) {
            return false;
        }
        byte[] der = HEX.parseHex("302a300506032b6570032100" + HEX.formatHex(raw));
        Signature ed = Signature.getInstance("Ed25519");
        ed.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        ed.update(text.getBytes(StandardCharsets.UTF_8));
        return ed.verify(Arrays.copyOfRange(stamped, 4, stamped.length));
    }

    private static byte[] sha(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                sha.update(p);
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
