package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.bulwark.OwnInstallation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full disk (docs/resilience.md), for real: the data directory is a small tmpfs of its own, filled to the last byte
 * while the application runs. Readiness says {@code database storage full}, writes answer 201 or 503 (never a 500)
 * within 5 s and some are refused; once the filler is deleted the same instance serves again, every acknowledged write is
 * there and the audit chain verifies. Mounting needs root (CAP_SYS_ADMIN): elsewhere the test is skipped, saying so.
 */
class FullDiskTest {

    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path mount;
    private static Path outside;
    private static OwnInstallation installation;
    private static ConfigurableApplicationContext app;
    private static int port;
    private static String token;
    private static String org;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        mount = Files.createTempDirectory("bulwark-full-disk-");
        outside = Files.createTempDirectory("bulwark-full-disk-keys-");
        boolean mounted;
        try {
            Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=160m,mode=0700", "tmpfs", mount.toString())
                    .redirectErrorStream(true).start();
            mounted = mounting.waitFor(30, TimeUnit.SECONDS) && mounting.exitValue() == 0;
        } catch (IOException noMount) {
            mounted = false;
        }
        Assumptions.assumeTrue(mounted, "a small file system needs mount(8) as root; not available here");
        installation = OwnInstallation.start(mount, outside);
        app = installation.app;
        port = installation.port;
        OwnInstallation.Owner owner = installation.signUpOwner("Full");
        org = owner.org();
        token = owner.token();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (mount != null) {
            // PostgreSQL runs on it until this JVM ends (which stops it; nothing is restarted then): unmount at the end,
            // lazily, so the memory is freed once the server is gone. Unmounted now, the supervisor would see the cluster vanish.
            Path mounted = mount;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    new ProcessBuilder("umount", "-l", mounted.toString()).start().waitFor(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // left mounted: nothing else to do at exit
                }
            }, "full-disk-umount"));
        }
    }

    @Test
    void aFullDiskAnswers503WithTheReasonAndServesAgainOnceSpaceIsFreed() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = write("before-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            acknowledged.add(JSON.readTree(r.body()).get("id").asString());
        }

        Path filler = mount.resolve("filler");
        fill(filler);
        await(Duration.ofSeconds(10), () -> get("/actuator/health/readiness").statusCode() == 503, "readiness DOWN");
        assertThat(JSON.readTree(get("/actuator/health/readiness").body()).get("description").asString())
                .isEqualTo("database storage full");

        int refused = 0;
        for (int i = 0; i < 400 && refused < 3; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = write("full-" + i);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.statusCode()).as("201 or 503, never a 500: " + r.body()).isIn(201, 503);
            assertThat(took).as("answered within 5 s").isLessThan(ANSWER_BOUND);
            if (r.statusCode() == 201) {
                acknowledged.add(JSON.readTree(r.body()).get("id").asString());
            } else {
                refused++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("service-unavailable");
            }
        }
        assertThat(refused).as("writes refused on the full disk").isEqualTo(3);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        Files.delete(filler);
        long freed = System.nanoTime();
        await(Duration.ofSeconds(30), () -> get("/actuator/health/readiness").statusCode() == 200, "ready once space is freed");
        await(Duration.ofSeconds(30), () -> {
            HttpResponse<String> r = write("after-" + UUID.randomUUID());
            if (r.statusCode() == 201) {
                acknowledged.add(JSON.readTree(r.body()).get("id").asString());
            }
            return r.statusCode() == 201;
        }, "a write acknowledged once space is freed");
        System.out.printf("Full disk: %d acknowledged, served again %d ms after the space was freed%n", acknowledged.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freed));

        for (String id : acknowledged) {
            assertThat(get("/api/v1/orgs/" + org + "/contacts/" + id).statusCode()).as("acknowledged contact " + id).isEqualTo(200);
        }
        HttpResponse<String> verify = get("/api/v1/orgs/" + org + "/audit/verify");
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(verify.body()).get("valid").asBoolean()).as(verify.body()).isTrue();
    }

    /** Writes zeros until the file system has no byte left. */
    private static void fill(Path filler) {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // No space left on device: exactly what we wanted.
        }
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // the last bytes too
        }
    }

    private HttpResponse<String> write(String name) {
        return send(post("/api/v1/orgs/" + org + "/contacts", token, Map.of("name", name)));
    }

    private static void await(Duration bound, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + bound).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private HttpResponse<String> get(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60));
        if (path.startsWith("/api/")) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest post(String path, String bearer, Object body) {
        return installation.post(path, bearer, body);
    }
}
