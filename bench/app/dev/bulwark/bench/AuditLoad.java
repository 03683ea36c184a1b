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
                "--bulwark.audit.checkpoint-interval=10s", "--bulwark.audit.declarations=log",
                // The trust center's sweep verifies every chain, the bench's million events included: left at its 5 min
                // it lands in the timed verifications of some runs and not others. Once, at start, before the seed.
                "--bulwark.trust.interval=24h")) {
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

    static AuditEvent event(UUID tenant) {
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

    static List<UUID> tenants(JdbcClient jdbc, int n) {
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
        // The first verification in this JVM, then the same once the JIT has compiled its loops (a verification the
        // trust center repeats in a running server): at least 10 s of warm-up runs, then the median of five.
        double first = timedDatabaseVerification(verifier, tenant, events);
        long warm = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < warm) {
            timedDatabaseVerification(verifier, tenant, events);
        }
        double[] dbRuns = new double[5];
        for (int run = 0; run < dbRuns.length; run++) {
            dbRuns[run] = timedDatabaseVerification(verifier, tenant, events);
        }
        System.out.printf(Locale.ROOT, "(database runs after warm-up: %s events/s)%n", java.util.Arrays.stream(dbRuns)
                .mapToObj(d -> String.format(Locale.ROOT, "%,.0f", events / d)).toList());
        java.util.Arrays.sort(dbRuns);
        double db = dbRuns[dbRuns.length / 2];

        double rowsOnly = Double.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            rowsOnly = Math.min(rowsOnly, rowsOnly(app, tenant, events));
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
        OfflineVerifier.verify(export, List.of(cp.note()), key, null);
        // Three timed runs, each beside its own measure of the hashing bound, so both see the same machine.
        double off = Double.MAX_VALUE;
        double cpu = 0;
        double[] bound = new double[2];
        int cores = Runtime.getRuntime().availableProcessors();
        for (int run = 0; run < 3; run++) {
            double[] b = hashingBound(export);
            long cpu0 = processCpuNanos();
            t0 = System.nanoTime();
            // One verification takes a fifth of a second: a run repeats it for 2 s, so that a pause of the machine's
            // (a neighbour, a collection) moves the figure little. Seconds are per verification.
            int times = 0;
            do {
                OfflineVerifier.Result offline = OfflineVerifier.verify(export, List.of(cp.note()), key, null);
                if (!offline.valid() || offline.checked() != events) {
                    throw new IllegalStateException("offline verification did not pass: " + offline);
                }
                times++;
            } while (System.nanoTime() - t0 < 2_000_000_000L);
            double seconds = (System.nanoTime() - t0) / 1e9 / times;
            double used = (processCpuNanos() - cpu0) / 1e9 / (seconds * times);
            double ratio = events / seconds / (b[0] * cores);
            // Per CPU-second: what the verification does with the CPU it got, against hashing alone on CPU it got.
            double cpuRatio = events / (used * seconds) / b[1];
            System.out.printf(Locale.ROOT, "(offline run %d: %d verifications, %.3f s each, %,.0f events/s, %.2f cores busy in this process;"
                    + " single-core SHA-256 %,.0f ops/s by the clock, %,.0f per CPU-second, on this export's inputs;"
                    + " bound %,.0f events/s; ratio %.2f by the clock, %.2f per CPU-second)%n",
                    run + 1, times, seconds, events / seconds, used, b[0] * 5, b[1] * 5, b[0] * cores, ratio, cpuRatio);
            if (seconds < off) {
                off = seconds;
                cpu = used;
                bound = b;
            }
        }
        System.out.printf(Locale.ROOT, "%n## Verification of one tenant's %,d events (chain + Merkle root + signed checkpoint)%n%n", events);
        System.out.println("| path | seconds | events/s | target |");
        System.out.println("|---|---:|---:|---|");
        System.out.printf(Locale.ROOT, "| database (`ChainVerifier`), first run in this JVM | %.2f | %,.0f | — |%n", first, events / first);
        System.out.printf(Locale.ROOT, "| database (`ChainVerifier`), after warm-up (median of 5) | %.2f | **%,.0f** | ≥ 200,000 |%n",
                db, events / db);
        System.out.printf(Locale.ROOT, "| database, the same rows only read (nothing decrypted or hashed; best of 3) | %.2f | %,.0f | — |%n",
                rowsOnly, events / rowsOnly);
        System.out.printf(Locale.ROOT, "| offline (`audit-verify`, %d MB export) | %.2f | **%,.0f** | ≥ 1,000,000 |%n",
                Files.size(export) >> 20, off, events / off);
        System.out.printf(Locale.ROOT, "| first checkpoint over all of them (read + tree + sign) | %.2f | %,.0f | — |%n", signing, events / signing);
        double boundEvents = bound[0] * cores;
        System.out.printf(Locale.ROOT, "%n| offline, against the hashing bound | value |%n|---|---:|%n"
                        + "| SHA-256 operations an event | 5 (data digest, payload hash, hash, Merkle leaf, one inner node) |%n"
                        + "| single-core SHA-256, this export's inputs | %,.0f ops/s (%,.0f events' worth/s) |%n"
                        + "| cores | %d |%n| hashing bound | %,.0f events/s |%n| offline verification (best of 3) | %,.0f events/s, %.2f cores busy |%n"
                        + "| **ratio** | **%.2f** (target ≥ 0.8) |%n"
                        + "| per CPU-second: events verified ÷ events' worth of hashing | %.2f |%n",
                bound[0] * 5, bound[0], cores, boundEvents, events / off, cpu, events / off / boundEvents,
                events / (off * cpu) / bound[1]);
        floor(export, events, bound[1]);
    }

    /**
     * What any verifier of this export must spend on one core, measured on it: reading the file once (one copy from the
     * page cache, into a direct buffer: the cheapest read the JDK offers; a memory map costs more here, its page faults
     * being dear on this virtual machine), looking at every byte once (eight at a time, flagging quotes, backslashes,
     * control characters and non-ASCII bytes, the least a JSON reader must find), and the hashing. Their sum bounds the
     * ratio from above: no verifier that reads, scans and hashes can do better, before it locates a single field.
     */
    private static void floor(Path export, int events, double hashingEventsPerCpuSecond) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(4 << 20);
        double read = Double.MAX_VALUE;
        double scan = Double.MAX_VALUE;
        byte[] all = Files.readAllBytes(export);
        long flagged = 0;
        for (int run = 0; run < 5; run++) {
            long c0 = threads.getCurrentThreadCpuTime();
            try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(export)) {
                do {
                    direct.clear();
                } while (in.read(direct) >= 0);
            }
            long c1 = threads.getCurrentThreadCpuTime();
            flagged = flags(all);
            long c2 = threads.getCurrentThreadCpuTime();
            read = Math.min(read, (c1 - c0) / 1e3 / events);
            scan = Math.min(scan, (c2 - c1) / 1e3 / events);
        }
        double hashing = 1e6 / hashingEventsPerCpuSecond;
        double sum = read + scan + hashing;
        System.out.printf(Locale.ROOT, "%n| the floor: CPU an event on one core, whatever the verifier (best of 5) | µs |%n|---|---:|%n"
                        + "| reading the export once (one copy from the page cache) | %.3f |%n"
                        + "| looking at each of its %,d bytes once (eight a step; %,d words hold a quote or the like) | %.3f |%n"
                        + "| hashing (five SHA-256 operations, as in the bound) | %.3f |%n| sum | %.3f |%n"
                        + "| **highest ratio any verifier doing only this could reach: hashing ÷ sum** | **%.2f** |%n",
                read, all.length, flagged, scan, hashing, sum, hashing / sum);
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
            java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Eight-byte words holding a byte a JSON reader must stop at (quote, backslash, below 0x20, above 0x7F). */
    private static long flags(byte[] b) {
        long count = 0;
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long v = (long) LONGS.get(b, i);
            long q = v ^ 0x2222222222222222L;
            long s = v ^ 0x5C5C5C5C5C5C5C5CL;
            long m = ((q - 0x0101010101010101L) & ~q) | ((s - 0x0101010101010101L) & ~s) | ((v - 0x2020202020202020L) & ~v) | v;
            count += (m & 0x8080808080808080L) != 0 ? 1 : 0; // exact per word: a borrow starts only at a true hit
        }
        return count;
    }

    private static double timedDatabaseVerification(ChainVerifier verifier, UUID tenant, int events) {
        long t0 = System.nanoTime();
        Verification v = verifier.verify(tenant);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!v.valid() || v.checked() != events || v.checkpointSize() != events) {
            throw new IllegalStateException("verification did not pass: " + v);
        }
        return seconds;
    }

    /**
     * The database path's floor: the rows {@code ChainVerifier} reads (the same statement, binary transfer, 2,000 a
     * fetch, each half on its own connection at the same time, as it reads them), every column fetched as bytes and
     * nothing else done. Seconds by the clock.
     */
    private static double rowsOnly(ConfigurableApplicationContext app, UUID tenant, int events) throws Exception {
        TenantScope scope = app.getBean(TenantScope.class);
        org.springframework.jdbc.core.JdbcTemplate rows = new org.springframework.jdbc.core.JdbcTemplate(
                app.getBean(javax.sql.DataSource.class));
        long[] sink = new long[2];
        long t0 = System.nanoTime();
        try (ExecutorService halves = Executors.newFixedThreadPool(2)) {
            List<Future<?>> done = new ArrayList<>();
            for (int half = 0; half < 2; half++) {
                long after = half == 0 ? 0 : events / 2;
                long upTo = half == 0 ? events / 2 : events;
                int h = half;
                done.add(halves.submit(() -> scope.inTenant(tenant, null, () -> rows.query(connection -> {
                    PreparedStatement ps = connection.prepareStatement(ChainVerifier.ROWS);
                    ps.setObject(1, tenant);
                    ps.setLong(2, after);
                    ps.setLong(3, upTo);
                    ps.setFetchSize(2_000);
                    ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
                    return ps;
                }, (java.sql.ResultSet rs) -> {
                    for (int c = 1; c <= 23; c++) {
                        byte[] v = rs.getBytes(c);
                        sink[h] += v == null ? 0 : v.length;
                    }
                }))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        if (sink[0] + sink[1] == 0) {
            throw new IllegalStateException("no rows read");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The single-core SHA-256 rate on the inputs one event of this export makes the verifier hash (hash version 1's
     * field encoding: the data digest's, the payload hash's and the event hash's inputs at this export's sizes, a Merkle
     * leaf of 33 bytes and an inner node of 65), one thread, 1 s warm-up then 3 s: {events' worth of hashing per second of
     * the clock, per second of this thread's CPU time}.
     */
    private static double[] hashingBound(Path export) throws Exception {
        String first;
        try (var lines = Files.lines(export)) {
            first = lines.findFirst().orElseThrow();
        }
        var e = tools.jackson.databind.json.JsonMapper.builder().build().readTree(first);
        int data = 4 + 18 + 4 + 16 + 4 + e.get("before").toString().length() + 4 + e.get("after").toString().length();
        int payload = 4 + 21 + 8 * 4 + 32 + 4;
        for (String f : List.of("reason", "ip", "userAgent", "requestId")) {
            payload += e.get(f).isNull() ? 0 : e.get(f).asString().length();
        }
        payload += e.get("actor").get("type").asString().length() + 36 + e.get("entity").get("type").asString().length()
                + e.get("entity").get("id").asString().length();
        int event = 4 + 19 + 4 + 1 + 4 + 36 + 4 + Long.toString(e.get("seq").asLong()).length() + 4 + 36 + 4
                + e.get("occurredAt").asString().length() + 4 + e.get("type").asString().length() + 4 + 32 + 4 + 32;
        byte[][] inputs = {new byte[data], new byte[payload], new byte[event], new byte[33], new byte[65]};
        for (byte[] in : inputs) {
            ThreadLocalRandom.current().nextBytes(in);
        }
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        byte[] out = new byte[32];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = 0;
        long sets = 0;
        long start = System.nanoTime();
        long warm = start + 1_000_000_000L;
        long end = warm + 3_000_000_000L;
        long t0 = 0;
        while (true) {
            for (int i = 0; i < 256; i++) {
                for (byte[] in : inputs) {
                    sha.update(in, 0, in.length);
                    sha.digest(out, 0, 32);
                }
            }
            long now = System.nanoTime();
            if (t0 == 0 && now >= warm) {
                t0 = now;
                cpu0 = threads.getCurrentThreadCpuTime();
                sets = 0;
                continue;
            }
            sets += 256;
            if (now >= end) {
                return new double[] {sets / ((now - t0) / 1e9), sets / ((threads.getCurrentThreadCpuTime() - cpu0) / 1e9)};
            }
        }
    }

    /** Writes {@code n} correctly chained events straight into the table, in batches (the bench plays the writer). */
    static void seed(Path dir, UUID tenant, int n, dev.bulwark.keys.FieldCipher cipher) throws Exception {
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
