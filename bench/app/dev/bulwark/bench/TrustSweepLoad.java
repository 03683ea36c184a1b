package dev.bulwark.bench;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.trust.Check;
import dev.bulwark.trust.internal.Controls;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.bulwark.bench.BenchHttp.post;
import static dev.bulwark.bench.BenchHttp.send;

/**
 * The trust center's ciphertext sweep (docs/trust-center.md), on the real application with durable commits: one
 * organisation with {@code rows} contacts holding real ciphertexts, read by the {@code encryption.ciphertext-columns}
 * check run after run at its default budget until a cycle completes; rows/s against the <b>baseline</b> of a bare
 * keyset scan of the same rows computing the same predicates (1,000 rows a query, the tenant bound the same way, no
 * findings, cursor or recent-writes bookkeeping), same run. Also the time of one run at the default budget, which is
 * what each scheduled turn costs. Options ({@code -Dbench.options="rows"}): default 500,000.
 */
public final class TrustSweepLoad {

    public static void main(String[] args) throws Exception {
        String options = System.getProperty("bench.options", "").strip();
        int rows = options.isEmpty() ? 500_000 : Integer.parseInt(options.split("\\s+")[0]);
        try (ConfigurableApplicationContext context = BenchHttp.start("trustsweep", "--bulwark.trust.interval=24h")) {
            String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            TenantScope scope = context.getBean(TenantScope.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            TransactionTemplate tx = context.getBean(TransactionTemplate.class);

            BenchHttp.Owner owner = BenchHttp.owner(client, base);
            UUID org = owner.org();
            String bearer = owner.bearer();
            send(client, post(base + "/api/v1/orgs/" + org + "/contacts", bearer,
                    "{\"name\":\"Seed Person\",\"email\":\"seed@example.com\",\"phone\":\"+4915112345678\",\"notes\":\"seed notes\"}"), 201);
            // Copies of the seed contact's stored ciphertexts: what the sweep reads is their shape.
            tx.executeWithoutResult(s -> scope.inTenant(org, null, () -> jdbc.update("""
                    INSERT INTO contacts (tenant_id, id, version, created_at, updated_at, name_ct, email_ct, phone_ct, notes_ct, email_bidx)
                    SELECT c.tenant_id, gen_random_uuid(), 1, now(), now(), c.name_ct, c.email_ct, c.phone_ct, c.notes_ct, c.email_bidx
                    FROM (SELECT * FROM contacts WHERE tenant_id = ? LIMIT 1) c, generate_series(1, ?)""", org, rows)));
            jdbc.execute("VACUUM ANALYZE contacts");

            Check sweep = context.getBean(Controls.class).all().stream().flatMap(c -> c.checks().stream())
                    .filter(c -> c.id().equals("encryption.ciphertext-columns")).findFirst().orElseThrow();
            for (int round = 0; round < 2; round++) { // the first round warms the JIT and the cache
                long baselineNanos = baseline(scope, jdbc, tx, org);
                long t0 = System.nanoTime();
                int runs = 0;
                long read = 0;
                long slowest = 0;
                Check.Result result;
                do {
                    long r0 = System.nanoTime();
                    result = sweep.run();
                    slowest = Math.max(slowest, System.nanoTime() - r0);
                    read += ((Number) result.operatorEvidence().get("rowsReadThisRun")).longValue();
                    runs++;
                } while (!"0".equals(String.valueOf(result.operatorEvidence().get("cycleRowsSoFar"))) || runs == 1);
                long sweepNanos = System.nanoTime() - t0;
                if (round == 1) {
                    double baseRate = (rows + 1) / (baselineNanos / 1e9);
                    double sweepRate = read / (sweepNanos / 1e9);
                    System.out.printf(Locale.ROOT, "contacts: %,d; status %s%n", rows + 1, result.status());
                    System.out.printf(Locale.ROOT, "bare keyset scan (baseline): %,.0f rows/s%n", baseRate);
                    System.out.printf(Locale.ROOT, "ciphertext sweep: %,.0f rows/s over %d runs (%,d rows), slowest run %.0f ms%n", sweepRate,
                            runs, read, slowest / 1e6);
                    System.out.printf(Locale.ROOT, "ratio sweep/baseline: %.2f%n", sweepRate / baseRate);
                    Map<String, Object> evidence = result.evidence();
                    System.out.println("last evidence: " + evidence + ", for operators: " + result.operatorEvidence());
                }
            }
        }
    }

    /** Every row of the organisation's contacts, read in key order 1,000 at a time with the sweep's predicates. */
    private static long baseline(TenantScope scope, JdbcTemplate jdbc, TransactionTemplate tx, UUID org) {
        long t0 = System.nanoTime();
        UUID after = new UUID(0, 0);
        while (true) {
            UUID from = after;
            var batch = tx.execute(s -> scope.inTenant(org, null, () -> jdbc.query("""
                    SELECT id, (name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL OR notes IS NOT NULL),
                           NOT (bulwark_is_ciphertext(name_ct) AND bulwark_is_ciphertext(email_ct) AND bulwark_is_ciphertext(phone_ct)
                                AND bulwark_is_ciphertext(notes_ct))
                    FROM contacts WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT 1000""",
                    (rs, n) -> rs.getObject(1, UUID.class), org, from)));
            if (batch.isEmpty()) {
                return System.nanoTime() - t0;
            }
            after = batch.getLast();
        }
    }
}
