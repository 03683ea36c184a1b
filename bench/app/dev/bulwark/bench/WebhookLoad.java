package dev.bulwark.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static dev.bulwark.bench.BenchHttp.field;
import static dev.bulwark.bench.BenchHttp.post;
import static dev.bulwark.bench.BenchHttp.send;

/**
 * Webhook deliveries to a loopback receiver (issue 24's figure: ≥ 500 deliveries/s sustained with the audit writes that
 * cause them, event-to-delivery p99 ≤ 2 s at that rate), on the real application with durable commits and its real
 * delivery worker, egress client and signing. The audit writes are the application's own appends
 * ({@link AuditLog#systemAction}, each in its own committed transaction, the same path every audited action takes),
 * spread over {@code orgs} organisations that each have one webhook subscribed to {@code "*"}. The receiver (the JDK's
 * HTTP server on 127.0.0.1, allowed by {@code bulwark.egress.allow}) answers 204 and notes when each event's delivery
 * arrived; an event's latency runs from its transaction's commit to that arrival.
 * <p>Phases, in one run: {@code baseline} (the writers as fast as they go, the webhooks disabled: what the writes cost
 * alone); 10 s of paced writes with delivery on to warm the delivery path (not recorded); {@code paced} (writes offered at {@code rate} a second for {@code seconds}: deliveries/s, latency p50/p99/max,
 * any not delivered 10 s after the last write); {@code flat out} (the writers as fast as they go with delivery on: the
 * writes' rate against the baseline, and the deliveries that kept up). The paced writes come from at least 16 threads, so
 * that a slow commit does not hold back the schedule.
 * Arguments, or {@code -Dbench.options="…"}: {@code [rate=500] [seconds=30] [orgs=4] [writers=4]}.
 */
public final class WebhookLoad {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** When each event was committed and when its delivery arrived, by event id. */
    private static final Map<String, Long> COMMITTED = new ConcurrentHashMap<>();
    private static final Map<String, Long> ARRIVED = new ConcurrentHashMap<>();
    private static final AtomicLong DUPLICATES = new AtomicLong();

    public static void main(String[] arguments) throws Exception {
        String options = System.getProperty("bench.options", "").strip();
        String[] args = arguments.length > 0 || options.isEmpty() ? arguments : options.split("\\s+");
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int orgCount = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int writers = args.length > 3 ? Integer.parseInt(args[3]) : 4;

        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        receiver.createContext("/hook", exchange -> {
            long at = System.nanoTime();
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode event = JSON.readTree(body).path("data");
            if (ARRIVED.putIfAbsent(event.path("id").asString(), at) != null) {
                DUPLICATES.incrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.start();

        try (ConfigurableApplicationContext app = BenchHttp.start("webhooks",
                "--bulwark.egress.allow=127.0.0.1:" + port, "--bulwark.webhooks.poll-interval=100ms",
                "--bulwark.rate-limits.user-per-minute=1000000000", "--bulwark.rate-limits.organisation-per-minute=1000000000")) {
            String base = "http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            List<UUID> orgs = new ArrayList<>();
            List<String[]> hooks = new ArrayList<>();
            for (int i = 0; i < orgCount; i++) {
                BenchHttp.Owner owner = BenchHttp.owner(client, base);
                String created = send(client, post(base + "/api/v1/orgs/" + owner.org() + "/webhooks", owner.bearer(),
                        "{\"url\":\"http://127.0.0.1:" + port + "/hook\",\"events\":[\"*\"]}"), 201);
                orgs.add(owner.org());
                hooks.add(new String[] {owner.org().toString(), field(created, "id"), owner.bearer()});
            }
            AuditLog audit = app.getBean(AuditLog.class);
            TransactionTemplate transactions = new TransactionTemplate(app.getBean(PlatformTransactionManager.class));
            Writer writer = new Writer(audit, transactions, orgs);

            // Baseline: the writes alone, the webhooks disabled (their trigger then finds no enabled webhook).
            enable(client, base, hooks, false);
            writer.flatOut(writers, Duration.ofSeconds(5), false);
            double baseline = writer.flatOut(writers, Duration.ofSeconds(seconds), false);
            enable(client, base, hooks, true);
            // Warm-up of the delivery path (the worker, egress, signing, the receiver) at the paced rate, not recorded.
            writer.paced(rate, Math.max(16, writers), Duration.ofSeconds(10));
            drain(Duration.ofSeconds(30));
            COMMITTED.clear();
            ARRIVED.clear();
            DUPLICATES.set(0);

            // Paced: `rate` writes a second, every one of them delivered.
            // Open loop: enough writers that a slow commit does not hold back the schedule.
            writer.paced(rate, Math.max(16, writers), Duration.ofSeconds(seconds));
            Duration drain = drain(Duration.ofSeconds(10));
            Report paced = report();
            COMMITTED.clear();
            ARRIVED.clear();

            // Flat out, with delivery.
            double withDelivery = writer.flatOut(writers, Duration.ofSeconds(seconds), true);
            drain(Duration.ofSeconds(30));
            Report flat = report();

            System.out.printf(Locale.ROOT, "%n%d organisations with one webhook each, %d writers, %d s per phase, %d cores%n%n",
                    orgCount, writers, seconds, Runtime.getRuntime().availableProcessors());
            System.out.println("| phase | writes/s | deliveries/s | delivered | not delivered | duplicates | latency p50 ms | p99 ms | max ms |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| baseline: writes alone, webhooks disabled | %,.0f | – | – | – | – | – | – | – |%n", baseline);
            System.out.printf(Locale.ROOT, "| paced at %d/s | %,.0f | %,.0f | %,d | %,d | %d | %.0f | %.0f | %.0f |%n", rate,
                    paced.writes / paced.spanSeconds, paced.deliveriesPerSecond, paced.delivered, paced.missing, paced.duplicates,
                    paced.p50, paced.p99, paced.max);
            System.out.printf(Locale.ROOT, "| flat out, delivery on | %,.0f | %,.0f | %,d | %,d | %d | %.0f | %.0f | %.0f |%n",
                    withDelivery, flat.deliveriesPerSecond, flat.delivered, flat.missing, flat.duplicates, flat.p50, flat.p99, flat.max);
            System.out.printf(Locale.ROOT, "%npaced: %,.0f deliveries/s (target >= 500), p99 %.0f ms (target <= 2,000), drained %d ms after"
                            + " the last write; flat out: writes at %.2f of the baseline with delivery on%n",
                    paced.deliveriesPerSecond, paced.p99, drain.toMillis(), withDelivery / baseline);
        } finally {
            receiver.stop(0);
        }
    }

    private static void enable(HttpClient client, String base, List<String[]> hooks, boolean enabled) throws Exception {
        for (String[] hook : hooks) {
            send(client, java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/orgs/" + hook[0] + "/webhooks/" + hook[1]))
                    .header("Authorization", hook[2]).header("Content-Type", "application/json")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"enabled\":" + enabled + "}")).build(), 200);
        }
    }

    /** Waits until every committed event has arrived, or {@code limit}; how long it waited. */
    private static Duration drain(Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos() && !ARRIVED.keySet().containsAll(COMMITTED.keySet())) {
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private record Report(long writes, double spanSeconds, long delivered, long missing, long duplicates,
                          double deliveriesPerSecond, double p50, double p99, double max) {
    }

    private static Report report() {
        long[] latencies = COMMITTED.entrySet().stream().filter(e -> ARRIVED.containsKey(e.getKey()))
                .mapToLong(e -> ARRIVED.get(e.getKey()) - e.getValue()).sorted().toArray();
        long firstCommit = COMMITTED.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long lastCommit = COMMITTED.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long firstArrival = ARRIVED.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long lastArrival = ARRIVED.values().stream().mapToLong(Long::longValue).max().orElse(0);
        double writeSpan = Math.max(1, lastCommit - firstCommit) / 1e9;
        double deliverySpan = Math.max(1, lastArrival - firstArrival) / 1e9;
        return new Report(COMMITTED.size(), writeSpan, latencies.length, COMMITTED.size() - latencies.length, DUPLICATES.getAndSet(0),
                latencies.length / deliverySpan, percentile(latencies, 50), percentile(latencies, 99),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** Appends audit events, each in its own transaction, round-robin over the organisations. */
    private record Writer(AuditLog audit, TransactionTemplate transactions, List<UUID> orgs) {

        private void write(long n, boolean note) {
            UUID org = orgs.get((int) (n % orgs.size()));
            AuditLog.Appended appended = transactions.execute(status ->
                    audit.systemAction(org, AuditType.ORG_POLICY_UPDATED, "webhook benchmark", Map.of("n", n)));
            if (note) {
                COMMITTED.put(appended.id().toString(), System.nanoTime());
            }
        }

        /** {@code threads} writers as fast as they go for {@code span}; writes per second. */
        double flatOut(int threads, Duration span, boolean note) throws Exception {
            AtomicLong count = new AtomicLong();
            long end = System.nanoTime() + span.toNanos();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            write(count.getAndIncrement(), note);
                        }
                        return null;
                    });
                }
            }
            return count.get() / (span.toNanos() / 1e9);
        }

        /** {@code rate} writes a second offered on a fixed schedule (open loop) by {@code threads} writers. */
        void paced(int rate, int threads, Duration span) throws Exception {
            long total = rate * span.toSeconds();
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            AtomicLong next = new AtomicLong();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    pool.submit(() -> {
                        for (long n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
                            long due = start + n * interval;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            write(n, true);
                        }
                        return null;
                    });
                }
            }
        }
    }

    private WebhookLoad() {
    }
}
