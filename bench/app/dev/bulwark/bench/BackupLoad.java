package dev.bulwark.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.internal.Checkpointer;
import dev.bulwark.recovery.DrillCommand;
import dev.bulwark.tenancy.BackupCommands;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backups' figures (docs/benchmarks.md, "Backups"), on the real application with a durable embedded PostgreSQL archiving
 * its WAL ({@code archive-timeout} 5 s): one organisation's chain of {@code events} audit events is seeded (encrypted
 * payloads, as the application writes them), then, in one run:
 * <ol>
 *   <li>RPO: 30 s of continuous audited writes (about 50 a second), sampling every 200 ms how long ago the last WAL
 *       segment was archived; the largest age is how old the oldest write not yet archived could be;</li>
 *   <li>a base backup taken online ({@code backup --to}), in MB/s of the backup written;</li>
 *   <li>a restore of that backup and the archive into a new data directory, in seconds per GB of the backup;</li>
 *   <li>the drill ({@code dr-drill}) of that backup: restore, start, every chain through the independent verifier, the
 *       signed report, in events verified per second of the drill and in total seconds.</li>
 * </ol>
 * Usage: {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=dev.bulwark.bench.BackupLoad
 * -Dbench.options="[events]"} (default 200,000).
 */
public final class BackupLoad {

    public static void main(String[] commandLine) throws Exception {
        String options = System.getProperty("bench.options", "").strip();
        String[] args = options.isEmpty() ? commandLine : options.split("\\s+");
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path root = Files.createTempDirectory("bulwark-backupload-");
        Path data = root.resolve("data");
        Path archive = root.resolve("archive");
        Path backup = root.resolve("backup");
        List<String> settings = List.of("--bulwark.database.embedded.data-dir=" + data, "--bulwark.keys.dir=" + data.resolve("keys"),
                "--bulwark.auth.key-dir=" + data.resolve("keys"), "--bulwark.audit.key-dir=" + data.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + data.resolve("checkpoints"), "--bulwark.mail.dir=" + data.resolve("mail"),
                "--bulwark.backup.archive-dir=" + archive, "--bulwark.backup.archive-timeout=5s",
                "--bulwark.backup.state-dir=" + root.resolve("state"), "--logging.level.root=WARN");
        List<String> app = new ArrayList<>(settings);
        app.addAll(List.of("--server.port=0", "--bulwark.audit.checkpoint-interval=10s", "--bulwark.audit.declarations=log",
                "--bulwark.trust.interval=24h", "--bulwark.database.embedded.supervise=false"));
        double rpo;
        double backupSeconds;
        long dbBytes;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BulwarkApplication.class)
                .run(app.toArray(String[]::new))) {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            UUID tenant = AuditLoad.tenants(jdbc, 1).getFirst();
            long t0 = System.nanoTime();
            AuditLoad.seed(data, tenant, events, context.getBean(dev.bulwark.keys.FieldCipher.class));
            context.getBean(Checkpointer.class).checkpointAll(true);
            System.out.printf(Locale.ROOT, "(seeded %,d chained events in %.1f s)%n", events, (System.nanoTime() - t0) / 1e9);
            dbBytes = jdbc.sql("SELECT pg_database_size(current_database())").query(Long.class).single();

            rpo = recoveryPoint(jdbc, context.getBean(AuditLog.class), tenant);

            t0 = System.nanoTime();
            run("backup", BackupCommands::backup, with(settings, "--to", backup.toString()));
            backupSeconds = (System.nanoTime() - t0) / 1e9;
        }
        long backupBytes = size(backup);

        long t0 = System.nanoTime();
        BackupCommands.restore(backup, archive, null, root.resolve("restored"));
        double restoreSeconds = (System.nanoTime() - t0) / 1e9;

        String report = run("dr-drill", (a, o, e) -> DrillCommand.run(BulwarkApplication.class, a, o, e),
                with(settings, "--from", backup.toString(), "--archive", archive.toString()));
        JsonNode drill = JsonMapper.builder().build().readTree(report);
        if (!drill.get("valid").asBoolean()) {
            throw new IllegalStateException("the drill failed: " + report);
        }
        double gb = backupBytes / 1e9;
        System.out.printf(Locale.ROOT, "%n## Backups (%,d audit events, database %,d MB, backup %,d MB)%n%n", events, dbBytes >> 20,
                backupBytes >> 20);
        System.out.println("| figure | value | target |");
        System.out.println("|---|---:|---|");
        System.out.printf(Locale.ROOT, "| base backup, online | %.1f s, **%.0f MB/s** | — |%n", backupSeconds, backupBytes / 1e6 / backupSeconds);
        System.out.printf(Locale.ROOT, "| restore (copy, replay, promote, checkpoint) | %.1f s, **%.0f s per GB** | ≤ 60 s per GB |%n",
                restoreSeconds, restoreSeconds / gb);
        System.out.printf(Locale.ROOT, "| RPO: oldest possible unarchived write, archive-timeout 5 s, continuous writes | **%.1f s** | = archive-timeout |%n", rpo);
        System.out.printf(Locale.ROOT, "| drill: %,d events verified in %.1f s (restore, start, verify, sign) | **%,.0f events/s** | — |%n",
                drill.get("eventsVerified").asLong(), drill.get("seconds").asDouble(),
                drill.get("eventsVerified").asLong() / drill.get("seconds").asDouble());
    }

    /**
     * 30 s of audited writes, about 50 a second, while the age of the last archived segment is sampled every 200 ms:
     * a write is safe once the segment holding it is archived, so the largest age seen bounds how old the oldest unsafe
     * write was. The first 10 s are left out (the first switch after the seed).
     */
    private static double recoveryPoint(JdbcClient jdbc, AuditLog audit, UUID tenant) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                audit.append(AuditLoad.event(tenant));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        double worst = 0;
        Instant measureFrom = Instant.now().plusSeconds(10);
        Instant end = measureFrom.plus(Duration.ofSeconds(30));
        try {
            while (Instant.now().isBefore(end)) {
                Timestamp last = jdbc.sql("SELECT last_archived_time FROM pg_stat_archiver").query(Timestamp.class).single();
                if (Instant.now().isAfter(measureFrom) && last != null) {
                    worst = Math.max(worst, Duration.between(last.toInstant(), Instant.now()).toMillis() / 1000.0);
                }
                Thread.sleep(200);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        return worst;
    }

    private interface Command {
        int run(String[] args, PrintStream out, PrintStream err) throws Exception;
    }

    private static String run(String name, Command command, List<String> args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException(name + " failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> with(List<String> settings, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(settings.stream().filter(s -> !s.startsWith("--logging")).toList());
        return all;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
