package dev.bulwark.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.internal.ChainVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chain itself, below HTTP: ordering under concurrency, all-or-nothing with the action, append-only for the app
 * role, redaction that stays verifiable, and tampering done as the database owner found at its first bad seq.
 */
class AuditChainTest extends IntegrationTest {

    @Autowired
    private AuditLog audit;
    @Autowired
    private ChainVerifier verifier;
    @Autowired
    private PlatformTransactionManager transactions;

    private UUID org;

    @BeforeEach
    void anOrganisation() {
        org = newTenant().id();
    }

    @Test
    void eightWritersOnOneTenantLeaveAGapFreeChainThatVerifies() throws Exception {
        long start = verifier.verify(org).headSeq();
        appendConcurrently(List.of(org), 8, 1_000);
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isTrue();
        assertThat(v.headSeq()).isEqualTo(start + 8_000);
        assertThat(v.checked()).isEqualTo(start + 8_000);
    }

    @Test
    void eightWritersSpreadOverFiftyTenantsLeaveEveryChainGapFree() throws Exception {
        List<UUID> orgs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            orgs.add(newTenant().id());
        }
        Map<UUID, Long> start = new java.util.HashMap<>();
        for (UUID o : orgs) {
            start.put(o, verifier.verify(o).headSeq());
        }
        appendConcurrently(orgs, 8, 1_000);
        long total = 0;
        for (UUID o : orgs) {
            Verification v = verifier.verify(o);
            assertThat(v.valid()).as("tenant %s", o).isTrue();
            total += v.headSeq() - start.get(o);
        }
        assertThat(total).isEqualTo(8_000);
    }

    @Test
    void anActionThatRollsBackLeavesNoEventAndNoGap() {
        long before = verifier.verify(org).headSeq();
        TransactionTemplate tx = new TransactionTemplate(transactions);
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            audit.append(event(org, "doomed"));
            throw new IllegalStateException("the action fails after its event");
        })).hasMessageContaining("the action fails");
        assertThat(verifier.verify(org).headSeq()).isEqualTo(before);
        audit.append(event(org, "kept"));
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isTrue();
        assertThat(v.headSeq()).isEqualTo(before + 1);
    }

    @Test
    void theAppRoleCanNeitherUpdateNorDeleteNorTruncateChainRows() throws SQLException {
        audit.append(event(org, "x"));
        try (Connection app = connectAs("bulwark_app")) {
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '" + org + "', true)");
            }
            for (String sql : List.of("UPDATE bulwark.audit_events SET reason = 'rewritten'",
                    "DELETE FROM bulwark.audit_events", "TRUNCATE bulwark.audit_events")) {
                try (Statement s = app.createStatement()) {
                    s.execute("SAVEPOINT attempt");
                    assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                            .hasMessageContaining("permission denied");
                    s.execute("ROLLBACK TO SAVEPOINT attempt");
                }
            }
            app.rollback();
        }
        assertThat(verifier.verify(org).valid()).isTrue();
    }

    @Test
    void redactionRemovesBeforeAndAfterAndTheChainStillVerifiesAsRedactedAndIntact() {
        AuditLog.Appended kept = audit.append(new AuditEvent(org, AuditType.CONTACT_UPDATED, Actor.system(),
                Entity.of("contact", UUID.randomUUID()), null, Map.of("email", "ada@example.com"), Map.of("email", "ada@example.org"),
                RequestFacts.NONE));
        assertThat(audit.redact(org, List.of(kept.id()), Actor.system())).isEqualTo(1);
        assertThat(audit.redact(org, List.of(kept.id()), Actor.system())).as("a second redaction changes nothing").isZero();
        assertThat(auditEvents(org, "audit.redacted")).as("the redaction is itself on record, without the data")
                .singleElement().satisfies(e -> assertThat((String) e.get("after"))
                        .isEqualTo("{\"events\":1,\"seqs\":[" + kept.seq() + "]}"));
        Map<String, Object> row = auditEvents(org, "contact.updated").getLast();
        assertThat(row.get("before_json")).isNull();
        assertThat(row.get("after_json")).isNull();
        assertThat(row.get("before_ct")).isNull();
        assertThat(row.get("after_ct")).isNull();
        assertThat(row.get("data_salt")).isNull();
        assertThat(row.get("data_digest")).isNotNull();
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isTrue();
        assertThat(v.redacted()).isEqualTo(1);
        // Another tenant's binding cannot redact this tenant's rows.
        AuditLog.Appended second = audit.append(new AuditEvent(org, AuditType.CONTACT_UPDATED, Actor.system(), null, null,
                Map.of("name", "Ada"), null, RequestFacts.NONE));
        assertThat(audit.redact(newTenant().id(), List.of(second.id()), Actor.system())).isZero();
        assertThat(auditEvents(org, "contact.updated").getLast().get("before")).isEqualTo("{\"name\":\"Ada\"}");
    }

    @Test
    void anEditedPayloadIsFoundAtItsSeq() throws SQLException {
        long target = seeded(6) - 2;
        asOwner("UPDATE bulwark.audit_events SET ip = '10.9.9.9' WHERE tenant_id = ? AND seq = " + target);
        assertFirstInvalid(target);
    }

    @Test
    void editedBeforeAndAfterAreFoundAtTheirSeq() throws SQLException {
        long target = seeded(6) - 1;
        asOwner("UPDATE bulwark.audit_events SET after_json = '{\"n\":999}' WHERE tenant_id = ? AND seq = " + target);
        assertFirstInvalid(target);
    }

    @Test
    void anEncryptedPayloadMovedFromAnotherEventIsFoundAtItsSeq() throws SQLException {
        long target = seeded(6) - 1;
        asOwner("UPDATE bulwark.audit_events SET after_ct = (SELECT after_ct FROM bulwark.audit_events x"
                + " WHERE x.tenant_id = audit_events.tenant_id AND x.seq = " + (target - 1) + ") WHERE tenant_id = ? AND seq = " + target);
        assertFirstInvalid(target);
    }

    @Test
    void textBeyondAsciiIsHashedAsItsUtf8AndAnEditOfOneLetterIsFound() throws SQLException {
        // The verifier hashes the rows' text columns as the bytes the driver received: they must be the UTF-8 the
        // writer hashed, for two-, three- and four-byte characters alike.
        for (int i = 0; i < 3; i++) {
            audit.append(new AuditEvent(org, AuditType.PROJECT_UPDATED, Actor.system(), new Entity("project", "Malmö-" + i),
                    "Zoë moved it ✓ \uD83D\uDE00 " + i, Map.of("name", "Ærøskøbing"), Map.of("name", "Łódź " + i),
                    new RequestFacts("10.0.0." + i, "Navigateur/1.0 (é)", "req-ü-" + i)));
        }
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isTrue();
        long target = v.headSeq() - 1;
        asOwner("UPDATE bulwark.audit_events SET reason = replace(reason, 'ë', 'e') WHERE tenant_id = ? AND seq = " + target);
        assertFirstInvalid(target);
    }

    @Test
    void anEditedHashIsFoundAtItsSeq() throws SQLException {
        long target = seeded(6) - 3;
        asOwner("UPDATE bulwark.audit_events SET hash = sha256(hash) WHERE tenant_id = ? AND seq = " + target);
        assertFirstInvalid(target);
    }

    @Test
    void aDeletedMiddleRowIsFoundAtItsSeq() throws SQLException {
        long target = seeded(6) - 3;
        asOwner("DELETE FROM bulwark.audit_events WHERE tenant_id = ? AND seq = " + target);
        assertFirstInvalid(target);
    }

    @Test
    void aReorderedPairIsFoundAtTheFirstOfThem() throws SQLException {
        long first = seeded(6) - 3;
        asOwner("UPDATE bulwark.audit_events SET seq = 1000000 WHERE tenant_id = ? AND seq = " + first,
                "UPDATE bulwark.audit_events SET seq = " + first + " WHERE tenant_id = ? AND seq = " + (first + 1),
                "UPDATE bulwark.audit_events SET seq = " + (first + 1) + " WHERE tenant_id = ? AND seq = 1000000");
        assertFirstInvalid(first);
    }

    @Test
    void aForgedRowSlippedIntoTheMiddleIsFoundAtItsSeq() throws SQLException {
        long head = seeded(6);
        long at = head - 2;
        // The forger shifts the later rows up by one and slips in, at their old place, a row that claims a deletion,
        // with the hash fields of the row it displaced.
        asOwner("UPDATE bulwark.audit_events SET seq = seq + 1000000 WHERE tenant_id = ? AND seq >= " + at,
                "UPDATE bulwark.audit_events SET seq = seq - 999999 WHERE tenant_id = ? AND seq > 1000000",
                """
                INSERT INTO bulwark.audit_events (tenant_id, seq, id, occurred_at, type, actor_type, actor_id, entity_type, entity_id,
                    reason, ip, user_agent, request_id, before_json, after_json, data_salt, data_digest, redacted_at, hash_version,
                    payload_hash, prev_hash, hash)
                SELECT tenant_id, seq - 1, gen_random_uuid(), occurred_at, 'contact.deleted', actor_type, actor_id, entity_type,
                       entity_id, reason, ip, user_agent, request_id, before_json, after_json, data_salt, data_digest, redacted_at,
                       hash_version, payload_hash, prev_hash, hash
                FROM bulwark.audit_events WHERE tenant_id = ? AND seq = %d""".formatted(at + 1));
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isFalse();
        assertThat(v.firstInvalidSeq()).isEqualTo(at);
    }

    private long seeded(int events) {
        for (int i = 0; i < events; i++) {
            audit.append(new AuditEvent(org, AuditType.PROJECT_UPDATED, Actor.system(), Entity.of("project", UUID.randomUUID()),
                    null, Map.of("n", i), Map.of("n", i + 1), new RequestFacts("10.0.0." + i, "test", "req-" + i)));
        }
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isTrue();
        return v.headSeq();
    }

    private void assertFirstInvalid(long seq) {
        Verification v = verifier.verify(org);
        assertThat(v.valid()).isFalse();
        assertThat(v.firstInvalidSeq()).isEqualTo(seq);
    }

    /** Runs each statement as the schema's owner, bound to this tenant (FORCE RLS applies to the owner too). */
    private void asOwner(String... statements) throws SQLException {
        asOwnerOf(org, statements);
    }

    private void appendConcurrently(List<UUID> orgs, int writers, int each) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        UUID target = orgs.get((writer * each + i) % orgs.size());
                        audit.append(event(target, "w" + writer + "-" + i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    private static AuditEvent event(UUID org, String reason) {
        return new AuditEvent(org, AuditType.PROJECT_UPDATED, Actor.system(), Entity.of("project", UUID.randomUUID()), reason,
                null, Map.of("reason", reason), RequestFacts.NONE);
    }
}
