package dev.bulwark.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.bulwark.ai.sanitiser.KnownPeople;
import dev.bulwark.ai.sanitiser.Sanitiser;
import dev.bulwark.ai.sanitiser.SanitiserProperties;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What the AI sanitiser costs on an 8 KiB prompt (docs/ai-sanitiser.md, docs/benchmarks.md): mixed, realistic text
 * (log lines, prose, JSON, code, a Markdown table) with six findings (a key, a card, an IBAN, an address, an
 * international phone number, a contact's name), scanned with 200 contacts and a default country (so the national
 * phone path runs too). One thread: the figures are per core.
 *
 * <ul>
 *   <li>{@code sanitise}: {@code begin(people, "GB").sanitise(prompt)}, the gateway's call.</li>
 *   <li>{@code baselineIndexOf}: one {@code String.indexOf} scan of the whole prompt for a string it does not hold.</li>
 *   <li>{@code baselineCopy}: copying the prompt ({@code toCharArray} and a new String).</li>
 * </ul>
 * The harness refuses to run if the prompt does not come out with exactly its six placeholders.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SanitiserCost {

    static final int SIZE = 8 * 1024;

    private String prompt;
    private Sanitiser sanitiser;
    private KnownPeople people;

    @Setup
    public void setUp() {
        prompt = prompt();
        people = contacts();
        sanitiser = new Sanitiser(new SanitiserProperties(Duration.ofSeconds(5)));
        String out = sanitiser.begin(people, "GB").sanitise(prompt);
        for (String placeholder : List.of("[SECRET]", "[CARD_1]", "[IBAN_1]", "[EMAIL_1]", "[PHONE_1]", "[NAME_1]")) {
            if (!out.contains(placeholder)) {
                throw new IllegalStateException("the prompt must come out with " + placeholder);
            }
        }
        if (out.split("\\[(SECRET|CARD|IBAN|EMAIL|PHONE|NAME)").length != 7) {
            throw new IllegalStateException("the prompt must hold exactly six findings");
        }
    }

    @Benchmark
    public String sanitise() {
        return sanitiser.begin(people, "GB").sanitise(prompt);
    }

    @Benchmark
    public int baselineIndexOf() {
        return prompt.indexOf("-----BEGIN ENCRYPTED");
    }

    @Benchmark
    public String baselineCopy() {
        return new String(prompt.toCharArray());
    }

    static KnownPeople contacts() {
        String[] first = {"Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Margaret", "Radia", "Frances",
            "Leslie", "Hedy", "Sophie", "Annie", "Dennis", "Ken", "Niklaus", "Joan", "Karen", "Whitfield"};
        String[] last = {"Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Perlman",
            "Allen"};
        List<String> names = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        for (String f : first) {
            for (String l : last) {
                names.add(f + " " + l);
                emails.add(f.toLowerCase(Locale.ROOT) + "." + l.toLowerCase(Locale.ROOT) + "@partners.example.org");
            }
        }
        return KnownPeople.of(names, emails);
    }

    /** 8 KiB of ordinary text, seeded, with the six findings spread through it. */
    static String prompt() {
        String[] lines = {
            "2025-03-14T09:26:53.120Z INFO  [http-nio-8080-exec-4] c.e.OrderService - order 88231 shipped to warehouse 12, took 35 ms\n",
            "The quarterly report shows revenue grew by 12.5% compared with last year; the team plans to hire three engineers.\n",
            "{\"id\": \"550e8400-e29b-41d4-a716-446655440000\", \"status\": \"active\", \"count\": 42, \"version\": \"1.4.2\"}\n",
            "    public List<Order> findOrders(String customerId, int limit) { return repository.find(customerId, limit); }\n",
            "| SKU-12345 | Widget, blue | 3 | 19.99 EUR | 2025-03-01 |\n",
            "commit 3f786850e387550fdab836ed7e6dc881de23001b Author: build bot, Date: Mon Jan 15 10:30:00 2024 +0100\n",
            "Could you summarise the incident below and suggest what we should change in the retry policy?\n",
            "\tat com.example.billing.InvoiceJob.run(InvoiceJob.java:214) ~[billing-2.3.1.jar:2.3.1]\n",
            "WARN 2025-03-14 09:26:54,002 [scheduler-1] Cache: evicted 1204 entries from region 'sessions' (ttl 900 s)\n",
        };
        String[] findings = {
            "Our Stripe key in staging is sk_live_4eC39HqLyjWDarjtT1zdp7dc, rotate it after the test.\n",
            "The customer paid with 4111 1111 1111 1111 and asked for a refund to DE89 3704 0044 0532 0130 00.\n",
            "Please reply to customer.care@example.co.uk or call +44 20 7946 0958 before Friday.\n",
            "Grace Hopper approved the change yesterday.\n",
        };
        Random r = new Random(21);
        StringBuilder b = new StringBuilder(SIZE + 256);
        int next = 0;
        while (b.length() < SIZE - 200) {
            if (next < findings.length && b.length() > (next + 1) * SIZE / (findings.length + 1)) {
                b.append(findings[next++]);
            } else {
                b.append(lines[r.nextInt(lines.length)]);
            }
        }
        while (b.length() < SIZE) {
            b.append(' ');
        }
        return b.substring(0, SIZE);
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(SanitiserCost.class.getName() + "." + System.getProperty("bench.only", ".*"))
                .forks(1)
                .warmupIterations(Integer.getInteger("bench.warmups", 2)).warmupTime(TimeValue.seconds(3))
                .measurementIterations(Integer.getInteger("bench.iterations", 3)).measurementTime(TimeValue.seconds(5))
                .build();
        report(new Runner(options).run());
    }

    private static void report(Collection<RunResult> results) {
        int bytes = prompt().getBytes(StandardCharsets.UTF_8).length;
        Map<String, double[]> byName = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            var stats = r.getPrimaryResult().getStatistics();
            byName.put(name, new double[] {stats.getPercentile(50), stats.getPercentile(95), stats.getPercentile(99),
                stats.getMean(), stats.getN()});
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Prompt: %,d bytes%n", bytes);
        System.out.println("| benchmark | p50 µs | p95 µs | p99 µs | mean µs | MB/s per core (at p50) | samples |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        byName.forEach((name, v) -> System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %,.0f | %,d |%n",
                name, v[0], v[1], v[2], v[3], v[0] == 0 ? 0 : bytes / v[0], (long) v[4]));
        double[] s = byName.get("sanitise");
        for (String baseline : List.of("baselineIndexOf", "baselineCopy")) {
            double[] b = byName.get(baseline);
            if (s != null && b != null && b[0] > 0) {
                System.out.printf(Locale.ROOT, "sanitise / %s: p50 ratio %.1f%n", baseline, s[0] / b[0]);
            }
        }
    }
}
