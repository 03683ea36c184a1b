package dev.bulwark.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;

/**
 * How long the server itself took over a stretch of time, read from its own {@code http.server.requests} timers (from
 * the first filter until the answer is written; docs/benchmarks.md, "Overload"): the share of served answers (every
 * status but 503) and of readiness answers within a bound, which must be one of the timers' SLO buckets
 * ({@code management.metrics.distribution.slo.http.server.requests}, in application.yml).
 * <p>Why beside the driver's own figures: on a shared 2-core machine the driver's 1,000 clients and the server take turns
 * on the same cores, and a client's time then includes its own wait for a core and for its HTTP client's one selector
 * thread. The driver's 503s show that wait: the server answers them within milliseconds, and the clients see them about
 * as late as the served answers.
 */
public final class ServerTimes {

    /** Counts at one moment, per timer: all answers and those within the bound. */
    private record Counts(long all, long within) {
    }

    /** One timer: its status and uri tags, the route (method and uri) and all its tags. */
    private record Key(String status, String uri, String route, String rest) {
    }

    /** What the server took between two moments. */
    public record Share(long served, long servedWithin, long readiness, long readinessWithin, Duration bound,
                        Map<String, Long> beyondByRoute) {

        public double servedShare() {
            return served == 0 ? 1 : (double) servedWithin / served;
        }

        public double readinessShare() {
            return readiness == 0 ? 1 : (double) readinessWithin / readiness;
        }

        public String summary() {
            return String.format(Locale.ROOT, "at the server: served %d, %.2f %% within %d ms; readiness %d, %.2f %% within %d ms;"
                    + " beyond it, by route and status: %s", served, 100 * servedShare(), bound.toMillis(), readiness,
                    100 * readinessShare(), bound.toMillis(), beyondByRoute);
        }
    }

    private final Supplier<Map<Key, Counts>> source;
    private final Duration bound;
    private final Map<Key, Counts> start;

    private ServerTimes(Supplier<Map<Key, Counts>> source, Duration bound) {
        this.source = source;
        this.bound = bound;
        this.start = source.get();
    }

    /** Starts counting now, from the server's registry (the server runs in this JVM). */
    public static ServerTimes start(MeterRegistry registry, Duration bound) {
        return new ServerTimes(() -> counts(registry, bound), bound);
    }

    /** Starts counting now, from a running server's {@code /actuator/prometheus}, read with its metrics token. */
    public static ServerTimes start(String base, String metricsToken, Duration bound) {
        return new ServerTimes(() -> scraped(base, metricsToken, bound), bound);
    }

    /** What the server took since {@link #start}. */
    public Share since() {
        long served = 0;
        long servedWithin = 0;
        long readiness = 0;
        long readinessWithin = 0;
        Map<String, Long> beyond = new TreeMap<>();
        for (Map.Entry<Key, Counts> now : source.get().entrySet()) {
            Counts before = start.getOrDefault(now.getKey(), new Counts(0, 0));
            long all = now.getValue().all() - before.all();
            long within = now.getValue().within() - before.within();
            String status = now.getKey().status();
            String uri = now.getKey().uri();
            if (uri.startsWith("/actuator/health")) {
                readiness += all;
                readinessWithin += within;
            } else if (!"503".equals(status)) {
                served += all;
                servedWithin += within;
            }
            if (all > within) {
                beyond.merge(now.getKey().route() + " " + status, all - within, Long::sum);
            }
        }
        return new Share(served, servedWithin, readiness, readinessWithin, bound, beyond);
    }

    private static Map<Key, Counts> counts(MeterRegistry registry, Duration bound) {
        long boundNanos = bound.toNanos();
        Map<Key, Counts> counts = new HashMap<>();
        for (Timer timer : registry.find("http.server.requests").timers()) {
            long within = -1;
            for (CountAtBucket bucket : timer.takeSnapshot().histogramCounts()) {
                if (Math.round(bucket.bucket(TimeUnit.NANOSECONDS)) == boundNanos) {
                    within = (long) bucket.count();
                }
            }
            if (within < 0) {
                throw new IllegalStateException("http.server.requests has no SLO bucket at " + bound
                        + " (management.metrics.distribution.slo.http.server.requests)");
            }
            Meter.Id id = timer.getId();
            counts.put(new Key(id.getTag("status"), String.valueOf(id.getTag("uri")), id.getTag("method") + " " + id.getTag("uri"),
                    id.getTags().toString()),
                    new Counts(timer.count(), within));
        }
        return counts;
    }

    private static final Pattern SAMPLE = Pattern.compile("http_server_requests_seconds_(bucket|count)\\{(.*)} ([0-9.eE+]+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** The same counts from the Prometheus text of a running server. */
    private static Map<Key, Counts> scraped(String base, String metricsToken, Duration bound) {
        String text;
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                    .header("Authorization", "Bearer " + metricsToken).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/actuator/prometheus answered " + response.statusCode());
            }
            text = response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        double boundSeconds = bound.toNanos() / 1e9;
        Map<Key, long[]> raw = new HashMap<>();
        text.lines().forEach(line -> {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                return;
            }
            Map<String, String> labels = new TreeMap<>();
            Matcher label = LABEL.matcher(sample.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            String le = labels.remove("le");
            long[] counts = raw.computeIfAbsent(new Key(labels.get("status"), String.valueOf(labels.get("uri")),
                            labels.get("method") + " " + labels.get("uri"), labels.toString()),
                    k -> new long[] {0, -1});
            long value = (long) Double.parseDouble(sample.group(3));
            if (sample.group(1).equals("count")) {
                counts[0] = value;
            } else if (!le.equals("+Inf") && Double.parseDouble(le) == boundSeconds) {
                counts[1] = value;
            }
        });
        Map<Key, Counts> counts = new HashMap<>();
        raw.forEach((key, c) -> {
            if (c[1] < 0) {
                throw new IllegalStateException("http_server_requests has no bucket at " + bound);
            }
            counts.put(key, new Counts(c[0], c[1]));
        });
        return counts;
    }
}
