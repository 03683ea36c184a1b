package dev.bulwark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.bulwark.BulwarkApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.bulwark.bench.BenchHttp.field;
import static dev.bulwark.bench.BenchHttp.get;
import static dev.bulwark.bench.BenchHttp.post;
import static dev.bulwark.bench.BenchHttp.send;

/**
 * HTTP load driver for the workspace's read path, on the real application (embedded PostgreSQL, real tokens, the
 * whole filter chain): a closed loop of {@code concurrency} clients, each sending its next request when the last
 * answered, for a warm-up and then a measured period per scenario, all in one run:
 * <ul>
 *   <li>{@code health} (<b>floor</b>): {@code GET /actuator/health}, the HTTP stack with no auth and no query;</li>
 *   <li>{@code bare}: the same contact by the same query in the same tenant-bound transaction, from
 *       {@link BareContactEndpoint} (the {@code bench} profile), with no authentication, organisation or permission
 *       check and no rate limit;</li>
 *   <li>{@code contact} (<b>baseline</b>): one contact, {@code GET /api/v1/orgs/{org}/contacts/{id}};</li>
 *   <li>{@code contacts100}: {@code GET /api/v1/orgs/{org}/contacts?limit=100}, a page of 100 contacts.</li>
 * </ul>
 * Ratios are against {@code contact}: the extra cost of 99 more rows; and {@code contact} against {@code bare} is the
 * cost of the access chain (auth, organisation check, permission, rate limits), printed as a throughput ratio and the
 * added p50 and p99 latency. The encryption work reruns this harness so its
 * cost shows against the figures recorded in docs/benchmarks.md.
 * <p>Issue 7's figure: {@code contacts100plain} lists the same 100 contacts of a second organisation, stored as rows from
 * before encryption are (plaintext columns, written directly), so the one difference from {@code contacts100} is
 * decrypting 400 fields. With a fourth argument {@code encryption}, only those two scenarios run, alternated for three
 * rounds, and their latency ratio is printed (target: p50 ≤ 1.10).
 * Arguments, or {@code -Dbench.options="…"}: {@code [concurrency=4] [warmupSeconds=10] [measureSeconds=20] [all|encryption]}.
 */
public final class ContactListLoad {

    private record Result(String name, long requests, double seconds, long[] sortedNanos) {

        double perSecond() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p / 100.0 * sortedNanos.length) - 1);
            return sortedNanos[Math.max(0, index)] / 1e6;
        }
    }

    public static void main(String[] arguments) throws Exception {
        // From the command line, or through the bench profile: -Dbench.options="4 10 20 encryption".
        String options = System.getProperty("bench.options", "").strip();
        String[] args = arguments.length > 0 || options.isEmpty() ? arguments : options.split("\\s+");
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int measure = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        boolean encryptionOnly = args.length > 3 && args[3].equals("encryption");

        Path dir = Files.createTempDirectory("bulwark-contactload-");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BulwarkApplication.class).run(
                "--server.port=0", "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"), "--bulwark.audit.key-dir=" + dir.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"), "--bulwark.mail.dir=" + dir.resolve("mail"),
                "--logging.level.root=WARN", "--spring.profiles.active=bench",
                // Budgets lifted: this measures the chain (the limiter's bookkeeping included), not its refusals.
                "--bulwark.rate-limits.user-per-minute=1000000000", "--bulwark.rate-limits.organisation-per-minute=1000000000")) {
            String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

            String email = "load-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String password = "violet-orbit-canyon-42-lantern";
            String signup = send(client, post(base + "/api/v1/signup", null, "{\"email\":\"" + email + "\",\"password\":\""
                    + password + "\",\"name\":\"Load\",\"organisationName\":\"Load Org\"}"), 201);
            String org = field(signup, "organisationId");
            String tokens = send(client, post(base + "/api/v1/auth/login", null,
                    "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"), 200);
            String bearer = "Bearer " + field(tokens, "accessToken");

            String firstContact = null;
            for (int i = 0; i < 100; i++) {
                String created = send(client, post(base + "/api/v1/orgs/" + org + "/contacts", bearer, """
                        {"name":"Contact %03d Example","email":"contact%03d@example.com","phone":"+4420718387%02d",
                         "notes":"Met at the spring conference; interested in the enterprise plan, follow up in May about the pilot."}
                        """.formatted(i, i, i)), 201);
                if (firstContact == null) {
                    firstContact = field(created, "id");
                }
            }
            // A second organisation with the same 100 contacts stored in plaintext columns, as before encryption.
            String plainEmail = "plain-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String plainOrg = field(send(client, post(base + "/api/v1/signup", null, "{\"email\":\"" + plainEmail
                    + "\",\"password\":\"" + password + "\",\"name\":\"Plain\",\"organisationName\":\"Plain Org\"}"), 201),
                    "organisationId");
            String plainBearer = "Bearer " + field(send(client, post(base + "/api/v1/auth/login", null,
                    "{\"email\":\"" + plainEmail + "\",\"password\":\"" + password + "\"}"), 200), "accessToken");
            insertPlaintextContacts(context, UUID.fromString(plainOrg));

            // The access token lives 15 minutes; refresh is not part of the measured path, so keep runs shorter.
            Map<String, HttpRequest> scenarios = new LinkedHashMap<>();
            scenarios.put("health", HttpRequest.newBuilder(URI.create(base + "/actuator/health")).GET().build());
            scenarios.put("bare", HttpRequest.newBuilder(URI.create(base + "/bench/orgs/" + org + "/contacts/" + firstContact))
                    .GET().build());
            scenarios.put("contact", get(base + "/api/v1/orgs/" + org + "/contacts/" + firstContact, bearer));
            scenarios.put("contacts100", get(base + "/api/v1/orgs/" + org + "/contacts?limit=100", bearer));
            scenarios.put("contacts100plain", get(base + "/api/v1/orgs/" + plainOrg + "/contacts?limit=100", plainBearer));
            for (String list : List.of("contacts100", "contacts100plain")) {
                String page = send(client, scenarios.get(list), 200);
                if (page.split("\"id\"").length - 1 != 100 || !page.contains("interested in the enterprise plan")) {
                    throw new IllegalStateException(list + " did not answer 100 contacts");
                }
            }
            if (encryptionOnly) {
                compareEncryption(client, scenarios.get("contacts100"), scenarios.get("contacts100plain"), concurrency, warmup, measure);
                return;
            }

            List<Result> results = new ArrayList<>();
            for (Map.Entry<String, HttpRequest> scenario : scenarios.entrySet()) {
                run(client, scenario.getValue(), concurrency, warmup);
                Result result = run(client, scenario.getValue(), concurrency, measure);
                results.add(new Result(scenario.getKey(), result.requests(), result.seconds(), result.sortedNanos()));
            }

            Result baseline = results.stream().filter(r -> r.name().equals("contact")).findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "%nconcurrency %d, %d s measured per scenario (after %d s warm-up), %d cores%n%n",
                    concurrency, measure, warmup, Runtime.getRuntime().availableProcessors());
            System.out.println("| scenario | requests/s | p50 ms | p99 ms | req/s vs contact | p50 vs contact |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (Result r : results) {
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.2f× | %.2f× |%n", r.name(), r.perSecond(),
                        r.percentileMillis(50), r.percentileMillis(99), r.perSecond() / baseline.perSecond(),
                        r.percentileMillis(50) / baseline.percentileMillis(50));
            }
            Result bare = results.stream().filter(r -> r.name().equals("bare")).findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "%naccess chain (contact vs bare): throughput ratio %.2f (target >= 0.70), "
                            + "added p50 %.2f ms, added p99 %.2f ms%n", baseline.perSecond() / bare.perSecond(),
                    baseline.percentileMillis(50) - bare.percentileMillis(50),
                    baseline.percentileMillis(99) - bare.percentileMillis(99));
        }
    }

    /** The benchmark's 100 contacts, stored in {@code org} the way rows from before V14 are: plaintext columns only. */
    private static void insertPlaintextContacts(ConfigurableApplicationContext context, UUID org) {
        var jdbc = context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
        context.getBean(dev.bulwark.tenancy.TenantScope.class).inTenant(org, null, () -> {
            for (int i = 0; i < 100; i++) {
                jdbc.sql("""
                                INSERT INTO contacts (tenant_id, id, name, email, phone, notes, version, created_at, updated_at)
                                VALUES (:org, :id, :name, :email, :phone, :notes, 1, now(), now())
                                """)
                        .param("org", org)
                        .param("id", UUID.randomUUID())
                        .param("name", "Contact %03d Example".formatted(i))
                        .param("email", "contact%03d@example.com".formatted(i))
                        .param("phone", "+4420718387%02d".formatted(i))
                        .param("notes", "Met at the spring conference; interested in the enterprise plan, follow up in May about the pilot.")
                        .update();
            }
        });
    }

    /** Encrypted against plaintext lists, alternated for three rounds; prints each round and the pooled ratios. */
    private static void compareEncryption(HttpClient client, HttpRequest encrypted, HttpRequest plain, int concurrency,
                                          int warmup, int measure) throws Exception {
        run(client, encrypted, concurrency, warmup);
        run(client, plain, concurrency, warmup);
        List<long[]> enc = new ArrayList<>();
        List<long[]> pla = new ArrayList<>();
        double encRequests = 0;
        double encSeconds = 0;
        double plaRequests = 0;
        double plaSeconds = 0;
        System.out.println("| round | encrypted p50 ms | plaintext p50 ms | p50 ratio | p99 ratio | throughput ratio |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int round = 1; round <= 3; round++) {
            Result p = run(client, plain, concurrency, measure);
            Result e = run(client, encrypted, concurrency, measure);
            enc.add(e.sortedNanos());
            pla.add(p.sortedNanos());
            encRequests += e.requests();
            encSeconds += e.seconds();
            plaRequests += p.requests();
            plaSeconds += p.seconds();
            System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.3f | %.3f | %.3f |%n", round, e.percentileMillis(50),
                    p.percentileMillis(50), e.percentileMillis(50) / p.percentileMillis(50),
                    e.percentileMillis(99) / p.percentileMillis(99), e.perSecond() / p.perSecond());
        }
        Result e = new Result("encrypted", (long) encRequests, encSeconds, enc.stream().flatMapToLong(Arrays::stream).sorted().toArray());
        Result p = new Result("plaintext", (long) plaRequests, plaSeconds, pla.stream().flatMapToLong(Arrays::stream).sorted().toArray());
        System.out.printf(Locale.ROOT, "%npooled, concurrency %d, %d cores: encrypted p50 %.2f ms p99 %.2f ms; plaintext p50 %.2f ms"
                        + " p99 %.2f ms; latency ratio p50 %.3f, p99 %.3f (target p50 <= 1.10); throughput ratio %.3f%n",
                concurrency, Runtime.getRuntime().availableProcessors(), e.percentileMillis(50), e.percentileMillis(99),
                p.percentileMillis(50), p.percentileMillis(99), e.percentileMillis(50) / p.percentileMillis(50),
                e.percentileMillis(99) / p.percentileMillis(99), e.perSecond() / p.perSecond());
    }

    /** A closed loop of {@code concurrency} virtual-thread clients for {@code seconds}; every answer must be a 200. */
    private static Result run(HttpClient client, HttpRequest request, int concurrency, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long started = System.nanoTime();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                futures.add(clients.submit(() -> {
                    long[] samples = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        long took = System.nanoTime() - t0;
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
                        }
                        if (n == samples.length) {
                            samples = Arrays.copyOf(samples, n * 2);
                        }
                        samples[n++] = took;
                    }
                    return Arrays.copyOf(samples, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get());
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result("", merged.length, elapsed, merged);
        }
    }

    private ContactListLoad() {
    }
}
