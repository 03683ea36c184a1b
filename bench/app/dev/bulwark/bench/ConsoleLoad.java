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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.bulwark.bench.BenchHttp.field;
import static dev.bulwark.bench.BenchHttp.post;
import static dev.bulwark.bench.BenchHttp.send;

/**
 * Issue 26's figure: the server time of the console's organisation page (members, invitations, policy) and its API-key
 * page for an organisation of 1,000 members and 200 API keys, on the real application (durable commits), through a
 * cookie session as a browser has it. Everything is seeded through the API (invitations, signups by invitation, key
 * creation). Each page, and each API read the page makes, is fetched {@code samples} times, interleaved, after as many
 * warm-up rounds, one at a time, over loopback: the time measured is the server's plus a loopback round trip. Target: p50 ≤ 20 ms.
 * Options ({@code -Dbench.options="members keys samples"}): default 1000 200 300.
 */
public final class ConsoleLoad {

    private static final String PASSWORD = "violet-orbit-canyon-42-lantern";

    public static void main(String[] args) throws Exception {
        String[] options = System.getProperty("bench.options", "1000 200 300").strip().split("\\s+");
        int members = Integer.parseInt(options[0]);
        int keys = Integer.parseInt(options[1]);
        int samples = Integer.parseInt(options[2]);
        // Seeding sends a thousand invitations a minute as one owner: past the default per-person and per-organisation
        // budgets, which are not what this measures.
        try (ConfigurableApplicationContext context = BenchHttp.start("consoleload", "--bulwark.rate-limits.user-per-minute=1000000",
                "--bulwark.rate-limits.organisation-per-minute=1000000")) {
            Path mail = Path.of(context.getEnvironment().getRequiredProperty("bulwark.mail.dir"));
            String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String email = "console-owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String org = field(send(client, post(base + "/api/v1/signup", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
                    + "\",\"name\":\"Owner\",\"organisationName\":\"Console Bench\"}"), 201), "organisationId");
            String bearer = "Bearer " + field(send(client, post(base + "/api/v1/auth/login", null, "{\"email\":\"" + email
                    + "\",\"password\":\"" + PASSWORD + "\"}"), 200), "accessToken");

            // 1,000 members: invited, then signed up by their mailed invitation, four at a time.
            List<String> invited = new ArrayList<>();
            for (int i = 0; i < members - 1; i++) {
                String address = "m" + i + "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
                send(client, post(base + "/api/v1/orgs/" + org + "/invitations", bearer, "{\"email\":\"" + address + "\",\"role\":\"MEMBER\"}"), 201);
                invited.add(address);
            }
            Map<String, String> tokens = invitationTokens(mail, invited.size());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<String>> signups = new ArrayList<>();
            for (String address : invited) {
                signups.add(pool.submit(() -> send(client, post(base + "/api/v1/signup", null, "{\"email\":\"" + address + "\",\"password\":\""
                        + PASSWORD + "\",\"name\":\"Member\",\"invitationToken\":\"" + tokens.get(address) + "\"}"), 201)));
            }
            for (Future<String> signup : signups) {
                signup.get();
            }
            pool.shutdown();
            for (int i = 0; i < keys; i++) {
                send(client, post(base + "/api/v1/orgs/" + org + "/api-keys", bearer, "{\"name\":\"key " + i + "\",\"role\":\"VIEWER\"}"), 201);
            }

            // The browser's session: cookies from a cookie sign-in.
            HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login?session=cookie"))
                    .header("Content-Type", "application/json").header("Origin", base)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookies = String.join("; ", signIn.headers().allValues("Set-Cookie").stream()
                    .map(c -> c.substring(0, c.indexOf(';'))).filter(c -> !c.startsWith("__Secure-bulwark-refresh")).toList());

            System.out.printf(Locale.ROOT, "%n%d cores; %,d members, %,d API keys, %d samples a page%n%n| page | p50 ms | p95 ms | p99 ms | bytes |%n|---|---:|---:|---:|---:|%n",
                    Runtime.getRuntime().availableProcessors(), members, keys, samples);
            // Each page and (the baseline, measured in the same run) the API reads it makes, fetched by the client
            // over HTTP one after another with the same session: what the page costs beyond its data is the rest.
            // The fetches are interleaved — page, its reads, the next page, its reads, … — so that each figure sees the
            // same machine, after a warm-up of the same shape.
            String api = "/api/v1/orgs/" + org;
            Map<String, List<String>> pages = new java.util.LinkedHashMap<>();
            pages.put("/console/orgs/" + org, List.of("/api/v1/me", api + "/members", api + "/security-policy", api + "/invitations"));
            pages.put("/console/orgs/" + org + "/api-keys", List.of("/api/v1/me", api + "/api-keys"));
            Map<String, long[]> times = new java.util.LinkedHashMap<>();
            Map<String, Integer> bytes = new HashMap<>();
            Map<String, long[]> sums = new HashMap<>();
            for (var page : pages.entrySet()) {
                times.put(page.getKey(), new long[samples]);
                sums.put(page.getKey(), new long[samples]);
                for (String read : page.getValue()) {
                    times.put(page.getKey() + " " + read, new long[samples]);
                }
            }
            for (int i = -samples; i < samples; i++) {
                for (var page : pages.entrySet()) {
                    long took = fetch(client, base + page.getKey(), cookies, bytes, page.getKey());
                    if (i >= 0) {
                        times.get(page.getKey())[i] = took;
                    }
                    for (String read : page.getValue()) {
                        long apiTook = fetch(client, base + read, cookies, bytes, page.getKey() + " " + read);
                        if (i >= 0) {
                            times.get(page.getKey() + " " + read)[i] = apiTook;
                            sums.get(page.getKey())[i] += apiTook;
                        }
                    }
                }
            }
            for (var page : pages.entrySet()) {
                System.out.println(row(page.getKey(), times.get(page.getKey()), bytes.get(page.getKey()), org));
                for (String read : page.getValue()) {
                    String key = page.getKey() + " " + read;
                    System.out.println(row("(API) " + read, times.get(key), bytes.get(key), org));
                }
                System.out.println(row("(the page's API reads, summed)", sums.get(page.getKey()), null, org));
            }
            for (var page : pages.entrySet()) {
                long[] sorted = times.get(page.getKey()).clone();
                long[] sum = sums.get(page.getKey()).clone();
                Arrays.sort(sorted);
                Arrays.sort(sum);
                System.out.printf(Locale.ROOT, "%s: page p50 / its API reads' p50 = %.2f%n", page.getKey().replace(org, "{orgId}"),
                        (double) sorted[samples / 2] / sum[samples / 2]);
            }
        }
    }

    private static long fetch(HttpClient client, String url, String cookies, Map<String, Integer> bytes, String key) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookies).build(),
                HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - start;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + answer.statusCode());
        }
        bytes.put(key, answer.body().length());
        return took;
    }

    /** One table row: the median, 95th and 99th percentiles of {@code times} (sorted here), in milliseconds. */
    private static String row(String label, long[] times, Integer bytes, String org) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s |", label.replace(org, "{orgId}"), sorted[n / 2] / 1e6,
                sorted[n * 95 / 100] / 1e6, sorted[n * 99 / 100] / 1e6, bytes == null ? "" : String.format(Locale.ROOT, "%,d", bytes));
    }

    /** Each invited address's token, from the mails the outbox wrote (waiting for all of them). */
    private static Map<String, String> invitationTokens(Path mail, int expected) throws Exception {
        Pattern to = Pattern.compile("^To: (\\S+)\\r?$", Pattern.MULTILINE);
        Pattern token = Pattern.compile("(bwi_[0-9A-Za-z]+)");
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            Map<String, String> tokens = new HashMap<>();
            try (var files = Files.list(mail)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
                    String text = Files.readString(file).replace("=\r\n", "").replace("=3D", "=");
                    Matcher m = to.matcher(text);
                    Matcher t = token.matcher(text);
                    if (m.find() && t.find()) {
                        tokens.put(m.group(1), t.group(1));
                    }
                }
            }
            if (tokens.size() >= expected) {
                return tokens;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + tokens.size() + " of " + expected + " invitations mailed");
            }
            Thread.sleep(200);
        }
    }

    private ConsoleLoad() {
    }
}
