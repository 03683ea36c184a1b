package dev.bulwark.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.bulwark.IntegrationTest;
import dev.bulwark.OwnInstallation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fail fast (docs/resilience.md), on an installation of its own with small limits: a saturated pool, a flood past the
 * concurrency limit and an unreachable database each answer 503 {@code service-unavailable} with {@code Retry-After},
 * never a 500 and never after a long wait, while readiness keeps answering within a second or two. The bounds are far
 * from what a broken edge does (a request held for the pool's timeout and more, readiness waiting behind the pool), so a
 * saturated machine does not fail them. The last test stops the database for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverloadTest {

    /** How long a request waits for a pooled connection here: readiness through the pool would take at least this. */
    private static final Duration POOL_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
    private static final Duration PROBE_BOUND = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static OwnInstallation installation;
    private static ConfigurableApplicationContext app;
    private static int port;
    private static String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bulwark-overload-");
        installation = OwnInstallation.start(dir, dir,
                "--bulwark.database.embedded.durable=false",
                // The last test stops the database and looks at it gone: no supervisor restarts it (SupervisionTest does).
                "--bulwark.database.embedded.supervise=false",
                "--bulwark.database.pool-size=4",
                "--bulwark.database.connection-timeout=" + POOL_TIMEOUT.toMillis() + "ms",
                "--bulwark.http.overload.api=2", "--bulwark.http.overload.api-queue=2",
                "--bulwark.http.overload.queue-wait=200ms", "--bulwark.http.overload.retry-after=3s");
        app = installation.app;
        port = installation.port;
        token = installation.signUpOwner("Load").token();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void aSaturatedPoolAnswers503WithRetryAfterFastAndReadinessStaysUp() throws Exception {
        try (Held held = holdThePool()) {
            assertRefused(timed(signup()), "The database cannot serve this request now");
            assertRefused(timed(me()), "The database cannot serve this request now");
            Timed readiness = timed(get("/actuator/health/readiness", null));
            assertThat(readiness.response.statusCode()).as(readiness.response.body()).isEqualTo(200);
            assertThat(readiness.took).as("readiness never waits behind the pool").isLessThan(PROBE_BOUND);
        }
        assertThat(send(signup()).statusCode()).as("served again once connections are back").isEqualTo(201);
    }

    @Test
    @Order(2)
    void aFloodPastTheConcurrencyLimitIsRefused503NotQueuedAndProbesStillAnswer() throws Exception {
        try (Held held = holdThePool()) {
            // Each admitted request now holds its slot for the pool's timeout: 2 run, 2 wait 200 ms, the rest are refused.
            List<CompletableFuture<Timed>> flood = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                flood.add(CompletableFuture.supplyAsync(() -> timed(me())));
            }
            Timed readiness = timed(get("/actuator/health/readiness", null));
            int limited = 0;
            for (CompletableFuture<Timed> answer : flood) {
                Timed t = answer.get(30, TimeUnit.SECONDS);
                assertRefused(t, null);
                if (t.response.body().contains("Too many requests are in progress")) {
                    limited++;
                }
            }
            assertThat(limited).as("refused by the limit rather than queued").isGreaterThanOrEqualTo(8);
            assertThat(readiness.response.statusCode()).isEqualTo(200);
            assertThat(readiness.took).as("probes have room of their own").isLessThan(PROBE_BOUND);
        }
        assertThat(send(me()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void anUnreachableDatabaseAnswers503AndReadinessSaysDownWithinASecondOrTwo() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).getFirst().trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        // Fast shutdown: sessions are ended, the server is gone.
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor()).isZero();
        postmaster.onExit().get(60, TimeUnit.SECONDS);

        assertRefused(timed(signup()), "The database cannot serve this request now");
        assertRefused(timed(me()), null);
        Timed readiness = timed(get("/actuator/health/readiness", null));
        assertThat(readiness.response.statusCode()).as(readiness.response.body()).isEqualTo(503);
        assertThat(JSON.readTree(readiness.response.body()).get("status").asString()).isEqualTo("DOWN");
        assertThat(readiness.took).isLessThan(PROBE_BOUND);
        Timed liveness = timed(get("/actuator/health/liveness", null));
        assertThat(liveness.response.statusCode()).as("the process itself is fine").isEqualTo(200);
    }

    /** 503 service-unavailable problem with Retry-After, answered well within the 5 s of docs/api.md. */
    private static void assertRefused(Timed t, String detail) {
        HttpResponse<String> r = t.response;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("3");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://bulwark.dev/problems/service-unavailable");
        assertThat(problem.has("requestId")).isTrue();
        if (detail != null) {
            assertThat(problem.get("detail").asString()).startsWith(detail);
        }
        assertThat(t.took).as("answered fast").isLessThan(ANSWER_BOUND);
    }

    /**
     * Every connection of the app pool (the listeners hold connections of their own, outside it), borrowed by the test:
     * what a burst of slow work does to the pool. Background work (trust checks, the mail outbox) may hold some for a
     * moment: the test waits until it has them all, however slow the machine.
     */
    private static Held holdThePool() throws Exception {
        HikariDataSource pool = app.getBean(DataSource.class).unwrap(HikariDataSource.class);
        List<Connection> held = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (held.size() < pool.getMaximumPoolSize()) {
            try {
                held.add(pool.getConnection());
            } catch (SQLException busy) {
                assertThat(System.nanoTime()).as("background work gives its connections back").isLessThan(deadline);
            }
        }
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        assertThat(bean.getIdleConnections()).as("no connection left to serve a request").isZero();
        return new Held(held);
    }

    private record Held(List<Connection> connections) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private record Timed(HttpResponse<String> response, Duration took) {
    }

    private Timed timed(HttpRequest request) {
        long start = System.nanoTime();
        HttpResponse<String> response = send(request);
        return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest signup() {
        return post("/api/v1/signup", Map.of("email", "o-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com",
                "password", IntegrationTest.STRONG_PASSWORD, "name", "Load", "organisationName", "Load Org"));
    }

    private static HttpRequest me() {
        return get("/api/v1/me", token);
    }

    private static HttpRequest get(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    private static HttpRequest post(String path, Object body) {
        return installation.post(path, null, body);
    }
}
