package dev.bulwark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditEvent;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.bench.BenchHttp.Owner;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.privacy.internal.RetentionEnforcer;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.bulwark.bench.BenchHttp.field;
import static dev.bulwark.bench.BenchHttp.owner;
import static dev.bulwark.bench.BenchHttp.post;
import static dev.bulwark.bench.BenchHttp.send;

/**
 * Issue 8's figures, on the real application (embedded PostgreSQL, durable commits):
 * <ul>
 *   <li><b>purge rate</b>: the retention enforcer purging {@code rows} expired interactions of one organisation, against
 *       the <b>baseline</b> of a plain batched {@code DELETE} (1,000 rows a statement, one commit each, the tenant
 *       bound the same way) of the same number of rows in a second organisation, same run; rows/s and their ratio
 *       (target ≥ 0.5);</li>
 *   <li><b>access and erasure latency</b> for a subject with 10,000 interactions, each encrypted as the application
 *       writes it and each with its {@code interaction.created} event in the audit chain: the access request as JSON
 *       and as a ZIP (median of five), then the erasure (one shot: it changes everything), then a second erasure.</li>
 * </ul>
 * Options ({@code -Dbench.options="rows"}): rows to purge, default 200,000.
 */
public final class PrivacyLoad {

    public static void main(String[] args) throws Exception {
        String options = System.getProperty("bench.options", "").strip();
        int rows = options.isEmpty() ? 200_000 : Integer.parseInt(options.split("\\s+")[0]);
        try (ConfigurableApplicationContext context = BenchHttp.start("privacyload")) {
            String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            TenantScope scope = context.getBean(TenantScope.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            TransactionTemplate tx = context.getBean(TransactionTemplate.class);

            // Purge rate against a plain batched DELETE of the same rows.
            Owner purged = owner(client, base);
            Owner plain = owner(client, base);
            seedExpired(scope, jdbc, tx, purged, rows);
            seedExpired(scope, jdbc, tx, plain, rows);
            long t0 = System.nanoTime();
            int deleted = 0;
            int n;
            do {
                n = tx.execute(s -> scope.inTenant(plain.org(), null, () -> jdbc.update("""
                        DELETE FROM interactions WHERE tenant_id = ? AND id IN (
                            SELECT id FROM interactions WHERE tenant_id = ? AND channel = 'call' AND occurred_at < ?
                            ORDER BY occurred_at LIMIT 1000)""", plain.org(), plain.org(), Timestamp.from(Instant.now().minus(Duration.ofDays(365))))));
                deleted += n;
            } while (n == 1000);
            double baseline = deleted / ((System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            Map<String, Integer> counts = context.getBean(RetentionEnforcer.class).runFor(purged.org(), Instant.now(), Actor.system());
            double enforcer = counts.get("interaction.call") / ((System.nanoTime() - t0) / 1e9);
            if (deleted != rows || counts.get("interaction.call") != rows) {
                throw new IllegalStateException("purged " + counts + " and deleted " + deleted + ", expected " + rows);
            }

            // Access and erasure for a subject with 10,000 interactions.
            Owner subjectOrg = owner(client, base);
            String email = "subject-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String contact = field(send(client, post(base + "/api/v1/orgs/" + subjectOrg.org() + "/contacts", subjectOrg.bearer(),
                    "{\"name\":\"Subject Person\",\"email\":\"" + email + "\",\"phone\":\"+442079460123\"}"), 201), "id");
            seedSubject(context, scope, jdbc, tx, subjectOrg.org(), UUID.fromString(contact), 10_000);
            String subject = "{\"email\":\"" + email + "\"}";
            long[] json = new long[5];
            long[] zip = new long[5];
            int size = 0;
            for (int i = 0; i < 5; i++) {
                long s = System.nanoTime();
                size = send(client, post(base + "/api/v1/orgs/" + subjectOrg.org() + "/privacy/access-requests", subjectOrg.bearer(), subject), 200).length();
                json[i] = System.nanoTime() - s;
                s = System.nanoTime();
                HttpResponse<byte[]> z = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/orgs/" + subjectOrg.org()
                                + "/privacy/access-requests")).header("Authorization", subjectOrg.bearer()).header("Content-Type", "application/json")
                        .header("Accept", "application/zip").POST(HttpRequest.BodyPublishers.ofString(subject)).build(), HttpResponse.BodyHandlers.ofByteArray());
                zip[i] = System.nanoTime() - s;
                if (z.statusCode() != 200) {
                    throw new IllegalStateException("zip access answered " + z.statusCode());
                }
            }
            long s = System.nanoTime();
            String erased = send(client, post(base + "/api/v1/orgs/" + subjectOrg.org() + "/privacy/erasure-requests", subjectOrg.bearer(), subject), 200);
            long erasure = System.nanoTime() - s;
            s = System.nanoTime();
            send(client, post(base + "/api/v1/orgs/" + subjectOrg.org() + "/privacy/erasure-requests", subjectOrg.bearer(), subject), 200);
            long again = System.nanoTime() - s;

            System.out.printf(Locale.ROOT, "%n%d cores%n%n| purge of %,d expired interactions | rows/s |%n|---|---:|%n", Runtime.getRuntime().availableProcessors(), rows);
            System.out.printf(Locale.ROOT, "| plain batched DELETE (baseline) | %,.0f |%n| retention enforcer | %,.0f |%n%nratio enforcer / baseline: %.2f (target >= 0.5)%n%n",
                    baseline, enforcer, enforcer / baseline);
            System.out.printf(Locale.ROOT, "| subject with 10,000 interactions | ms |%n|---|---:|%n| access request, JSON (%,d bytes), median of 5 | %.0f |%n"
                            + "| access request, ZIP, median of 5 | %.0f |%n| erasure | %.0f |%n| second erasure (nothing left) | %.0f |%n%nerasure answered %s%n",
                    size, median(json), median(zip), erasure / 1e6, again / 1e6, erased);
        }
    }

    /** {@code rows} calls two years old, with a contact to hang them on, inserted in bulk. */
    private static void seedExpired(TenantScope scope, JdbcTemplate jdbc, TransactionTemplate tx, Owner owner, int rows) {
        UUID contact = UUID.randomUUID();
        tx.executeWithoutResult(s -> scope.inTenant(owner.org(), null, () -> {
            jdbc.update("INSERT INTO contacts (tenant_id, id, name, version, created_at, updated_at) VALUES (?, ?, 'Old', 1, now(), now())",
                    owner.org(), contact);
            jdbc.update("""
                    INSERT INTO interactions (tenant_id, id, contact_id, channel, subject, occurred_at, version, created_at, updated_at)
                    SELECT ?, gen_random_uuid(), ?, 'call', 'old call', now() - interval '730 days' + g * interval '1 second', 1, now(), now()
                    FROM generate_series(1, ?) g""", owner.org(), contact, rows);
        }));
    }

    /** {@code count} interactions of the subject, encrypted as the application writes them, each with its audit event. */
    private static void seedSubject(ConfigurableApplicationContext context, TenantScope scope, JdbcTemplate jdbc, TransactionTemplate tx,
                                    UUID org, UUID contact, int count) {
        FieldCipher cipher = context.getBean(FieldCipher.class);
        AuditLog audit = context.getBean(AuditLog.class);
        for (int done = 0; done < count; done += 500) {
            int from = done;
            tx.executeWithoutResult(s -> scope.inTenant(org, null, () -> {
                List<Object[]> batch = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + 500); i++) {
                    UUID id = UUID.randomUUID();
                    String subject = "Call " + i + " with Subject Person";
                    batch.add(new Object[] {org, id, contact, cipher.encrypt(new FieldCipher.Field(org, "interactions", "subject", id), subject),
                            cipher.encrypt(new FieldCipher.Field(org, "interactions", "body", id), "Discussed the renewal, item " + i + ".")});
                    audit.append(new AuditEvent(org, AuditType.INTERACTION_CREATED, Actor.system(), Entity.of("interaction", id), null, null,
                            Map.of("contactId", contact.toString(), "channel", "call", "subject", subject), null));
                }
                jdbc.batchUpdate("""
                        INSERT INTO interactions (tenant_id, id, contact_id, channel, subject_ct, body_ct, occurred_at, version, created_at, updated_at)
                        VALUES (?, ?, ?, 'call', ?, ?, now(), 1, now(), now())""", batch);
            }));
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private PrivacyLoad() {
    }
}
