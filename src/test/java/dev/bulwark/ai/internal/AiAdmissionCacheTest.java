package dev.bulwark.ai.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI gateway's admission served from memory (docs/ai-gateway.md#admission), through real HTTP against a provider
 * stub on loopback and the real PostgreSQL: a cached admission is really reused, and every change (AI switched off, a
 * provider taken off the allow-list, the organisation's key removed) takes effect on the next call — on this instance,
 * on a second instance sharing the database, and when the change is made in the database directly. Without its
 * listener the cache is emptied and bypassed, and a load that overlapped an invalidation is never kept.
 */
class AiAdmissionCacheTest extends IntegrationTest {

    /** stub-openai's port in the test configuration (docs/ai-gateway.md; 27808-27810 are the gateway tests'). */
    private static final int STUB_PORT = 27808;
    private static final String PLATFORM_KEY = "platform-openai-key-0001";

    private static HttpServer stub;
    /** The Authorization header of each request the stub received. */
    private static final List<String> authorizations = new CopyOnWriteArrayList<>();

    @Autowired
    AdmissionCache cache;

    @Autowired
    AiPolicies policies;

    private Tenant tenant;

    @BeforeAll
    static void startStub() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15); // another test class may still hold the port
        while (stub == null) {
            try {
                stub = HttpServer.create(new InetSocketAddress("127.0.0.1", STUB_PORT), 0);
            } catch (BindException busy) {
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                Thread.sleep(500);
            }
        }
        stub.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] answer = """
                    {"id":"chatcmpl-stub","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",
                    "content":"fine"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}
                    """.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        stub.start();
    }

    @AfterAll
    static void stopStub() {
        stub.stop(0);
    }

    @BeforeEach
    void freshOrganisation() throws InterruptedException {
        tenant = newTenant();
        awaitListening(cache);
    }

    @Test
    void aCachedAdmissionIsReusedAndEveryChangeTakesEffectOnTheNextCall() throws InterruptedException {
        allow(List.of("stub-openai"));
        awaitServedFromMemory(cache, port);

        // Off the allow-list: refused at once.
        allow(List.of("stub-anthropic"));
        assertProblem(completeOn(port, tenant.owner()), 403, "ai-provider-not-allowed");
        allow(List.of("stub-openai"));
        assertThat(completeOn(port, tenant.owner()).statusCode()).isEqualTo(200);
        assertThat(completeOn(port, tenant.owner()).statusCode()).isEqualTo(200);

        // The organisation's own key replaces the platform's on the next call; removed, the platform's is back.
        String own = "sk-own-" + UUID.randomUUID().toString().replace("-", "");
        String keyPath = ai(tenant.id()) + "/providers/stub-openai/key";
        assertThat(call("PUT", keyPath, tenant.owner(), json.writeValueAsString(Map.of("apiKey", own))).statusCode()).isEqualTo(200);
        assertThat(completeOn(port, tenant.owner()).statusCode()).isEqualTo(200);
        assertThat(authorizations.getLast()).isEqualTo("Bearer " + own);
        assertThat(completeOn(port, tenant.owner()).statusCode()).isEqualTo(200);
        assertThat(authorizations.getLast()).isEqualTo("Bearer " + own);
        assertThat(call("DELETE", keyPath, tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(completeOn(port, tenant.owner()).statusCode()).isEqualTo(200);
        assertThat(authorizations.getLast()).isEqualTo("Bearer " + PLATFORM_KEY);

        // Switched off: refused on the very next call.
        setPolicy(false, List.of("stub-openai"));
        assertProblem(completeOn(port, tenant.owner()), 403, "ai-disabled");
    }

    @Test
    void aChangeMadeOnAnotherInstanceReachesThisOne(@TempDir Path dir) throws Exception {
        allow(List.of("stub-openai"));
        try (ConfigurableApplicationContext other = new SpringApplicationBuilder(BulwarkApplication.class).run(
                "--server.port=0", "--bulwark.database.embedded.data-dir=" + DATA_DIR,
                "--bulwark.database.embedded.durable=false", "--bulwark.auth.key-dir=" + DATA_DIR.resolve("keys"),
                "--bulwark.keys.dir=" + DATA_DIR.resolve("keys"), "--bulwark.audit.key-dir=" + DATA_DIR.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + DATA_DIR.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"))) {
            int otherPort = Integer.parseInt(other.getEnvironment().getRequiredProperty("local.server.port"));
            AdmissionCache otherCache = other.getBean(AdmissionCache.class);
            awaitListening(otherCache);
            awaitServedFromMemory(otherCache, otherPort);

            // Switched off here: the other instance refuses once the notification arrives (typically milliseconds;
            // the bound is generous for a saturated machine and well under the entries' 60 s lifetime).
            setPolicy(false, List.of("stub-openai"));
            assertProblem(completeOn(port, tenant.owner()), 403, "ai-disabled");
            assertThat(awaitStatusOn(otherPort, 403)).as("refused on the other instance within 30 s").isEqualTo(403);
            assertProblem(completeOn(otherPort, tenant.owner()), 403, "ai-disabled");

            // And back on, then off the allow-list, the other way round: changed there, seen here.
            allow(List.of("stub-openai"));
            assertThat(awaitStatusOn(otherPort, 200)).isEqualTo(200);
            awaitServedFromMemory(cache, port);
            HttpResponse<String> changed = send(HttpRequest.newBuilder(URI.create("http://localhost:" + otherPort + ai(tenant.id()) + "/policy"))
                    .headers(tenant.owner().auth()).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("enabled", true,
                            "providers", List.of("stub-anthropic"), "regions", List.of())))).build());
            assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
            assertThat(awaitStatusOn(port, 403)).isEqualTo(403);
            assertProblem(completeOn(port, tenant.owner()), 403, "ai-provider-not-allowed");
        }
    }

    @Test
    void aChangeMadeInTheDatabaseItselfIsHeardThroughItsTriggers() throws Exception {
        allow(List.of("stub-openai"));
        awaitServedFromMemory(cache, port);
        // As the purge of a deleted organisation does: its policy row deleted, not through AiPolicies.
        asPostgres("DELETE FROM bulwark.ai_policies WHERE tenant_id = ?", tenant.id());
        assertThat(awaitStatusOn(port, 403)).isEqualTo(403);
        assertProblem(completeOn(port, tenant.owner()), 403, "ai-disabled");
    }

    @Test
    void withoutItsListenerTheCacheIsEmptiedAndBypassed() throws Exception {
        allow(List.of("stub-openai"));
        awaitServedFromMemory(cache, port);
        // A change that publishes nothing (triggers off for this session): memory still holds the old admission,
        // which shows the cache is real, and why it must not be trusted once notifications can be missed.
        asPostgresWithoutTriggers("UPDATE bulwark.ai_policies SET enabled = false WHERE tenant_id = ?", tenant.id());
        long hits = cache.hits();
        assertThat(completeOn(port, tenant.owner()).statusCode()).isEqualTo(200);
        assertThat(cache.hits()).isGreaterThan(hits);

        // The listener's connection is killed: once the loss is seen, the very next call reads the database.
        long losses = cache.losses();
        try (Connection c = connectAs("postgres"); Statement s = c.createStatement();
             ResultSet killed = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE application_name = '" + AdmissionCache.APPLICATION + "'")) {
            assertThat(killed.next()).isTrue();
            assertThat(killed.getLong(1)).isPositive();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cache.losses() == losses && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cache.losses()).as("the loss was seen").isGreaterThan(losses);
        assertProblem(completeOn(port, tenant.owner()), 403, "ai-disabled");

        // Listening again (emptied on reconnecting): still refused, and changes are heard again.
        awaitListening(cache);
        assertProblem(completeOn(port, tenant.owner()), 403, "ai-disabled");
        allow(List.of("stub-openai"));
        assertThat(completeOn(port, tenant.owner()).statusCode()).isEqualTo(200);
    }

    @Test
    void aLoadThatOverlapsAnInvalidationIsNotKept() {
        UUID org = tenant.id();
        AtomicInteger loads = new AtomicInteger();
        AiPolicies.Admission stale = new AiPolicies.Admission(new AiPolicies.Policy(true, List.of("stub-openai"), List.of(), null, null),
                null, null);
        // The row is read, then a change commits and its notification is handled, then the read returns.
        AiPolicies.Admission loaded = cache.get(org, "stub-openai", () -> {
            loads.incrementAndGet();
            cache.invalidate(org);
            return stale;
        });
        assertThat(loaded).isSameAs(stale);
        AiPolicies.Admission fresh = cache.get(org, "stub-openai", () -> {
            loads.incrementAndGet();
            return policies.readAdmission(org, "stub-openai");
        });
        assertThat(loads).as("the stale row was not kept: read again").hasValue(2);
        assertThat(fresh.policy().enabled()).isFalse();
        // A load that overlapped nothing is kept.
        assertThat(cache.get(org, "stub-openai", () -> {
            loads.incrementAndGet();
            return stale;
        })).isSameAs(fresh);
        assertThat(loads).hasValue(2);
    }

    // ---- helpers ----

    private static String ai(UUID org) {
        return "/api/v1/orgs/" + org + "/ai";
    }

    private void allow(List<String> providers) {
        setPolicy(true, providers);
    }

    private void setPolicy(boolean enabled, List<String> providers) {
        HttpResponse<String> set = call("PUT", ai(tenant.id()) + "/policy", tenant.owner(),
                json.writeValueAsString(Map.of("enabled", enabled, "providers", providers, "regions", List.of())));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    }

    private HttpResponse<String> completeOn(int instancePort, Person as) {
        String body = json.writeValueAsString(Map.of("provider", "stub-openai", "model", "stub-chat", "purpose", "admission test",
                "messages", List.of(Map.of("role", "user", "content", "hello"))));
        try {
            return http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + instancePort + ai(tenant.id()) + "/completions"))
                    .headers(as.auth()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Calls on {@code instancePort} until one is admitted from memory. Usually the second call; a load is not kept
     * when any organisation's admission was invalidated meanwhile, hence the loop (up to 30 s).
     */
    private void awaitServedFromMemory(AdmissionCache on, int instancePort) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long hits = on.hits();
        do {
            assertThat(completeOn(instancePort, tenant.owner()).statusCode()).isEqualTo(200);
        } while (on.hits() == hits && System.nanoTime() < deadline);
        assertThat(on.hits()).as("an admission served from memory").isGreaterThan(hits);
    }

    /** Calls on {@code instancePort} until one answers {@code status}, for up to 30 s; the last status. */
    private int awaitStatusOn(int instancePort, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int last = completeOn(instancePort, tenant.owner()).statusCode();
        while (last != status && System.nanoTime() < deadline) {
            Thread.sleep(20);
            last = completeOn(instancePort, tenant.owner()).statusCode();
        }
        return last;
    }

    private void assertProblem(HttpResponse<String> response, int status, String slug) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json.readTree(response.body()).path("type").asString()).isEqualTo("https://bulwark.dev/problems/" + slug);
    }

    /** The listener connects within about a second of a start or a loss; up to 60 s on a saturated machine. */
    private static void awaitListening(AdmissionCache cache) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cache.listening() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cache.listening()).as("listening").isTrue();
    }

    private static void asPostgres(String sql, UUID org) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** {@code sql} with triggers off for its session ({@code session_replication_role = replica}): nothing is published. */
    private static void asPostgresWithoutTriggers(String sql, UUID org) throws SQLException {
        try (Connection c = connectAs("postgres")) {
            try (Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = replica");
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, org);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
    }
}
