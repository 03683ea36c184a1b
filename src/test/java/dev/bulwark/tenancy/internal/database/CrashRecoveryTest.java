package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bulwark.ChildBulwark;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default, zero-configuration run is durable: a JVM killed with SIGKILL while signups are in flight loses no
 * signup it acknowledged, and the next start stops the PostgreSQL the dead JVM left running and carries on.
 * Runs the real application in child JVMs, as {@code java -jar} would.
 */
class CrashRecoveryTest {

    private static final Pattern ORG_ID = Pattern.compile("\"organisationId\":\"([0-9a-f-]{36})\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void acknowledgedSignupsSurviveKillDashNineAndTheNextStartRecovers(@TempDir Path dataDir) throws Exception {
        Process first = launch(dataDir, "first");
        int firstPort = awaitHealthy(first, dataDir.resolve("first.log"));

        Queue<UUID> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4; i++) {
            writers.submit(() -> {
                while (writing.get()) {
                    signUp(firstPort).ifPresent(acknowledged::add);
                }
            });
        }
        // Stops waiting as soon as 25 are acknowledged; the bound is for a saturated machine, where a signup may take seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (acknowledged.size() < 25 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        first.destroyForcibly(); // SIGKILL, mid-write: no shutdown hook runs
        first.waitFor();
        writing.set(false);
        writers.shutdown();
        assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(25);

        long leftoverPid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().trim());
        assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive)).as("the killed JVM left its PostgreSQL running")
                .hasValue(true);

        Process second = launch(dataDir, "second");
        try {
            awaitHealthy(second, dataDir.resolve("second.log"));
            assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            try (Connection app = IntegrationTest.connectAs(dataDir, "bulwark_app")) {
                for (UUID org : List.copyOf(acknowledged)) {
                    try (PreparedStatement ps = app.prepareStatement("SELECT count(*) FROM organisations WHERE id = ?")) {
                        ps.setObject(1, org);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            assertThat(rs.getLong(1)).as("acknowledged organisation " + org).isEqualTo(1);
                        }
                    }
                }
                try (Statement s = app.createStatement()) {
                    assertThat(setting(s, "fsync")).isEqualTo("on");
                    assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
                    assertThat(setting(s, "full_page_writes")).isEqualTo("on");
                }
            }
            assertThat(Files.getPosixFilePermissions(dataDir.resolve("secrets/database.properties")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        } finally {
            second.destroy(); // SIGTERM: graceful, stops its PostgreSQL too
            if (!second.waitFor(60, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
        assertThat(Files.exists(dataDir.resolve("postgres/postmaster.pid"))).as("a graceful stop stops PostgreSQL").isFalse();
    }

    private Optional<UUID> signUp(int port) {
        String email = "crash-" + UUID.randomUUID() + "@example.com";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/signup"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\""
                            + IntegrationTest.STRONG_PASSWORD + "\",\"name\":\"Crash\",\"organisationName\":\"Crash Test\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = ORG_ID.matcher(response.body());
            return response.statusCode() == 201 && m.find() ? Optional.of(UUID.fromString(m.group(1))) : Optional.empty();
        } catch (IOException | InterruptedException e) {
            return Optional.empty(); // the server died under us: not acknowledged
        }
    }

    private static String setting(Statement s, String name) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Process launch(Path dataDir, String name) throws IOException {
        return ChildBulwark.launch(dataDir, dataDir.resolve(name + ".log"), Map.of());
    }

    private int awaitHealthy(Process process, Path log) throws Exception {
        return ChildBulwark.awaitRunning(process, log, http, true);
    }
}
