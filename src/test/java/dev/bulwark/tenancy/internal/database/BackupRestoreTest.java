package dev.bulwark.tenancy.internal.database;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import dev.bulwark.OwnInstallation;
import dev.bulwark.audit.AuditIntegrity;
import dev.bulwark.audit.internal.Checkpointer;
import dev.bulwark.recovery.DrillCommand;
import dev.bulwark.recovery.DrillReport;
import dev.bulwark.tenancy.BackupCommands;
import dev.bulwark.trust.Check;
import dev.bulwark.trust.internal.Controls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups end to end on an installation of the test's own, archiving its WAL: a base backup taken while it runs,
 * restored to a point in time between two signups (the first there, the second not, every chain valid, the restored
 * installation serving a signed-in request), every refusal of {@code restore} (one line, non-zero, the target
 * untouched), the drill (its report signed under the installation's published key, a corrupted backup refused) and the
 * trust checks flipping when the archive breaks and when a drill fails.
 */
class BackupRestoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    record Run(int status, String out, String err) {
    }

    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static Run run(Command command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void backupRestoreToATimeDrillAndTheTrustChecks(@TempDir Path root) throws Exception {
        Path data = root.resolve("source");
        Path archive = root.resolve("archive");
        Path state = root.resolve("state");
        String[] settings = {"--bulwark.backup.archive-dir=" + archive, "--bulwark.backup.archive-timeout=1s",
                "--bulwark.backup.state-dir=" + state, "--bulwark.database.embedded.supervise=false"};
        Path backup = root.resolve("backup");
        String before;
        String between;
        String after;
        Instant pointInTime;
        String verifierKey;
        try (OwnInstallation source = OwnInstallation.start(data, data, settings)) {
            Controls controls = source.app.getBean(Controls.class);
            assertThat(check(controls, "backup.fresh").status()).as("archiving, but no base backup yet").isEqualTo(Check.Status.FAIL);
            assertThat(check(controls, "backup.drill").status()).isEqualTo(Check.Status.NOT_CONFIGURED);

            before = signUp(source.port, "before");
            source.app.getBean(Checkpointer.class).checkpointAll(true);
            Run backedUp = run(BackupCommands::backup, cli(data, settings, "--to", backup.toString()));
            assertThat(backedUp.status()).as(backedUp.err()).isZero();
            assertThat(backup.resolve("manifest.json")).exists();
            assertThat(backup.resolve("keys")).isDirectoryContaining(p -> p.getFileName().toString().equals("root-keyset.json"));
            assertThat(backup.resolve("secrets/database.properties")).exists();
            JsonNode manifest = JSON.readTree(Files.readString(backup.resolve("manifest.json")));
            assertThat(manifest.get("files").size()).isGreaterThan(100);
            assertThat(manifest.get("files").get(0).get("sha256").asString()).matches("[0-9a-f]{64}");

            between = signUp(source.port, "between");
            pointInTime = databaseNow(data);
            awaitDatabaseClockPast(data, pointInTime);
            after = signUp(source.port, "after");
            switchAndAwaitArchived(data);
            awaitCheck(controls, "backup.fresh", Check.Status.PASS);
            verifierKey = http.send(HttpRequest.newBuilder(source.uri("/.well-known/bulwark-audit-key")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().strip();

            // Bad input, each refused in one line, nothing written to the target.
            Path nonEmpty = Files.createDirectories(root.resolve("non-empty"));
            Files.writeString(nonEmpty.resolve("keep.txt"), "mine");
            refused(run(BackupCommands::restore, "--from", backup.toString(), "--archive", archive.toString(), "--data-dir",
                    nonEmpty.toString()), "is not empty");
            assertThat(Files.list(nonEmpty).map(p -> p.getFileName().toString()).toList()).containsExactly("keep.txt");
            Path target = root.resolve("never");
            refused(run(BackupCommands::restore, "--from", backup.toString(), "--archive", archive.toString(), "--to-time",
                    "yesterday", "--data-dir", target.toString()), "RFC 3339");
            refused(run(BackupCommands::restore, "--from", backup.toString(), "--archive", archive.toString(), "--to-time",
                    "2026-01-01T10:00:00", "--data-dir", target.toString()), "RFC 3339");
            refused(run(BackupCommands::restore, "--from", backup.toString(), "--archive", archive.toString(), "--to-time",
                    "2001-01-01T00:00:00Z", "--data-dir", target.toString()), "before the backup was consistent");
            refused(run(BackupCommands::restore, "--from", backup.toString(), "--archive", archive.toString(), "--to-time",
                    Instant.now().plusSeconds(3600).toString(), "--data-dir", target.toString()), "in the future");
            refused(run(BackupCommands::restore, "--from", root.resolve("nothing").toString(), "--archive", archive.toString(),
                    "--data-dir", target.toString()), "not a directory");
            // An archive that ends before the time asked for: PostgreSQL's own refusal, in the command's words.
            Path shortArchive = Files.createDirectories(root.resolve("short-archive"));
            String stopWal = manifest.get("stopWal").asString();
            try (Stream<Path> segments = Files.list(archive)) {
                for (Path s : segments.filter(s -> s.getFileName().toString().compareTo(stopWal) <= 0).toList()) {
                    Files.copy(s, shortArchive.resolve(s.getFileName()));
                }
            }
            refused(run(BackupCommands::restore, "--from", backup.toString(), "--archive", shortArchive.toString(), "--to-time",
                    pointInTime.toString(), "--data-dir", target.toString()), "past the end of the archive");
            assertThat(target).doesNotExist();
            assertThat(Files.list(root).map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).isEmpty();

            // A corrupted backup: one byte of one file changed.
            Path corrupted = root.resolve("corrupted");
            copyTree(backup, corrupted);
            Path victim = corrupted.resolve("postgres/global/pg_control");
            byte[] bytes = Files.readAllBytes(victim);
            bytes[100] ^= 1;
            Files.write(victim, bytes);
            refused(run(BackupCommands::restore, "--from", corrupted.toString(), "--archive", archive.toString(), "--data-dir",
                    target.toString()), "postgres/global/pg_control has another SHA-256");
            assertThat(target).doesNotExist();

            // The drill: restores into a temporary copy, verifies every chain, signs its report.
            Run drilled = run((a, o, e) -> DrillCommand.run(BulwarkApplication.class, a, o, e),
                    cli(data, settings, "--from", backup.toString(), "--archive", archive.toString()));
            assertThat(drilled.status()).as(drilled.err()).isZero();
            JsonNode report = JSON.readTree(drilled.out());
            assertThat(report.propertyNames()).containsExactly("restoredTo", "orgs", "eventsVerified", "valid", "seconds");
            assertThat(report.get("valid").asBoolean()).isTrue();
            assertThat(report.get("orgs").asInt()).as("before, between and after").isGreaterThanOrEqualTo(3);
            assertThat(report.get("eventsVerified").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(Instant.parse(report.get("restoredTo").asString())).isAfterOrEqualTo(pointInTime);
            List<Path> reports = reports(state);
            assertThat(reports).hasSize(1);
            JsonNode file = JSON.readTree(Files.readString(reports.getFirst()));
            assertThat(DrillReport.verify(verifierKey, "bulwark.backup-drill.v1", file.get("report").asString(),
                    java.util.Base64.getDecoder().decode(file.get("signature").asString()))).as("signed by the published key").isTrue();
            String forged = file.get("report").asString().replace("\"orgs\":", "\"orgs\":1");
            assertThat(DrillReport.verify(verifierKey, "bulwark.backup-drill.v1", forged,
                    java.util.Base64.getDecoder().decode(file.get("signature").asString()))).isFalse();
            assertThat(check(controls, "backup.drill").status()).isEqualTo(Check.Status.PASS);
            assertThat(archive.resolve("00000002.history")).as("the drill's copy never archives into the source's archive").doesNotExist();

            // The drill refuses the corrupted backup, and the trust check fails with it.
            Thread.sleep(5); // report names are to the millisecond
            Run refusedDrill = run((a, o, e) -> DrillCommand.run(BulwarkApplication.class, a, o, e),
                    cli(data, settings, "--from", corrupted.toString(), "--archive", archive.toString()));
            refused(refusedDrill, "has another SHA-256");
            assertThat(reports(state)).hasSize(2);
            assertThat(check(controls, "backup.drill").status()).isEqualTo(Check.Status.FAIL);

            // Backups stop: the archive directory replaced by a file. (Tests may run as root, whom chmod does not stop.)
            Path moved = root.resolve("archive-moved");
            Files.move(archive, moved);
            Files.writeString(archive, "not a directory");
            signUp(source.port, "unarchived");
            switchWal(data);
            awaitCheck(controls, "backup.fresh", Check.Status.FAIL);
            Files.delete(archive);
            Files.move(moved, archive);
        }

        // Point in time: what was written before it is there, what came after is not; every chain verifies; it serves.
        Path restored = root.resolve("restored");
        Run r = run(BackupCommands::restore, "--from", backup.toString(), "--archive", archive.toString(), "--to-time",
                pointInTime.toString(), "--data-dir", restored.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("BULWARK_DATA_DIR=" + restored);
        assertThat(Files.readString(archive.getParent().resolve("state/last-backup.json"))).contains(backup.toString());
        try (OwnInstallation copy = OwnInstallation.start(restored, restored, "--bulwark.database.embedded.supervise=false")) {
            assertThat(login(copy.port, before)).isEqualTo(200);
            assertThat(login(copy.port, between)).isEqualTo(200);
            assertThat(login(copy.port, after)).as("signed up after the point in time").isEqualTo(401);
            AuditIntegrity integrity = copy.app.getBean(AuditIntegrity.class);
            List<UUID> chains = integrity.chains(null, 1000);
            assertThat(chains).as("before and between").hasSizeGreaterThanOrEqualTo(2);
            for (UUID chain : chains) {
                assertThat(integrity.verify(chain).valid()).as("chain " + chain).isTrue();
            }
            // One signed-in request to the restored installation.
            JsonNode session = JSON.readTree(http.send(post(copy.port, "/api/v1/auth/login", null, Map.of("email", between,
                    "password", IntegrationTest.STRONG_PASSWORD)), HttpResponse.BodyHandlers.ofString()).body());
            HttpResponse<String> orgs = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + copy.port + "/api/v1/me"))
                    .header("Authorization", "Bearer " + session.get("accessToken").asString()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(orgs.statusCode()).as(orgs.body()).isEqualTo(200);
        } finally {
            EmbeddedPostgresServer.stop(restored);
        }
    }

    private static String[] cli(Path data, String[] settings, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bulwark.database.embedded.data-dir=" + data, "--bulwark.keys.dir=" + data.resolve("keys"),
                "--bulwark.auth.key-dir=" + data.resolve("keys"), "--bulwark.audit.key-dir=" + data.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + data.resolve("checkpoints")));
        for (String s : settings) {
            if (!s.contains("supervise")) {
                all.add(s);
            }
        }
        return all.toArray(String[]::new);
    }

    static void refused(Run run, String reason) {
        assertThat(run.status()).as(run.out() + run.err()).isNotZero();
        assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains(reason).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static List<Path> reports(Path state) throws Exception {
        try (Stream<Path> files = Files.list(state.resolve("drills"))) {
            return files.sorted().toList();
        }
    }

    private static Check.Result check(Controls controls, String id) {
        return controls.all().stream().flatMap(c -> c.checks().stream()).filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow().run();
    }

    private static void awaitCheck(Controls controls, String id, Check.Status expected) throws InterruptedException {
        await(() -> check(controls, id).status() == expected, () -> id + " is " + check(controls, id));
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> otherwise) throws InterruptedException {
        // Generous: a saturated two-core machine; returns as soon as it holds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(otherwise.get());
            }
            Thread.sleep(100);
        }
    }

    static Connection superuser(Path data) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://localhost:"
                + Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).trim() + "/bulwark", "postgres",
                IntegrationTest.passwordOf(data, "postgres"));
    }

    private static Instant databaseNow(Path data) throws Exception {
        try (Connection c = superuser(data); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static void awaitDatabaseClockPast(Path data, Instant t) throws Exception {
        await(() -> {
            try {
                return databaseNow(data).isAfter(t.plusMillis(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> "the database clock did not move");
    }

    private static String switchWal(Path data) throws Exception {
        try (Connection c = superuser(data); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Ends the current segment and waits until the archive holds it. */
    static void switchAndAwaitArchived(Path data) throws Exception {
        String segment = switchWal(data);
        await(() -> {
            try (Connection c = superuser(data); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")) {
                rs.next();
                return rs.getString(1).compareTo(segment) >= 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> "segment " + segment + " was not archived");
    }

    private String signUp(int port, String name) throws Exception {
        String email = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> r = http.send(post(port, "/api/v1/signup", null, Map.of("email", email, "password",
                IntegrationTest.STRONG_PASSWORD, "name", name, "organisationName", name + " Org")), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return email;
    }

    private int login(int port, String email) throws Exception {
        return http.send(post(port, "/api/v1/auth/login", null, Map.of("email", email, "password", IntegrationTest.STRONG_PASSWORD)),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static HttpRequest post(int port, String path, String bearer, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
