package dev.bulwark.tenancy.internal.database;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import dev.bulwark.OwnInstallation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded PostgreSQL is supervised (docs/resilience.md): writers run against an installation of its own (durable
 * commits, as in production), its postmaster is killed with {@code kill -9}, and the application, not restarted, serves
 * again by itself. To hold the database down for a window the test controls (rather than one as short as the machine
 * makes it), the checkpointer of the dead postmaster is stopped first: while it lives, PostgreSQL refuses to start on
 * the old shared memory, as it does for any slow-dying orphan, and the supervisor keeps retrying. Meanwhile every
 * request answers 2xx or 503 with Retry-After within 5 s, readiness says DOWN, liveness stays UP; once the orphan is
 * gone the service is back within 30 s, and every write that was acknowledged is there.
 */
class SupervisionTest {

    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static OwnInstallation installation;
    private static ConfigurableApplicationContext app;
    private static int port;
    private static String token;
    private static String org;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One answer to a writer: its status, how long it took, its Retry-After and the contact it created. */
    private record Answer(int status, Duration took, String retryAfter, String id, String body) {
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bulwark-supervision-");
        installation = OwnInstallation.start(dir, dir);
        app = installation.app;
        port = installation.port;
        OwnInstallation.Owner owner = installation.signUpOwner("Kept");
        org = owner.org();
        token = owner.token();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aKilledPostmasterIsRestartedAndEveryAcknowledgedWriteIsKept() throws Exception {
        Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; writing.get(); i++) {
                    answers.add(write("w" + writer + "-" + i));
                }
            }));
        }
        // However slow the machine: some writes are acknowledged before the kill.
        await(Duration.ofSeconds(120), () -> acknowledged(answers).size() >= 10, "ten writes acknowledged before the kill");

        long postmaster = PostgresSupervisor.postmasterPid(dir.resolve("postgres")).orElseThrow();
        ProcessHandle checkpointer = ProcessHandle.of(postmaster).orElseThrow().children()
                .filter(p -> title(p.pid()).contains("checkpointer")).findFirst().orElseThrow();
        int acknowledgedBefore = answers.size();
        signal("STOP", checkpointer.pid());
        try {
            signal("KILL", postmaster);
            holdDownThenRelease(answers, postmaster, checkpointer);
        } finally {
            // Never leave the stopped orphan behind, whatever failed above (a no-op once it is gone; the handle checks
            // the start time, so a reused pid is never hit).
            checkpointer.destroyForcibly();
        }

        // The orphan is gone: the supervisor's next attempt starts PostgreSQL, the pool reconnects by itself.
        long released = System.nanoTime();
        await(RECOVERY_BOUND, () -> write("after-" + UUID.randomUUID()).status() == 201, "a write acknowledged again");
        Duration recovered = Duration.ofNanos(System.nanoTime() - released);
        await(Duration.ofSeconds(10), () -> get("/actuator/health/readiness").statusCode() == 200, "ready again");
        writing.set(false);
        for (Thread writer : writers) {
            assertThat(writer.join(Duration.ofSeconds(30))).isTrue();
        }
        System.out.printf("Supervision: %d answers, %d after the kill, %d refused; served again %d ms after the orphan went%n",
                answers.size(), answers.size() - acknowledgedBefore, refused(answers).size(), recovered.toMillis());

        for (Answer a : answers) {
            assertThat(a.status()).as("2xx or 503, never a 500: " + a.body()).isIn(201, 503);
            assertThat(a.took()).as("answered within 5 s").isLessThan(ANSWER_BOUND);
            if (a.status() == 503) {
                assertThat(a.retryAfter()).as("a refusal says when to retry").isNotNull();
                assertThat(a.body()).contains("service-unavailable");
            }
        }
        assertThat(PostgresSupervisor.postmasterPid(dir.resolve("postgres")).orElseThrow()).isNotEqualTo(postmaster);
        for (String id : acknowledged(answers)) {
            HttpResponse<String> read = get("/api/v1/orgs/" + org + "/contacts/" + id);
            assertThat(read.statusCode()).as("acknowledged contact " + id).isEqualTo(200);
        }
        HttpResponse<String> verify = get("/api/v1/orgs/" + org + "/audit/verify");
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(verify.body()).get("valid").asBoolean()).as(verify.body()).isTrue();
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    /** Down, for as long as the orphan lives: refusals, readiness DOWN, liveness UP; then the orphan goes. */
    private void holdDownThenRelease(Queue<Answer> answers, long postmaster, ProcessHandle checkpointer) throws Exception {
        await(Duration.ofSeconds(60), () -> refused(answers).size() >= 3, "writes refused while the database is down");
        // Readiness reads a bounded probe, which may still hold its last answer from before the kill for a moment.
        await(Duration.ofSeconds(30), () -> get("/actuator/health/readiness").statusCode() == 503, "readiness DOWN");
        Timed readiness = timed(getRequest("/actuator/health/readiness"));
        assertThat(readiness.response.statusCode()).as(readiness.response.body()).isEqualTo(503);
        assertThat(readiness.took).isLessThan(ANSWER_BOUND);
        JsonNode down = JSON.readTree(readiness.response.body());
        assertThat(down.get("status").asString()).isEqualTo("DOWN");
        assertThat(down.get("description").asString()).as("readiness says why").startsWith("database ");
        Timed liveness = timed(getRequest("/actuator/health/liveness"));
        assertThat(liveness.response.statusCode()).as("restarting is not broken").isEqualTo(200);
        Timed me = timed(getRequest("/api/v1/me"));
        assertThat(me.response.statusCode()).isEqualTo(503);
        assertThat(me.response.headers().firstValue("Retry-After")).isPresent();
        assertThat(me.took).isLessThan(ANSWER_BOUND);
        assertThat(PostgresSupervisor.alive(postmaster)).isFalse();

        signal("KILL", checkpointer.pid());
    }

    private Answer write(String name) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(post("/api/v1/orgs/" + org + "/contacts", token, Map.of("name", name)),
                    HttpResponse.BodyHandlers.ofString());
            String id = r.statusCode() == 201 ? JSON.readTree(r.body()).get("id").asString() : null;
            return new Answer(r.statusCode(), Duration.ofNanos(System.nanoTime() - start),
                    r.headers().firstValue("Retry-After").orElse(null), id, r.body());
        } catch (Exception e) {
            return new Answer(-1, Duration.ofNanos(System.nanoTime() - start), null, null, e.toString());
        }
    }

    private static List<String> acknowledged(Queue<Answer> answers) {
        return answers.stream().filter(a -> a.status() == 201).map(Answer::id).toList();
    }

    private static List<Answer> refused(Queue<Answer> answers) {
        return answers.stream().filter(a -> a.status() == 503).toList();
    }

    private static void await(Duration bound, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + bound).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static String title(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    private record Timed(HttpResponse<String> response, Duration took) {
    }

    private Timed timed(HttpRequest request) {
        long start = System.nanoTime();
        HttpResponse<String> response = send(request);
        return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
    }

    private HttpResponse<String> get(String path) {
        return send(getRequest(path));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest getRequest(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60));
        if (path.startsWith("/api/")) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private static HttpRequest post(String path, String bearer, Object body) {
        return installation.post(path, bearer, body);
    }
}
