package dev.bulwark.bench;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.bench.BenchHttp.Owner;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static dev.bulwark.bench.BenchHttp.owner;
import static dev.bulwark.bench.BenchHttp.post;
import static dev.bulwark.bench.BenchHttp.send;

/**
 * The AI gateway's own cost (docs/ai-gateway.md), on the real application (embedded PostgreSQL, durable commits)
 * against a stub provider on loopback that answers at once: {@code provenance.overheadMs} of each call (the gateway's
 * time minus the time spent in {@code Egress.send}), for 8 KiB prompts holding names and addresses of the
 * organisation's 100 contacts, one call at a time after a warm-up. Also the call as the client sees it, and the stub's
 * own handling time, for scale. Target: overhead p50 ≤ 0.5 ms, p99 ≤ 5 ms.
 * Options ({@code -Dbench.options="calls"}): measured calls, default 2,000 (after 500 of warm-up).
 */
public final class AiGatewayLoad {

    public static void main(String[] args) throws Exception {
        String options = System.getProperty("bench.options", "").strip();
        int calls = options.isEmpty() ? 2_000 : Integer.parseInt(options.split("\\s+")[0]);
        ObjectMapper json = JsonMapper.builder().build();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        AtomicLong stubNanos = new AtomicLong();
        byte[] answer = json.writeValueAsBytes(java.util.Map.of("id", "bench", "object", "chat.completion",
                "choices", List.of(java.util.Map.of("index", 0, "finish_reason", "stop", "message", java.util.Map.of("role", "assistant",
                        "content", "Done. I wrote to [NAME_1] at [EMAIL_1] and noted [PHONE_1]; " + "the summary follows. ".repeat(10)))),
                "usage", java.util.Map.of("prompt_tokens", 2100, "completion_tokens", 60)));
        HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        stub.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        stub.createContext("/v1/chat/completions", exchange -> {
            long start = System.nanoTime();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
            stubNanos.set(System.nanoTime() - start);
        });
        stub.start();
        try (ConfigurableApplicationContext context = BenchHttp.start("aigateway",
                "--bulwark.egress.allow=127.0.0.1:" + port,
                "--bulwark.ai.providers.bench.kind=openai",
                "--bulwark.ai.providers.bench.base-url=http://127.0.0.1:" + port + "/v1",
                "--bulwark.ai.providers.bench.region=eu",
                "--bulwark.ai.providers.bench.models=bench-model",
                "--bulwark.ai.providers.bench.api-key=bench-platform-key-0000",
                "--bulwark.ai.providers.bench.price-input-per-mtok=1",
                "--bulwark.ai.providers.bench.price-output-per-mtok=4",
                "--bulwark.rate-limits.user-per-minute=1000000",
                "--bulwark.rate-limits.organisation-per-minute=1000000")) {
            String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Owner owner = owner(client, base);
            String org = base + "/api/v1/orgs/" + owner.org();
            send(client, HttpRequest.newBuilder(java.net.URI.create(org + "/ai/policy")).header("Authorization", owner.bearer())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true,\"providers\":[\"bench\"],\"regions\":[]}")).build(), 200);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String name = "Person" + (char) ('A' + i % 26) + " Surname" + i;
                names.add(name);
                send(client, post(org + "/contacts", owner.bearer(), json.writeValueAsString(java.util.Map.of("name", name,
                        "email", "person" + i + "@example.com"))), 201);
            }
            String request = json.writeValueAsString(java.util.Map.of("provider", "bench", "model", "bench-model", "purpose", "bench",
                    "messages", List.of(java.util.Map.of("role", "system", "content", "You write short, plain replies."),
                            java.util.Map.of("role", "user", "content", prompt(names, 8 * 1024)))));
            HttpRequest call = post(org + "/ai/completions", owner.bearer(), request);
            for (int i = 0; i < 500; i++) {
                send(client, call, 200);
            }
            double[] overhead = new double[calls];
            double[] total = new double[calls];
            double[] stubMs = new double[calls];
            for (int i = 0; i < calls; i++) {
                long start = System.nanoTime();
                JsonNode done = json.readTree(send(client, call, 200));
                total[i] = (System.nanoTime() - start) / 1e6;
                stubMs[i] = stubNanos.get() / 1e6;
                overhead[i] = done.get("provenance").get("overheadMs").asDouble();
            }
            // The sanitiser alone on the same prompt, in process: the part of the overhead that is not the database.
            dev.bulwark.ai.sanitiser.Sanitiser sanitiser = context.getBean(dev.bulwark.ai.sanitiser.Sanitiser.class);
            dev.bulwark.ai.sanitiser.KnownPeople people = dev.bulwark.ai.sanitiser.KnownPeople.of(names,
                    java.util.stream.IntStream.range(0, 100).mapToObj(i -> "person" + i + "@example.com").toList());
            String text = prompt(names, 8 * 1024);
            double[] sanitising = new double[calls];
            for (int i = -500; i < calls; i++) {
                long start = System.nanoTime();
                sanitiser.begin(people, null).sanitise(text);
                if (i >= 0) {
                    sanitising[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            System.out.printf(Locale.ROOT, "%n%d cores, %,d calls one at a time, prompt %,d bytes, 100 contacts%n%n",
                    Runtime.getRuntime().availableProcessors(), calls, request.getBytes(StandardCharsets.UTF_8).length);
            System.out.printf(Locale.ROOT, "| ms | p50 | p90 | p99 | max |%n|---|---:|---:|---:|---:|%n");
            row("gateway overhead (provenance.overheadMs)", overhead);
            row("the call as the client sees it", total);
            row("the stub's own handling", stubMs);
            row("sanitising the 8 KiB prompt alone, in process", sanitising);
            System.out.printf(Locale.ROOT, "%nload average at the end: %s%n",
                    java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
        } finally {
            stub.stop(0);
        }
    }

    /** About {@code bytes} of prose naming contacts, their addresses and a phone number now and then. */
    private static String prompt(List<String> names, int bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < bytes; i++) {
            text.append("Meeting note ").append(i).append(": ").append(names.get(i % names.size()))
                    .append(" asked about the renewal; reply to person").append(i % names.size())
                    .append("@example.com before Friday. ");
            if (i % 7 == 0) {
                text.append("Their desk is +44 20 7946 0").append(100 + i % 900).append(". ");
            }
            text.append("The quarterly figures were reviewed and the next steps agreed with the team. ");
        }
        return text.substring(0, bytes);
    }

    private static void row(String what, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f |%n", what, at(sorted, 0.5), at(sorted, 0.9), at(sorted, 0.99),
                sorted[sorted.length - 1]);
    }

    private static double at(double[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private AiGatewayLoad() {
    }
}
