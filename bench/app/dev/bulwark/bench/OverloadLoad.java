package dev.bulwark.bench;

import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.bulwark.web.MixedLoad;
import dev.bulwark.web.PoolWatch;
import dev.bulwark.web.ServerTimes;
import dev.bulwark.web.SlowReaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.bulwark.bench.BenchHttp.get;
import static dev.bulwark.bench.BenchHttp.post;
import static dev.bulwark.bench.BenchHttp.send;

/**
 * Issue 28's two load figures (docs/benchmarks.md, "Overload and tenant fairness"), on the real application with
 * durable commits, its default pool (10) and overload limits, the per-user and per-organisation budgets lifted (what
 * answers is the overload edge, not a budget):
 * <ul>
 *   <li>{@code overload} (acceptance 3): {@link MixedLoad} with {@code connections} concurrent connections for
 *       {@code seconds} over 8 organisations; prints throughput, served p50/p99, the 503 share, the slowest readiness
 *       answer of a separate client, any other 5xx and transport failures, and what the server itself took
 *       ({@link ServerTimes}: the share of served and of readiness answers within 1 s by its own timers). With a URL as
 *       third argument it drives that running instance instead of starting one (budgets as that instance has them;
 *       its timers are read with {@code BULWARK_METRICS_TOKEN}).</li>
 *   <li>{@code fairness} (acceptance 4): one organisation's 20 exports of about 16 MB whose clients read 12 bytes and
 *       stall, and meanwhile another organisation's single-record reads, 2 clients for {@code seconds}; prints their
 *       p50/p99 and the pool's most active connections.</li>
 * </ul>
 * Arguments, or {@code -Dbench.options="…"}: {@code overload [connections=1000] [seconds=60] [url]} or
 * {@code fairness [seconds=15]}, plus any of the application's settings as {@code --name=value}.
 */
public final class OverloadLoad {

    public static void main(String[] arguments) throws Exception {
        String options = System.getProperty("bench.options", "").strip();
        String[] args = arguments.length > 0 || options.isEmpty() ? arguments : options.split("\\s+");
        // Arguments starting with "--" are the application's own settings, e.g. --bulwark.http.overload.api=16.
        String[] settings = Arrays.stream(args).filter(a -> a.startsWith("--")).toArray(String[]::new);
        args = Arrays.stream(args).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        String mode = args.length > 0 ? args[0] : "overload";
        if (mode.equals("fairness")) {
            fairness(args.length > 1 ? Integer.parseInt(args[1]) : 15, settings);
            return;
        }
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        if (args.length > 3) {
            // The server's own timing needs its metrics token (bulwark.http.metrics-token), given here by BULWARK_METRICS_TOKEN.
            String token = System.getenv("BULWARK_METRICS_TOKEN");
            String url = args[3];
            overload(url, connections, seconds, () -> token == null ? null : ServerTimes.start(url, token, Duration.ofSeconds(1)));
            return;
        }
        try (ConfigurableApplicationContext app = start(settings)) {
            MeterRegistry meters = app.getBean(MeterRegistry.class);
            overload("http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port"), connections, seconds,
                    () -> ServerTimes.start(meters, Duration.ofSeconds(1)));
        }
    }

    private static void overload(String base, int connections, int seconds, Supplier<ServerTimes> serverTimes) throws Exception {
        List<MixedLoad.Org> orgs = MixedLoad.prepare(base, 8);
        System.out.println("warm-up 10 s at 50 connections");
        new MixedLoad(base, orgs).run(50, Duration.ofSeconds(10));
        ServerTimes timed = serverTimes.get();
        MixedLoad.Report report = new MixedLoad(base, orgs).run(connections, Duration.ofSeconds(seconds));
        System.out.println(report.summary());
        System.out.println(timed == null ? "at the server: not read (no BULWARK_METRICS_TOKEN)" : timed.since().summary());
    }

    private static void fairness(int seconds, String[] settings) throws Exception {
        try (ConfigurableApplicationContext app = start(settings)) {
            int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
            String base = "http://localhost:" + port;
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            BenchHttp.Owner heavy = BenchHttp.owner(client, base);
            BenchHttp.Owner other = BenchHttp.owner(client, base);
            String project = BenchHttp.field(send(client, post(base + "/api/v1/orgs/" + heavy.org() + "/projects", heavy.bearer(),
                    "{\"name\":\"Big\"}"), 201), "id");
            StringBuilder body = new StringBuilder();
            java.util.Random random = new java.util.Random(28);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            for (int i = 0; i < 450_200; i++) {
                body.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            // Twelve of 450,000 random letters: an export of about 16 MB, well past what loopback's socket buffers hold.
            for (int d = 0; d < 12; d++) {
                send(client, post(base + "/api/v1/orgs/" + heavy.org() + "/projects/" + project + "/documents", heavy.bearer(),
                        "{\"title\":\"Big\",\"body\":\"" + body.substring(d * 10, d * 10 + 450_000) + "\"}"), 201);
            }
            String contact = BenchHttp.field(send(client, post(base + "/api/v1/orgs/" + other.org() + "/contacts", other.bearer(),
                    "{\"name\":\"Reader\"}"), 201), "id");
            var read = get(base + "/api/v1/orgs/" + other.org() + "/contacts/" + contact, other.bearer());

            for (String phase : List.of("alone", "beside 20 stalled exports")) {
                List<Socket> stalled = new ArrayList<>();
                if (!phase.equals("alone")) {
                    try (ExecutorService starters = Executors.newVirtualThreadPerTaskExecutor()) {
                        List<Future<Socket>> starting = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            starting.add(starters.submit(() -> SlowReaders.stalled(port, "/api/v1/orgs/" + heavy.org() + "/export",
                                    heavy.bearer())));
                        }
                        for (Future<Socket> f : starting) {
                            stalled.add(f.get());
                        }
                    }
                }
                PoolWatch maxActive = PoolWatch.start(app.getBean(DataSource.class));
                List<Long> nanos = java.util.Collections.synchronizedList(new ArrayList<>());
                long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int r = 0; r < 2; r++) {
                        readers.submit(() -> {
                            while (System.nanoTime() < end) {
                                long t0 = System.nanoTime();
                                HttpResponse<String> answer = client.send(read, HttpResponse.BodyHandlers.ofString());
                                if (answer.statusCode() != 200) {
                                    throw new IllegalStateException("read answered " + answer.statusCode());
                                }
                                nanos.add(System.nanoTime() - t0);
                            }
                            return null;
                        });
                    }
                }
                maxActive.close();
                if (!stalled.isEmpty()) {
                    // Proof that the 20 were still in progress (stalled, not finished into the kernel's buffers).
                    int refused = client.send(get(base + "/api/v1/orgs/" + heavy.org() + "/export", heavy.bearer()),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    System.out.println("21st export of the stalled organisation: " + refused + " (429 expected)");
                }
                for (Socket s : stalled) {
                    s.close();
                }
                long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "%s: %d reads, p50 %.2f ms, p99 %.2f ms, max %.2f ms; pool active max %d of 10%n",
                        phase, sorted.length, at(sorted, 0.50), at(sorted, 0.99), at(sorted, 1.0), maxActive.max());
                Thread.sleep(2_000);
            }
        }
    }

    private static double at(long[] sorted, double p) {
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[index] / 1e6;
    }

    private static ConfigurableApplicationContext start(String[] settings) throws Exception {
        // spool-wait: twenty 16 MB exports of one organisation spool one after another.
        String[] base = {"--bulwark.database.embedded.durable=true", "--bulwark.http.long-answers.spool-wait=2m",
                "--bulwark.rate-limits.user-per-minute=1000000000", "--bulwark.rate-limits.api-key-per-minute=1000000000",
                "--bulwark.rate-limits.organisation-per-minute=1000000000"};
        return BenchHttp.start("overload", java.util.stream.Stream.concat(Arrays.stream(base), Arrays.stream(settings)).toArray(String[]::new));
    }

    private OverloadLoad() {
    }
}
