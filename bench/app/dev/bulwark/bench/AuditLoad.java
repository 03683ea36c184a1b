package dev.bulwark.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditEvent;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.audit.RequestFacts;
import dev.bulwark.audit.Verification;
import dev.bulwark.audit.internal.AuditQueries;
import dev.bulwark.audit.internal.CanonicalJson;
import dev.bulwark.audit.internal.ChainCodec;
import dev.bulwark.audit.internal.ChainVerifier;
import dev.bulwark.audit.internal.CheckpointKey;
import dev.bulwark.audit.internal.Checkpointer;
import dev.bulwark.audit.internal.SignedCheckpoint;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.verifier.OfflineVerifier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

/**
 * The audit log's figures (docs/benchmarks.md, "Audit log"), on the real application with a durable embedded
 * PostgreSQL (fsync on: every commit reaches the disk, as in production):
 * Audit payloads are seeded encrypted, as the application writes them.
 * <ol>
 *   <li>append throughput, 8 writers, each write its own transaction: {@code AuditLog.append} against a plain INSERT of
 *       a row of the same shape (same columns, same sizes, tenant bound the same way) into an unchained copy of the
 *       table, spread over 100 tenants and all on one tenant;</li>
 *   <li>verification of a 1,000,000-event tenant: from the database ({@code ChainVerifier}, chain + Merkle root +
 *       checkpoint) and offline ({@code OfflineVerifier} on an export file);</li>
 *   <li>checkpoint lag: seconds from append to the first signed checkpoint covering it, with the scheduler at its
 *       default 10 s interval.</li>
 * </ol>
 * Usage: {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=dev.bulwark.bench.AuditLoad
 * -Dbench.options="[seconds] [events] [verify]"} (verify: the verification figures only).
 */
public final class AuditLoad {

    private static final int WRITERS = 8;

    public static void main(String[] commandLine) throws Exception {
        String options = System.getProperty("bench.options", "").strip();
        String[] args = options.isEmpty() ? commandLine : options.split("\\s+");
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        boolean verifyOnly = args.length > 2 && args[2].equals("verify");
        Path dir = Files.createTempDirectory("bulwark-auditload-");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=0",
                "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.auth.key-dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"), "--bulwark.database.pool-size=12", "--logging.level.root=WARN",
                // The bench classpath carries the test suite's settings; these are production's.
                "--bulwark.audit.checkpoint-interval=10s", "--bulwark.audit.declarations=log")) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            AuditLog audit = app.getBean(AuditLog.class);
            TenantScope scope = app.getBean(TenantScope.class);
            unchainedTable(dir);

            if (verifyOnly) {
                verification(app, dir, jdbc, events);
                return;
            }
            List<UUID> hundred = tenants(jdbc, 100);
            List<UUID> one = tenants(jdbc, 1);
            System.out.printf(Locale.ROOT, "%n## Append throughput (%d writers, %d s each after %d s warm-up, fsync on)%n%n",
                    WRITERS, seconds, 5);
            System.out.println("| tenants | plain INSERT/s (baseline) | chained append/s | ratio | target |");
            System.out.println("|---|---:|---:|---:|---|");
            for (var spread : List.of(Map.entry("100", hundred), Map.entry("1", one))) {
                List<UUID> tenants = spread.getValue();
                measure(5, () -> plainInsert(jdbc, scope, pick(tenants)));
                double plain = measure(seconds, () -> plainInsert(jdbc, scope, pick(tenants)));
                measure(5, () -> audit.append(event(pick(tenants))));
                double chained = measure(seconds, () -> audit.append(event(pick(tenants))));
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | **%.2f** | %s |%n", spread.getKey(), plain, chained,
                        chained / plain, spread.getKey().equals("1") ? "≥ 0.25" : "≥ 0.5");
            }

            checkpointLag(app, audit, hundred.subList(0, 10));
            verification(app, dir, jdbc, events);
        }
    }

    // ---- 1. Append throughput

    private static double measure(int seconds, Runnable write) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        try (ExecutorService pool = Executors.newFixedThreadPool(WRITERS)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                writers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        write.run();
                        done.increment();
                    }
                }));
            }
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Future<?> w : writers) {
                w.get();
            }
            return done.sum() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The baseline: a row of the same shape as an audit event, into a table with no chain, one transaction each. */
    private static void plainInsert(JdbcClient jdbc, TenantScope scope, UUID tenant) {
        scope.inTenant(tenant, null, () -> {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            jdbc.sql("""
                            INSERT INTO bench_unchained (tenant_id, seq, id, occurred_at, type, actor_type, actor_id, entity_type,
                                entity_id, reason, ip, user_agent, request_id, before_json, after_json, data_salt, data_digest,
                                hash_version, payload_hash, prev_hash, hash)
                            VALUES (:tenant, nextval('bench_unchained_seq'), :id, :at, 'project.updated', 'system', null, 'project',
                                :entity, :reason, null, null, null, null, :after, :salt, :digest, 1, :h1, :h2, :h3)
                            """)
                    .param("tenant", tenant).param("id", UUID.randomUUID()).param("at", Timestamp.from(Instant.now()))
                    .param("entity", UUID.randomUUID().toString()).param("reason", "bench")
                    .param("after", CanonicalJson.write(Map.of("reason", "bench"))).param("salt", salt)
                    .param("digest", random32()).param("h1", random32()).param("h2", random32()).param("h3", random32())
                    .update();
        });
    }

    private static AuditEvent event(UUID tenant) {
        return new AuditEvent(tenant, AuditType.PROJECT_UPDATED, Actor.system(), Entity.of("project", UUID.randomUUID()), "bench",
                null, Map.of("reason", "bench"), RequestFacts.NONE);
    }

    private static byte[] random32() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static UUID pick(List<UUID> tenants) {
        return tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
    }

    private static List<UUID> tenants(JdbcClient jdbc, int n) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            jdbc.sql("INSERT INTO organisations (id, name) VALUES (:id, 'bench')").param("id", id).update();
            ids.add(id);
        }
        return ids;
    }

    /** An unchained copy of audit_events (same columns, keys and policy), made by the schema owner. */
    private static void unchainedTable(Path dir) throws Exception {
        try (Connection owner = connect(dir, "bulwark_owner"); Statement s = owner.createStatement()) {
            s.execute("CREATE TABLE bench_unchained (LIKE audit_events INCLUDING ALL)");
            s.execute("CREATE SEQUENCE bench_unchained_seq");
            s.execute("ALTER TABLE bench_unchained ENABLE ROW LEVEL SECURITY");
            s.execute("ALTER TABLE bench_unchained FORCE ROW LEVEL SECURITY");
            s.execute("CREATE POLICY tenant_isolation ON bench_unchained USING (tenant_id = NULLIF(current_setting('app.tenant_id',"
                    + " true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)");
            s.execute("GRANT SELECT, INSERT ON bench_unchained TO bulwark_app");
            s.execute("GRANT USAGE ON SEQUENCE bench_unchained_seq TO bulwark_app");
        }
    }

    private static Connection connect(Path dir, String user) throws Exception {
        Properties secrets = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("secrets/database.properties"))) {
            secrets.load(in);
        }
        String port = Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(3).trim();
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/bulwark?currentSchema=bulwark", user,
                secrets.getProperty("password." + user));
    }

    // ---- 3. Checkpoint lag

    private static void checkpointLag(ConfigurableApplicationContext app, AuditLog audit, List<UUID> tenants) throws Exception {
        // 20 appends a second over 10 tenants for 60 s, with the scheduler signing every 10 s.
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            audit.append(event(pick(tenants)));
            Thread.sleep(50);
        }
        Thread.sleep(12_000);
        List<Double> lags = new ArrayList<>();
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        TenantScope scope = app.getBean(TenantScope.class);
        for (UUID t : tenants) {
            lags.addAll(scope.inTenant(t, null, () -> jdbc.sql("""
                            SELECT extract(epoch FROM (SELECT min(c.created_at) FROM audit_checkpoints c
                                                       WHERE c.tenant_id = e.tenant_id AND c.tree_size >= e.seq) - e.occurred_at)
                            FROM audit_events e WHERE e.tenant_id = :t AND e.occurred_at > now() - interval '80 seconds'
                            """).param("t", t).query(Double.class).list()));
        }
        lags.removeIf(java.util.Objects::isNull);
        lags.sort(null);
        System.out.printf(Locale.ROOT, "%n## Checkpoint lag (interval 10 s, %d events over 10 tenants)%n%n", lags.size());
        System.out.printf(Locale.ROOT, "| p50 s | p95 s | max s |%n|---:|---:|---:|%n| %.2f | **%.2f** | %.2f |%n",
                lags.get(lags.size() / 2), lags.get((int) (lags.size() * 0.95)), lags.getLast());
    }

    // ---- 2. Verification speed

    private static void verification(ConfigurableApplicationContext app, Path dir, JdbcClient jdbc, int events) throws Exception {
        UUID tenant = tenants(jdbc, 1).getFirst();
        long t0 = System.nanoTime();
        seed(dir, tenant, events, app.getBean(dev.bulwark.keys.FieldCipher.class));
        System.out.printf(Locale.ROOT, "%n(seeded %,d chained events in %.1f s)%n", events, (System.nanoTime() - t0) / 1e9);
        Checkpointer checkpointer = app.getBean(Checkpointer.class);
        t0 = System.nanoTime();
        SignedCheckpoint cp = checkpointer.checkpoint(tenant, true).orElseThrow();
        double signing = (System.nanoTime() - t0) / 1e9;

        ChainVerifier verifier = app.getBean(ChainVerifier.class);
        verifier.verify(tenant); // warm-up (JIT, buffer cache)
        t0 = System.nanoTime();
        Verification v = verifier.verify(tenant);
        double db = (System.nanoTime() - t0) / 1e9;
        if (!v.valid() || v.checked() != events || v.checkpointSize() != events) {
            throw new IllegalStateException("verification did not pass: " + v);
        }

        Path export = dir.resolve("export.ndjson");
        ObjectMapper json = app.getBean(ObjectMapper.class);
        try (BufferedWriter w = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
            app.getBean(AuditQueries.class).each(tenant, e -> {
                try {
                    w.write(json.writeValueAsString(e));
                    w.write('\n');
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
        }
        String key = app.getBean(CheckpointKey.class).verifierKey();
        OfflineVerifier.verify(export, List.of(cp.note()), key, null); // warm-up
        t0 = System.nanoTime();
        OfflineVerifier.Result offline = OfflineVerifier.verify(export, List.of(cp.note()), key, null);
        double off = (System.nanoTime() - t0) / 1e9;
        if (!offline.valid() || offline.checked() != events) {
            throw new IllegalStateException("offline verification did not pass: " + offline);
        }
        System.out.printf(Locale.ROOT, "%n## Verification of one tenant's %,d events (chain + Merkle root + signed checkpoint)%n%n", events);
        System.out.println("| path | seconds | events/s | target |");
        System.out.println("|---|---:|---:|---|");
        System.out.printf(Locale.ROOT, "| database (`ChainVerifier`) | %.2f | **%,.0f** | ≥ 200,000 |%n", db, events / db);
        System.out.printf(Locale.ROOT, "| offline (`audit-verify`, %d MB export) | %.2f | **%,.0f** | ≥ 1,000,000 |%n",
                Files.size(export) >> 20, off, events / off);
        System.out.printf(Locale.ROOT, "| first checkpoint over all of them (read + tree + sign) | %.2f | %,.0f | — |%n", signing, events / signing);
    }

    /** Writes {@code n} correctly chained events straight into the table, in batches (the bench plays the writer). */
    private static void seed(Path dir, UUID tenant, int n, dev.bulwark.keys.FieldCipher cipher) throws Exception {
        ChainCodec codec = new ChainCodec();
        byte[] prev = ChainCodec.GENESIS;
        Instant base = ChainCodec.truncate(Instant.now().minusSeconds(n / 1000 + 60));
        try (Connection owner = connect(dir, "bulwark_owner")) {
            owner.setAutoCommit(false);
            try (Statement s = owner.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '" + tenant + "', true)");
            }
            try (PreparedStatement ps = owner.prepareStatement("""
                    INSERT INTO audit_events (tenant_id, seq, id, occurred_at, type, actor_type, actor_id, entity_type, entity_id,
                        reason, ip, user_agent, request_id, before_ct, after_ct, data_salt, data_digest, hash_version,
                        payload_hash, prev_hash, hash)
                    VALUES (?, ?, ?, ?, 'contact.updated', 'user', ?, 'contact', ?, null, '203.0.113.7', 'bench/1.0', ?, ?, ?, ?, ?, 1, ?, ?, ?)""")) {
                UUID actor = UUID.randomUUID();
                for (long seq = 1; seq <= n; seq++) {
                    UUID id = UUID.randomUUID();
                    Instant at = base.plusMillis(seq);
                    String entity = UUID.randomUUID().toString();
                    String requestId = "req-" + seq;
                    String before = CanonicalJson.write(Map.of("name", "Ada Lovelace " + seq, "phone", "+44 20 7946 0" + (seq % 1000)));
                    String after = CanonicalJson.write(Map.of("name", "Ada King " + seq, "phone", "+44 20 7946 1" + (seq % 1000)));
                    byte[] salt = new byte[16];
                    ThreadLocalRandom.current().nextBytes(salt);
                    byte[] digest = codec.dataDigest(salt, before, after);
                    byte[] payload = codec.payloadHash("user", actor, "contact", entity, null, "203.0.113.7", "bench/1.0",
                            requestId, digest);
                    byte[] hash = codec.eventHash(1, tenant, seq, id, at, "contact.updated", payload, prev);
                    ps.setObject(1, tenant);
                    ps.setLong(2, seq);
                    ps.setObject(3, id);
                    ps.setTimestamp(4, Timestamp.from(at));
                    ps.setObject(5, actor);
                    ps.setString(6, entity);
                    ps.setString(7, requestId);
                    // Sealed as the application seals them, so verification pays for decryption as it would.
                    ps.setBytes(8, cipher.encrypt(new dev.bulwark.keys.FieldCipher.Field(tenant, "audit_events", "before", id), before));
                    ps.setBytes(9, cipher.encrypt(new dev.bulwark.keys.FieldCipher.Field(tenant, "audit_events", "after", id), after));
                    ps.setBytes(10, salt);
                    ps.setBytes(11, digest);
                    ps.setBytes(12, payload);
                    ps.setBytes(13, prev);
                    ps.setBytes(14, hash);
                    ps.addBatch();
                    prev = hash;
                    if (seq % 5_000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            try (PreparedStatement head = owner.prepareStatement("INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, ?, ?)")) {
                head.setObject(1, tenant);
                head.setLong(2, n);
                head.setBytes(3, prev);
                head.executeUpdate();
            }
            owner.commit();
        }
    }
}
