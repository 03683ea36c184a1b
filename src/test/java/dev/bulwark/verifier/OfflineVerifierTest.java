package dev.bulwark.verifier;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditEvent;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.audit.RequestFacts;
import dev.bulwark.audit.internal.ChainCodec;
import dev.bulwark.audit.internal.Checkpointer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline verifier, run as its command line would be, on a real export, real checkpoints and the published key:
 * the honest export passes (a redacted event counted as intact), and every tampered variant names its first bad seq.
 */
class OfflineVerifierTest extends IntegrationTest {

    @Autowired
    private AuditLog audit;
    @Autowired
    private Checkpointer checkpointer;
    @Autowired
    private dev.bulwark.keys.KeyFiles keyFiles;

    @TempDir
    Path dir;

    private Tenant tenant;
    private Path key;
    private Path early;
    private Path late;
    private long earlySize;
    private List<String> lines;

    @BeforeEach
    void anExportWithTwoCheckpoints() throws IOException {
        tenant = newTenant();
        seed(5);
        earlySize = checkpointer.checkpoint(tenant.id(), true).orElseThrow().treeSize();
        early = write("early.note", note());
        AuditLog.Appended erased = seed(5);
        audit.redact(tenant.id(), List.of(erased.id()), Actor.system());
        checkpointer.checkpoint(tenant.id(), true).orElseThrow();
        late = write("late.note", note());
        key = write("audit.pub", get("/.well-known/bulwark-audit-key").body());
        var export = call("GET", "/api/v1/orgs/" + tenant.id() + "/audit/export", tenant.owner(), null);
        assertThat(export.statusCode()).isEqualTo(200);
        lines = new ArrayList<>(export.body().lines().toList());
    }

    @Test
    void theHonestExportVerifiesAgainstBothCheckpoints() throws IOException {
        Run run = run(lines);
        assertThat(run.status).as(run.out).isZero();
        assertThat(run.out).contains("valid: " + lines.size() + " events (1 redacted, intact)")
                .contains("signed checkpoint of size " + (lines.size() - 1));
    }

    @Test
    void anEditedFieldIsFoundAtItsSeq() throws IOException {
        long target = earlySize + 2;
        assertInvalidAt(edit(lines, target, e -> e.put("reason", "nothing to see")), target);
        assertInvalidAt(edit(lines, target, e -> e.put("ip", "192.0.2.1")), target);
        assertInvalidAt(edit(lines, target, e -> e.putObject("after").put("n", 999)), target);
        assertInvalidAt(edit(lines, target, e -> e.put("hash", HexFormat.of().formatHex(new byte[32]))), target);
    }

    @Test
    void aDeletedReorderedOrForgedLineIsFoundAtItsSeq() throws IOException {
        int target = (int) earlySize + 2;
        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(target - 1);
        assertInvalidAt(deleted, target);

        List<String> swapped = new ArrayList<>(lines);
        swapped.set(target - 1, lines.get(target));
        swapped.set(target, lines.get(target - 1));
        assertInvalidAt(swapped, target);

        List<String> forged = new ArrayList<>(lines);
        forged.add(target - 1, lines.get(target - 1));
        assertInvalidAt(forged, target + 1);
    }

    @Test
    void droppingTheNewestEventsIsCaughtByTheCheckpoint() throws IOException {
        List<String> truncated = new ArrayList<>(lines.subList(0, lines.size() - 3));
        assertInvalidAt(truncated, truncated.size() + 1);
    }

    @Test
    void aRecomputedRewriteIsCaughtByTheSignedCheckpointsFromTheFirstEventTheyNoLongerMatch() throws IOException {
        long target = earlySize + 1;
        List<String> rewritten = new ArrayList<>(lines.subList(0, (int) target - 1));
        ChainCodec codec = new ChainCodec();
        byte[] prev = HexFormat.of().parseHex(json.readTree(lines.get((int) target - 2)).get("hash").asString());
        for (String line : lines.subList((int) target - 1, lines.size())) {
            ObjectNode e = (ObjectNode) json.readTree(line);
            if (e.get("seq").asLong() == target) {
                e.put("reason", "rewritten");
            }
            byte[] payload = codec.payloadHash(e.get("actor").get("type").asString(), uuid(e.get("actor").get("id")),
                    text(e.get("entity").get("type")), text(e.get("entity").get("id")), text(e.get("reason")),
                    text(e.get("ip")), text(e.get("userAgent")), text(e.get("requestId")),
                    e.get("dataDigest").isNull() ? null : HexFormat.of().parseHex(e.get("dataDigest").asString()));
            byte[] hash = codec.eventHash(1, tenant.id(), e.get("seq").asLong(), UUID.fromString(e.get("id").asString()),
                    java.time.Instant.parse(e.get("occurredAt").asString()), e.get("type").asString(), payload, prev);
            e.put("payloadHash", HexFormat.of().formatHex(payload));
            e.put("prevHash", HexFormat.of().formatHex(prev));
            e.put("hash", HexFormat.of().formatHex(hash));
            prev = hash;
            rewritten.add(json.writeValueAsString(e));
        }
        // Without checkpoints the rewrite is a consistent chain; the signed checkpoints give it away.
        Path events = write("rewritten.ndjson", String.join("\n", rewritten) + "\n");
        assertThat(run("--events", events.toString(), "--tenant", tenant.id().toString()).status).isZero();
        assertInvalidAt(rewritten, target);
    }

    @Test
    void aForgedCheckpointOrAWrongKeyIsRefused() throws IOException {
        String note = Files.readString(late);
        String[] parts = note.split("\n");
        parts[2] = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Path forged = write("forged.note", String.join("\n", parts) + "\n");
        Path events = write("events.ndjson", String.join("\n", lines) + "\n");
        Run run = run("--events", events.toString(), "--checkpoint", forged.toString(), "--key", key.toString());
        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).contains("not signed");

        Path otherKey = write("other.pub", new dev.bulwark.audit.internal.CheckpointKey("bulwark.localhost/audit",
                dir.resolve("other.key"), keyFiles).verifierKey());
        run = run("--events", events.toString(), "--checkpoint", late.toString(), "--key", otherKey.toString());
        assertThat(run.status).isEqualTo(2);
        assertThat(run("--checkpoint", late.toString()).status).as("no events").isEqualTo(2);
    }

    private void assertInvalidAt(List<String> variant, long seq) throws IOException {
        Run run = run(variant);
        assertThat(run.status).as(run.out + run.err).isEqualTo(1);
        assertThat(run.out).startsWith("INVALID at seq " + seq + ":");
    }

    private Run run(List<String> eventLines) throws IOException {
        Path events = write("events-" + UUID.randomUUID() + ".ndjson", String.join("\n", eventLines) + "\n");
        return run("--events", events.toString(), "--checkpoint", early.toString(), "--checkpoint", late.toString(),
                "--key", key.toString());
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = OfflineVerifier.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int status, String out, String err) {
    }

    private List<String> edit(List<String> source, long seq, java.util.function.Consumer<ObjectNode> change) {
        List<String> copy = new ArrayList<>(source);
        ObjectNode e = (ObjectNode) json.readTree(copy.get((int) seq - 1));
        change.accept(e);
        copy.set((int) seq - 1, json.writeValueAsString(e));
        return copy;
    }

    private AuditLog.Appended seed(int events) {
        AuditLog.Appended last = null;
        for (int i = 0; i < events; i++) {
            last = audit.append(new AuditEvent(tenant.id(), AuditType.CONTACT_UPDATED, Actor.user(tenant.owner().id()),
                    Entity.of("contact", UUID.randomUUID()), "edit " + i, Map.of("name", "Ada \"A\" L\u00f8velace\n" + i),
                    Map.of("name", "Ada", "tags", List.of("x", "y"), "n", i), new RequestFacts("203.0.113." + i, "ua/1", "r" + i)));
        }
        return last;
    }

    private String note() {
        return body(call("GET", "/api/v1/orgs/" + tenant.id() + "/audit/checkpoint", tenant.owner(), null)).get("note").asString();
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private static String text(tools.jackson.databind.JsonNode n) {
        return n == null || n.isNull() ? null : n.asString();
    }

    private static UUID uuid(tools.jackson.databind.JsonNode n) {
        return n == null || n.isNull() ? null : UUID.fromString(n.asString());
    }
}
