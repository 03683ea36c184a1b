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
 * <p>With a fourth argument {@code chain}, only {@code bare} and {@code contact} run, alternated for three rounds, and
 * the pooled throughput ratio and added latency of the access chain are printed (the one figure of the request gate;
 * alternating keeps a busy machine from favouring one side), with the CPU time per request of each side (the JVM's and
 * PostgreSQL's together, and PostgreSQL's part of it) and its ratio, which other work on the machine does not move. Issue 7's plaintext-against-encrypted comparison is gone
 * with the plaintext read path: a plaintext row is now refused, so there is nothing to compare against.
 * Arguments, or {@code -Dbench.options="…"}: {@code [concurrency=4] [warmupSeconds=10] [measureSeconds=20] [all|chain]}.
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
        // From the command line, or through the bench profile: -Dbench.options="4 10 20 chain".
        String options = System.getProperty("bench.options", "").strip();
        String[] args = arguments.length > 0 || options.isEmpty() ? arguments : options.split("\\s+");
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int measure = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        boolean chainOnly = args.length > 3 && args[3].equals("chain");

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
            // The access token lives 15 minutes; refresh is not part of the measured path, so keep runs shorter.
            Map<String, HttpRequest> scenarios = new LinkedHashMap<>();
            scenarios.put("health", HttpRequest.newBuilder(URI.create(base + "/actuator/health")).GET().build());
            scenarios.put("bare", HttpRequest.newBuilder(URI.create(base + "/bench/orgs/" + org + "/contacts/" + firstContact))
                    .GET().build());
            scenarios.put("contact", get(base + "/api/v1/orgs/" + org + "/contacts/" + firstContact, bearer));
            scenarios.put("contacts100", get(base + "/api/v1/orgs/" + org + "/contacts?limit=100", bearer));
            String page = send(client, scenarios.get("contacts100"), 200);
            if (page.split("\"id\"").length - 1 != 100 || !page.contains("interested in the enterprise plan")) {
                throw new IllegalStateException("contacts100 did not answer 100 contacts");
            }
            if (chainOnly) {
                compareChain(client, scenarios.get("contact"), scenarios.get("bare"), concurrency, warmup, measure,
                        dir.resolve("postgres"));
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

    /**
     * The secured read against the bare one, alternated for three rounds; prints each round and the pooled ratios. Beside
     * the throughput it reads the CPU time each round cost, the application's JVM (driver included) and PostgreSQL's
     * processes together, and prints the CPU per request of each side (and PostgreSQL's part of it) and their ratio: the
     * throughput ratio the two would have on cores of their own, which other work on a shared machine does not move.
     */
    private static void compareChain(HttpClient client, HttpRequest secured, HttpRequest bare, int concurrency,
                                     int warmup, int measure, Path dataDir) throws Exception {
        run(client, secured, concurrency, warmup);
        run(client, bare, concurrency, warmup);
        List<long[]> sec = new ArrayList<>();
        List<long[]> bar = new ArrayList<>();
        double secRequests = 0;
        double secSeconds = 0;
        double barRequests = 0;
        double barSeconds = 0;
        double secCpu = 0;
        double barCpu = 0;
        double secDb = 0;
        double barDb = 0;
        System.out.println("| round | contact req/s | bare req/s | throughput ratio | contact p99 ms | bare p99 ms "
                + "| contact CPU µs/req (of which PostgreSQL) | bare CPU µs/req (of which PostgreSQL) | CPU ratio |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int round = 1; round <= 3; round++) {
            double[] cpu0 = cpuSeconds(dataDir);
            Result b = run(client, bare, concurrency, measure);
            double[] cpu1 = cpuSeconds(dataDir);
            Result c = run(client, secured, concurrency, measure);
            double[] cpu2 = cpuSeconds(dataDir);
            sec.add(c.sortedNanos());
            bar.add(b.sortedNanos());
            secRequests += c.requests();
            secSeconds += c.seconds();
            barRequests += b.requests();
            barSeconds += b.seconds();
            double cAll = cpu2[0] + cpu2[1] - cpu1[0] - cpu1[1];
            double bAll = cpu1[0] + cpu1[1] - cpu0[0] - cpu0[1];
            secCpu += cAll;
            barCpu += bAll;
            secDb += cpu2[1] - cpu1[1];
            barDb += cpu1[1] - cpu0[1];
            double cPer = cAll / c.requests() * 1e6;
            double bPer = bAll / b.requests() * 1e6;
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.3f | %.2f | %.2f | %,.0f (%,.0f) | %,.0f (%,.0f) | %.3f |%n", round,
                    c.perSecond(), b.perSecond(), c.perSecond() / b.perSecond(), c.percentileMillis(99),
                    b.percentileMillis(99), cPer, (cpu2[1] - cpu1[1]) / c.requests() * 1e6, bPer,
                    (cpu1[1] - cpu0[1]) / b.requests() * 1e6, bPer / cPer);
        }
        Result c = new Result("contact", (long) secRequests, secSeconds, sec.stream().flatMapToLong(Arrays::stream).sorted().toArray());
        Result b = new Result("bare", (long) barRequests, barSeconds, bar.stream().flatMapToLong(Arrays::stream).sorted().toArray());
        System.out.printf(Locale.ROOT, "%npooled, concurrency %d, %d cores: access chain throughput ratio %.3f (target >= 0.70);"
                        + " added p50 %.2f ms, added p99 %.2f ms%n", concurrency, Runtime.getRuntime().availableProcessors(),
                c.perSecond() / b.perSecond(), c.percentileMillis(50) - b.percentileMillis(50),
                c.percentileMillis(99) - b.percentileMillis(99));
        System.out.printf(Locale.ROOT, "CPU per request (JVM and PostgreSQL): contact %,.0f µs (PostgreSQL %,.0f), bare %,.0f µs"
                        + " (PostgreSQL %,.0f), ratio %.3f%n", secCpu / secRequests * 1e6, secDb / secRequests * 1e6,
                barCpu / barRequests * 1e6, barDb / barRequests * 1e6, (barCpu / barRequests) / (secCpu / secRequests));
    }

    /**
     * CPU seconds used so far by this JVM and by the embedded PostgreSQL (its postmaster, every process it started, and
     * those of them that ended and were reaped: autovacuum's workers come and go), from /proc (Linux): {JVM, PostgreSQL};
     * PostgreSQL's 0 where /proc is not there.
     */
    private static double[] cpuSeconds(Path dataDir) throws Exception {
        double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isReadable(pidFile) || !Files.isDirectory(Path.of("/proc"))) {
            return new double[] {jvm, 0};
        }
        String postmaster = Files.readAllLines(pidFile).getFirst().strip();
        long ticks = 0;
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path proc : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                // Fields after the command's closing parenthesis: state, ppid, … utime (14th field), stime (15th),
                // cutime and cstime (16th, 17th: children that ended and were waited for).
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (proc.getFileName().toString().equals(postmaster)) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                } else if (f[1].equals(postmaster)) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        return new double[] {jvm, ticks / 100.0}; // USER_HZ: 100 ticks a second on Linux, whatever the kernel HZ
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
