package dev.bulwark.web;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The overload driver of issue 28 (acceptance 3; docs/resilience.md, docs/benchmarks.md): {@code connections} clients,
 * each a virtual thread with a request always in flight (HTTP/1.1 cannot multiplex, so that many connections are open
 * at once), send a mixed workload for a given time against a running Bulwark: single-record reads, pages of contacts,
 * contact writes, sign-ins, audit exports and health probes, spread over a few organisations. Meanwhile a separate
 * client on a platform thread of its own asks {@code /actuator/health/readiness} every 100 ms and keeps its latencies
 * and answers (200 UP; 503 DOWN when its database probe got no answer within 500 ms, or refused by the health class's
 * limit; anything else, or no answer, is a failure).
 * It records every answer's status and latency: throughput, the served answers' p50/p99 (every answer but a 503), the
 * 503 share (and whether each carried {@code Retry-After}), any other 5xx, and transport failures.
 * <p>Used by {@code OverloadAcceptanceTest} (a short run in the suite) and by {@code bench/app/…/OverloadLoad} (60 s).
 */
public final class MixedLoad {

    /** One organisation the load acts in: its owner's sign-in, bearer and a contact to read. */
    public record Org(UUID id, String email, String password, String bearer, String contactId) {
    }

    /** What a run saw. */
    public record Report(int connections, double seconds, long answers, long served, long unavailable,
                         long unavailableWithoutRetryAfter, Map<Integer, Long> byStatus, long otherServerErrors,
                         long transportFailures, List<String> failureSamples, double servedP50Millis, double servedP99Millis,
                         double servedMaxMillis, double refusedP50Millis, double refusedP99Millis, long healthProbes, long healthNotOk, long healthUnanswered, double healthP99Millis,
                         double healthMaxMillis, long maxOpenFiles) {

        public double throughput() {
            return answers / seconds;
        }

        public double unavailableShare() {
            return answers == 0 ? 0 : (double) unavailable / answers;
        }

        public String summary() {
            return String.format(java.util.Locale.ROOT, """
                    connections %d for %.1f s (open-file limit %d)
                    answers %d (%.0f/s); served (not 503) %d: p50 %.1f ms, p99 %.1f ms, max %.1f ms
                    503 %d (%.1f %%): p50 %.1f ms, p99 %.1f ms; refusals without Retry-After %d; other 5xx %d; transport failures %d %s
                    by status %s
                    readiness (separate client, every 100 ms): %d probes, %d not 200 (of them unanswered or neither 200 nor 503: %d), p99 %.1f ms, max %.1f ms""",
                    connections, seconds, maxOpenFiles, answers, throughput(), served, servedP50Millis, servedP99Millis,
                    servedMaxMillis, unavailable, 100 * unavailableShare(), refusedP50Millis, refusedP99Millis, unavailableWithoutRetryAfter, otherServerErrors,
                    transportFailures, failureSamples, byStatus, healthProbes, healthNotOk, healthUnanswered, healthP99Millis, healthMaxMillis);
        }
    }

    private final String base;
    private final List<Org> orgs;

    public MixedLoad(String base, List<Org> orgs) {
        this.base = base;
        this.orgs = List.copyOf(orgs);
    }

    /** The processes' open-file limit (each connection is a descriptor at both ends), or -1 where it cannot be read. */
    public static long maxOpenFiles() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** Signs up {@code count} organisations with a contact each and signs their owners in. */
    public static List<Org> prepare(String base, int count) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        List<Org> orgs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String email = "load-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String password = "violet-orbit-canyon-42-lantern";
            String org = field(expect(client, post(base + "/api/v1/signup", null, "{\"email\":\"" + email + "\",\"password\":\""
                    + password + "\",\"name\":\"Load\",\"organisationName\":\"Load Org " + i + "\"}"), 201), "organisationId");
            String bearer = "Bearer " + field(expect(client, post(base + "/api/v1/auth/login", null,
                    "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"), 200), "accessToken");
            String contact = field(expect(client, post(base + "/api/v1/orgs/" + org + "/contacts", bearer,
                    "{\"name\":\"Load contact\",\"email\":\"contact@example.com\",\"notes\":\"Met at the conference.\"}"), 201), "id");
            orgs.add(new Org(UUID.fromString(org), email, password, bearer, contact));
        }
        return orgs;
    }

    /** Drives {@code connections} clients for {@code duration}; returns what they saw. */
    public Report run(int connections, Duration duration) throws InterruptedException {
        HttpClient load = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
        Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        LongAdder unavailableWithoutRetryAfter = new LongAdder();
        LongAdder transportFailures = new LongAdder();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger sampled = new AtomicInteger();
        ConcurrentLinkedQueue<long[]> servedNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<long[]> refusedNanos = new ConcurrentLinkedQueue<>();
        List<Long> healthNanos = new ArrayList<>();
        AtomicLong healthNotOk = new AtomicLong();
        AtomicLong healthUnanswered = new AtomicLong();

        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch done = new CountDownLatch(connections);
        Thread prober = Thread.ofPlatform().name("health-prober").start(() -> {
            HttpRequest readiness = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(30)).GET().build();
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                try {
                    int status = probe.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                        healthNotOk.incrementAndGet(); // 503: DOWN (its database probe unanswered in 500 ms), or refused
                    }
                    if (status != 200 && status != 503) {
                        healthUnanswered.incrementAndGet();
                    }
                } catch (IOException e) {
                    healthNotOk.incrementAndGet();
                    healthUnanswered.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
                healthNanos.add(System.nanoTime() - t0);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < connections; c++) {
                clients.submit(() -> {
                    long[] mine = new long[1 << 12];
                    int n = 0;
                    long[] refusals = new long[1 << 12];
                    int r = 0;
                    try {
                        while (System.nanoTime() < end) {
                            HttpRequest request = next();
                            long t0 = System.nanoTime();
                            try {
                                HttpResponse<Void> response = load.send(request, HttpResponse.BodyHandlers.discarding());
                                long took = System.nanoTime() - t0;
                                int status = response.statusCode();
                                byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
                                if (status == 503) {
                                    if (r == refusals.length) {
                                        refusals = Arrays.copyOf(refusals, r * 2);
                                    }
                                    refusals[r++] = took;
                                    // Readiness answering DOWN is an answer, not a refusal: it names no retry time.
                                    if (response.headers().firstValue("Retry-After").isEmpty()
                                            && !request.uri().getPath().startsWith("/actuator/health")) {
                                        unavailableWithoutRetryAfter.increment();
                                        if (sampled.incrementAndGet() <= 10) {
                                            samples.add("503 without Retry-After " + request.method() + " " + request.uri().getPath());
                                        }
                                    }
                                } else {
                                    if (n == mine.length) {
                                        mine = Arrays.copyOf(mine, n * 2);
                                    }
                                    mine[n++] = took;
                                }
                                if (status >= 500 && status != 503 && sampled.incrementAndGet() <= 10) {
                                    samples.add(status + " " + request.method() + " " + request.uri().getPath());
                                }
                            } catch (IOException e) {
                                transportFailures.increment();
                                if (sampled.incrementAndGet() <= 10) {
                                    samples.add((e instanceof HttpTimeoutException ? "timeout " : e.getClass().getSimpleName() + " ")
                                            + request.method() + " " + request.uri().getPath());
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        servedNanos.add(Arrays.copyOf(mine, n));
                        refusedNanos.add(Arrays.copyOf(refusals, r));
                        done.countDown();
                    }
                });
            }
            done.await();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        prober.join();
        load.close();
        probe.close();

        long[] served = servedNanos.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long[] refused = refusedNanos.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long[] health = healthNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<Integer, Long> statuses = new java.util.TreeMap<>();
        byStatus.forEach((status, count) -> statuses.put(status, count.sum()));
        long answers = statuses.values().stream().mapToLong(Long::longValue).sum();
        long unavailable = statuses.getOrDefault(503, 0L);
        long otherServerErrors = statuses.entrySet().stream().filter(e -> e.getKey() >= 500 && e.getKey() != 503)
                .mapToLong(Map.Entry::getValue).sum();
        return new Report(connections, seconds, answers, answers - unavailable, unavailable, unavailableWithoutRetryAfter.sum(),
                statuses, otherServerErrors, transportFailures.sum(), List.copyOf(samples), millis(served, 0.50), millis(served, 0.99),
                millis(served, 1.0), millis(refused, 0.50), millis(refused, 0.99), health.length, healthNotOk.get(), healthUnanswered.get(), millis(health, 0.99), millis(health, 1.0), maxOpenFiles());
    }

    /** The mix: reads 45 %, pages 15 %, writes 20 %, health 10 %, sign-ins 5 %, audit exports 5 %. */
    private HttpRequest next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Org org = orgs.get(random.nextInt(orgs.size()));
        String prefix = base + "/api/v1/orgs/" + org.id();
        int dice = random.nextInt(100);
        if (dice < 45) {
            return get(prefix + "/contacts/" + org.contactId(), org.bearer());
        } else if (dice < 60) {
            return get(prefix + "/contacts?limit=20", org.bearer());
        } else if (dice < 80) {
            return post(prefix + "/contacts", org.bearer(), "{\"name\":\"Written under load\",\"notes\":\"" + random.nextLong() + "\"}");
        } else if (dice < 90) {
            return HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).timeout(Duration.ofSeconds(60)).GET().build();
        } else if (dice < 95) {
            return post(base + "/api/v1/auth/login", null, "{\"email\":\"" + org.email() + "\",\"password\":\"" + org.password() + "\"}");
        }
        return get(prefix + "/audit/export", org.bearer());
    }

    private static double millis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[index] / 1e6;
    }

    private static HttpRequest get(String url, String bearer) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("Authorization", bearer).GET().build();
    }

    private static HttpRequest post(String url, String bearer, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", bearer);
        }
        return b.build();
    }

    private static String expect(HttpClient client, HttpRequest request, int status) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String field(String json, String name) {
        return json.replaceAll("(?s).*?\"" + name + "\":\"([^\"]+)\".*", "$1");
    }
}
