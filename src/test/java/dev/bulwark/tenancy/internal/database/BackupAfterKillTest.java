package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.stream.Stream;

import dev.bulwark.ChildBulwark;
import dev.bulwark.IntegrationTest;
import dev.bulwark.tenancy.BackupCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application (a child JVM, as {@code java -jar} runs it) and then its PostgreSQL are killed with SIGKILL while
 * signups are written; the base backup taken online while it ran, and the archive, restore every signup acknowledged
 * before the end of the last archived segment. Each acknowledgement is tied to a WAL position read right after it
 * ({@code pg_current_wal_lsn()}, at or past the commit), so "before the last archived segment" is exact.
 */
class BackupAfterKillTest {

    private static final Pattern ORG_ID = Pattern.compile("\"organisationId\":\"([0-9a-f-]{36})\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Acknowledged(UUID org, long lsn) {
    }

    @Test
    void everyWriteAcknowledgedBeforeTheLastArchivedSegmentSurvivesKillDashNine(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        Path archive = root.resolve("archive");
        Files.createDirectories(data);
        Process app = launch(data, archive);
        Queue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
        long postmaster;
        try {
            int port = awaitHealthy(app, data.resolve("app.log"));
            signUp(port);
            Path backup = root.resolve("backup");
            BackupRestoreTest.Run backedUp = BackupRestoreTest.run(BackupCommands::backup, "--to", backup.toString(),
                    "--bulwark.database.embedded.data-dir=" + data, "--bulwark.backup.archive-dir=" + archive,
                    "--bulwark.backup.state-dir=" + root.resolve("state"));
            assertThat(backedUp.status()).as("an online backup of another process's database: " + backedUp.err()).isZero();

            AtomicBoolean writing = new AtomicBoolean(true);
            ExecutorService writers = Executors.newFixedThreadPool(3);
            for (int i = 0; i < 3; i++) {
                writers.submit(() -> {
                    try (Connection c = BackupRestoreTest.superuser(data)) {
                        while (writing.get()) {
                            Optional<UUID> org = signUp(port);
                            if (org.isPresent()) {
                                acknowledged.add(new Acknowledged(org.get(), lsn(c)));
                            }
                        }
                    } catch (Exception stopped) {
                        // the database died under us: what was acknowledged is recorded
                    }
                    return null;
                });
            }
            // Until a few segments were archived with acknowledged signups in them (archive-timeout 1 s).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while ((acknowledged.size() < 20 || archivedThrough(archive) < minLsn(acknowledged)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            postmaster = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).getFirst().trim());
            app.destroyForcibly(); // SIGKILL of the application, mid-write
            app.waitFor();
            ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly); // and of the postmaster
            ProcessHandle.of(postmaster).ifPresent(p -> p.onExit().join());
            writing.set(false);
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            long through = archivedThrough(archive);
            List<Acknowledged> covered = acknowledged.stream().filter(a -> a.lsn() <= through).toList();
            assertThat(covered).as("acknowledged signups inside the archive").hasSizeGreaterThanOrEqualTo(1);

            Path restored = root.resolve("restored");
            BackupRestoreTest.Run r = BackupRestoreTest.run(BackupCommands::restore, "--from", backup.toString(), "--archive",
                    archive.toString(), "--data-dir", restored.toString());
            assertThat(r.status()).as(r.err()).isZero();
            DatabaseProperties properties = new DatabaseProperties(null, "bulwark_owner", null, "bulwark_app", null, "bulwark", 10,
                    Duration.ofSeconds(2), Duration.ofMillis(500), new DatabaseProperties.Embedded(restored, true, false, 20,
                    org.springframework.util.unit.DataSize.ofMegabytes(32)));
            try {
                EmbeddedPostgresServer.server(properties, null);
                try (Connection app2 = IntegrationTest.connectAs(restored, "bulwark_app")) {
                    for (Acknowledged a : covered) {
                        try (PreparedStatement ps = app2.prepareStatement("SELECT count(*) FROM organisations WHERE id = ?")) {
                            ps.setObject(1, a.org());
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                assertThat(rs.getLong(1)).as("signup acknowledged at " + a.lsn() + " <= " + through).isEqualTo(1);
                            }
                        }
                    }
                }
            } finally {
                EmbeddedPostgresServer.stop(restored);
            }
        } finally {
            app.destroyForcibly();
        }
    }

    private static long lsn(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long minLsn(Queue<Acknowledged> acknowledged) {
        return acknowledged.stream().mapToLong(Acknowledged::lsn).min().orElse(Long.MAX_VALUE);
    }

    /** Where the archive's complete segments end: the end of the newest segment file (16 MiB segments). */
    private static long archivedThrough(Path archive) throws IOException {
        try (Stream<Path> files = Files.list(archive)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}"))
                    .mapToLong(n -> Backups.archivedThrough(n, 16L << 20)).max().orElse(0);
        }
    }

    private Optional<UUID> signUp(int port) {
        String email = "kill-" + UUID.randomUUID() + "@example.com";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/signup"))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\""
                            + IntegrationTest.STRONG_PASSWORD + "\",\"name\":\"Kill\",\"organisationName\":\"Kill Test\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = ORG_ID.matcher(response.body());
            return response.statusCode() == 201 && m.find() ? Optional.of(UUID.fromString(m.group(1))) : Optional.empty();
        } catch (IOException | InterruptedException e) {
            return Optional.empty();
        }
    }

    private static Process launch(Path data, Path archive) throws IOException {
        return ChildBulwark.launch(data, data.resolve("app.log"), Map.of("BULWARK_BACKUP_ARCHIVE_DIR", archive.toString()),
                "--bulwark.backup.archive-timeout=1s", "--bulwark.database.embedded.supervise=false");
    }

    private int awaitHealthy(Process process, Path log) throws Exception {
        return ChildBulwark.awaitRunning(process, log, http, false);
    }
}
