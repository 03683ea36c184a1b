package dev.bulwark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What row-level security costs on an indexed lookup: 1,000 tenants x 1,000 rows under Bulwark's exact policy.
 *
 * <ul>
 *   <li>{@code lookupRls}: the app role (NOBYPASSRLS), tenant bound, {@code WHERE id = ?}; RLS adds the tenant.</li>
 *   <li>{@code lookupExplicit} (baseline): a BYPASSRLS role, {@code WHERE tenant_id = ? AND id = ?}.</li>
 *   <li>{@code requestRls} / {@code requestExplicit}: the same, each as a whole transaction the way TenantScope runs
 *       it (BEGIN, set_config for RLS, lookup, COMMIT), to show the per-request binding cost too.</li>
 * </ul>
 * Every operation picks a random tenant and row. Ratios are printed against the baseline measured in the same run.
 */
public class RlsCost {

    static final int TENANTS = Integer.getInteger("bench.tenants", 1000);
    static final int ROWS = Integer.getInteger("bench.rows", 1000);

    static String tenantId(int t) {
        return String.format("00000000-0000-4000-8000-%012d", t);
    }

    static String rowId(int t, int n) {
        return String.format("00000000-0000-4000-9000-%012d", (long) t * ROWS + n);
    }

    /** Connections and statements; subclasses choose a random tenant and row before each call, untimed. */
    public abstract static class Db {
        Connection rls;
        Connection plain;
        PreparedStatement bind;
        PreparedStatement bindLocal;
        PreparedStatement rlsLookup;
        PreparedStatement plainLookup;
        String tenant;
        String row;

        @Setup(Level.Trial)
        public void connect() throws SQLException {
            String url = System.getProperty("bench.url");
            rls = DriverManager.getConnection(url, "bench_app", "bench");
            plain = DriverManager.getConnection(url, "bench_norls", "bench");
            bind = rls.prepareStatement("SELECT set_config('app.tenant_id', ?, false)");
            bindLocal = rls.prepareStatement("SELECT set_config('app.tenant_id', ?, true)");
            rlsLookup = rls.prepareStatement("SELECT payload FROM bench_rows WHERE id = ?::uuid");
            plainLookup = plain.prepareStatement("SELECT payload FROM bench_rows WHERE tenant_id = ?::uuid AND id = ?::uuid");
        }

        void pick() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int t = random.nextInt(TENANTS);
            tenant = tenantId(t);
            row = rowId(t, random.nextInt(ROWS));
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            rls.close();
            plain.close();
        }
    }

    /** A random tenant and row before each call. */
    @State(Scope.Thread)
    public static class PickedDb extends Db {
        @Setup(Level.Invocation)
        public void next() {
            pick();
        }
    }

    /** A random tenant and row, the tenant bound on the RLS connection, before each call: only the lookup is timed. */
    @State(Scope.Thread)
    public static class BoundDb extends Db {
        @Setup(Level.Invocation)
        public void next() throws SQLException {
            pick();
            bind.setString(1, tenant);
            bind.executeQuery().close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String lookupRls(BoundDb db) throws SQLException {
        db.rlsLookup.setString(1, db.row);
        return single(db.rlsLookup);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String lookupExplicit(PickedDb db) throws SQLException {
        db.plainLookup.setString(1, db.tenant);
        db.plainLookup.setString(2, db.row);
        return single(db.plainLookup);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String requestRls(PickedDb db) throws SQLException {
        db.rls.setAutoCommit(false);
        try {
            db.bindLocal.setString(1, db.tenant);
            db.bindLocal.executeQuery().close();
            db.rlsLookup.setString(1, db.row);
            return single(db.rlsLookup);
        } finally {
            db.rls.commit();
            db.rls.setAutoCommit(true);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String requestExplicit(PickedDb db) throws SQLException {
        db.plain.setAutoCommit(false);
        try {
            db.plainLookup.setString(1, db.tenant);
            db.plainLookup.setString(2, db.row);
            return single(db.plainLookup);
        } finally {
            db.plain.commit();
            db.plain.setAutoCommit(true);
        }
    }

    private static String single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("row not found: the lookup must hit exactly one row (" + ps + ")");
            }
            return rs.getString(1);
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("bulwark-bench-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                .setServerConfig("shared_buffers", "256MB").start()) {
            seed(pg);
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            Options options = new OptionsBuilder()
                    .include(RlsCost.class.getName() + "." + System.getProperty("bench.only", ".*"))
                    .forks(1)
                    .warmupIterations(Integer.getInteger("bench.warmups", 2)).warmupTime(TimeValue.seconds(5))
                    .measurementIterations(Integer.getInteger("bench.iterations", 3)).measurementTime(TimeValue.seconds(10))
                    .jvmArgsAppend("-Dbench.url=" + url, "-Dbench.rows=" + ROWS, "-Dbench.tenants=" + TENANTS)
                    .build();
            Collection<RunResult> results = new Runner(options).run();
            report(results);
        }
    }

    private static void seed(EmbeddedPostgres pg) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bench_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'bench'");
            s.execute("CREATE ROLE bench_norls LOGIN NOSUPERUSER BYPASSRLS PASSWORD 'bench'");
            s.execute("""
                    CREATE TABLE bench_rows (
                        tenant_id uuid NOT NULL, id uuid NOT NULL, payload text NOT NULL,
                        PRIMARY KEY (tenant_id, id))""");
            s.execute("""
                    INSERT INTO bench_rows (tenant_id, id, payload)
                    SELECT ('00000000-0000-4000-8000-' || lpad(t::text, 12, '0'))::uuid,
                           ('00000000-0000-4000-9000-' || lpad((t::bigint * %d + n)::text, 12, '0'))::uuid,
                           md5((t * 7919 + n)::text)
                    FROM generate_series(0, %d) t, generate_series(0, %d) n
                    """.formatted(ROWS, TENANTS - 1, ROWS - 1));
            s.execute("ALTER TABLE bench_rows ENABLE ROW LEVEL SECURITY");
            s.execute("ALTER TABLE bench_rows FORCE ROW LEVEL SECURITY");
            s.execute("""
                    CREATE POLICY tenant_isolation ON bench_rows
                        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)""");
            s.execute("GRANT SELECT ON bench_rows TO bench_app, bench_norls");
            s.execute("VACUUM ANALYZE bench_rows");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM bench_rows")) {
                rs.next();
                System.out.printf("Seeded %,d rows (%d tenants x %d) in %.1f s%n", rs.getLong(1), TENANTS, ROWS,
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static void report(Collection<RunResult> results) {
        Map<String, double[]> byName = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            var stats = r.getPrimaryResult().getStatistics();
            byName.put(name, new double[] {stats.getPercentile(50), stats.getPercentile(95), stats.getPercentile(99), stats.getN()});
        }
        System.out.println();
        System.out.println("| benchmark | p50 µs | p95 µs | p99 µs | samples |");
        System.out.println("|---|---:|---:|---:|---:|");
        byName.forEach((name, v) -> System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %,d |%n", name, v[0], v[1], v[2], (long) v[3]));
        ratio(byName, "lookupRls", "lookupExplicit");
        ratio(byName, "requestRls", "requestExplicit");
    }

    private static void ratio(Map<String, double[]> byName, String subject, String baseline) {
        double[] s = byName.get(subject);
        double[] b = byName.get(baseline);
        if (s == null || b == null) {
            return;
        }
        System.out.printf(Locale.ROOT, "%s / %s: p50 ratio %.3f, p95 ratio %.3f%n", subject, baseline, s[0] / b[0], s[1] / b[1]);
    }
}
