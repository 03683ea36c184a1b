package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.bulwark.tenancy.BackupException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a base backup into a new data directory and replays the WAL archive over it, up to a time or to its end:
 * checks every file of the manifest first, copies the backup into a hidden sibling of the target, starts PostgreSQL
 * there in archive recovery ({@code recovery.signal}, {@code restore_command} copying from the archive,
 * {@code recovery_target_time}, archiving off so the copy never writes into the source's archive), waits for it to
 * be promoted, stops it, and only then renames the directory into place. A refusal, or a recovery PostgreSQL cannot
 * finish, leaves the target as it was.
 */
final class Restore {

    private static final Logger log = LoggerFactory.getLogger(Restore.class);
    /** What a path may hold to be put in a shell command inside a PostgreSQL setting. */
    private static final Pattern SAFE_PATH = Pattern.compile("[^'\"\\\\$`%\\n\\r]+");
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    /** What the restore reached: the time of the last transaction replayed (null when none was), and the manifest. */
    record Result(Path dataDir, Instant restoredTo, Manifest manifest) {
    }

    private Restore() {
    }

    /** {@code --to-time}: RFC 3339 with an offset; anything else is refused. */
    static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (RuntimeException e) {
            throw new BackupException("--to-time must be an RFC 3339 time with an offset, e.g. 2026-12-05T10:15:30Z; was '"
                    + text.replaceAll("\\s+", " ") + "'");
        }
    }

    static Result run(Path from, Path archive, Instant toTime, Path target, Duration recoveryWait) {
        Path backup = from.toAbsolutePath().normalize();
        Path dir = target.toAbsolutePath().normalize();
        Path archiveDir = archive.toAbsolutePath().normalize();
        if (!Files.isDirectory(archiveDir) || !Files.isReadable(archiveDir)) {
            throw new BackupException("the archive " + archiveDir + " is not a readable directory");
        }
        if (!SAFE_PATH.matcher(archiveDir.toString()).matches()) {
            throw new BackupException("the archive's path must not contain quotes, backslashes, '$', '`' or '%'");
        }
        BaseBackup.requireEmptyTarget(dir, "restore into");
        if (dir.startsWith(backup) || dir.startsWith(archiveDir)) {
            throw new BackupException("cannot restore into the backup or the archive itself");
        }
        Manifest manifest = Manifest.readAndCheck(backup);
        if (!manifest.database().equals("embedded")) {
            throw new BackupException("this is a backup of an external PostgreSQL: restore it with PostgreSQL's own tools"
                    + " (docs/backups.md)");
        }
        if (toTime != null && toTime.isBefore(manifest.finishedAt())) {
            throw new BackupException("--to-time " + toTime + " is before the backup was consistent (" + manifest.finishedAt()
                    + "): use an earlier backup");
        }
        if (toTime != null && toTime.isAfter(Instant.now())) {
            throw new BackupException("--to-time " + toTime + " is in the future: the archive cannot reach it");
        }
        Path staging = dir.resolveSibling("." + dir.getFileName() + ".restoring-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (Manifest.Entry e : manifest.files()) {
                Path to = staging.resolve(e.path());
                Files.createDirectories(to.getParent());
                Files.copy(backup.resolve(e.path()), to, StandardCopyOption.COPY_ATTRIBUTES);
            }
            Path cluster = staging.resolve("postgres");
            // Directories a base backup leaves out (their contents), which PostgreSQL expects to find.
            for (String d : List.of("pg_wal/archive_status", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
                    "pg_snapshots", "pg_stat_tmp", "pg_subtrans", "pg_tblspc", "pg_twophase", "pg_logical/snapshots",
                    "pg_logical/mappings", "pg_commit_ts")) {
                Files.createDirectories(cluster.resolve(d));
            }
            Files.setPosixFilePermissions(cluster, PosixFilePermissions.fromString("rwx------"));
            Files.createFile(cluster.resolve("recovery.signal"));
            Instant reached = recover(staging, archiveDir, toTime, recoveryWait);
            Files.deleteIfExists(cluster.resolve("epg-lock"));
            Files.deleteIfExists(staging.resolve("recovery.log"));
            BaseBackup.requireEmptyTarget(dir, "restore into");
            BaseBackup.moveInto(staging, dir);
            log.info("Restored {} into {} up to {}", backup, dir, reached);
            return new Result(dir, reached, manifest);
        } catch (IOException e) {
            throw new BackupException("cannot restore into " + dir + ": " + Manifest.oneLine(e), e);
        } finally {
            BaseBackup.deleteTree(staging);
        }
    }

    /** Runs PostgreSQL's archive recovery in {@code dataDir}/postgres until it is promoted; the last replayed commit's time. */
    private static Instant recover(Path dataDir, Path archive, Instant toTime, Duration wait) throws IOException {
        Path cluster = dataDir.resolve("postgres");
        Path logFile = dataDir.resolve("recovery.log");
        String password = secret(dataDir, "postgres");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "localhost")
                // Archiving off: the restored copy must never write into the source's archive.
                .setServerConfig("archive_mode", "off")
                // pg_ctl hands these to a shell, hence the single quotes (the archive's path holds none).
                .setServerConfig("restore_command", "'cp \"" + archive + "/%f\" \"%p\"'")
                .setServerConfig("recovery_target_action", "promote")
                .setConnectConfig("password", password)
                .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setPGStartupWait(wait);
        if (toTime != null) {
            builder.setServerConfig("recovery_target_time", "'" + PG_TIME.format(toTime.atOffset(ZoneOffset.UTC)) + "'");
        }
        EmbeddedPostgres postgres;
        // zonky waits its whole start-up time for a server that already gave up; a FATAL in the log ends the wait.
        Thread starter = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean starting = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().daemon().name("recovery-watch").start(() -> {
            while (starting.get()) {
                if (recoveryFailure(logFile, toTime).isPresent()) {
                    synchronized (starting) {
                        if (starting.get()) {
                            starter.interrupt();
                        }
                    }
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new BackupException(recoveryFailure(logFile, toTime).orElse("PostgreSQL could not start the recovery: "
                    + Manifest.oneLine(e)), e);
        } finally {
            synchronized (starting) {
                starting.set(false);
            }
            watcher.interrupt();
            Thread.interrupted(); // the watcher's interrupt, if it came as the start succeeded, is not the caller's
        }
        try {
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
            long deadline = System.nanoTime() + wait.toNanos();
            Instant last = null;
            while (true) {
                try (Connection c = DriverManager.getConnection(url, "postgres", password); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), pg_last_xact_replay_timestamp()")) {
                    rs.next();
                    Timestamp at = rs.getTimestamp(2);
                    last = at == null ? last : at.toInstant();
                    if (!rs.getBoolean(1)) {
                        s.execute("CHECKPOINT");
                        return last;
                    }
                } catch (SQLException e) {
                    throw new BackupException(recoveryFailure(logFile, toTime)
                            .orElse("the recovery stopped: " + Manifest.oneLine(e)), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new BackupException("the recovery did not finish within " + wait);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BackupException("interrupted during the recovery");
                }
            }
        } finally {
            postgres.close();
        }
    }

    /** PostgreSQL's reason, from its log, for a recovery that stopped, in the terms of the command. */
    private static Optional<String> recoveryFailure(Path logFile, Instant toTime) {
        List<String> lines;
        try {
            lines = Files.exists(logFile) ? Files.readAllLines(logFile, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return Optional.empty();
        }
        // A client turned away while the server starts logs a FATAL too; those are not the recovery's.
        return lines.stream().filter(l -> l.contains("FATAL:") || l.contains("PANIC:"))
                .filter(l -> !l.contains("the database system is") && !l.contains("not yet accepting connections"))
                .findFirst().map(l -> {
            String why = l.substring(l.indexOf(':', l.indexOf(l.contains("FATAL:") ? "FATAL:" : "PANIC:")) + 1).strip();
            if (why.contains("recovery ended before configured recovery target was reached")) {
                return "--to-time " + toTime + " is past the end of the archive: it holds no WAL up to that time";
            }
            if (why.contains("before consistent recovery point")) {
                return "--to-time " + toTime + " is before the backup was consistent: use an earlier backup";
            }
            return "PostgreSQL stopped the recovery: " + why;
        });
    }

    private static String secret(Path dataDir, String role) throws IOException {
        Properties p = new Properties();
        Path file = dataDir.resolve("secrets/database.properties");
        if (!Files.exists(file)) {
            throw new BackupException("the backup holds no role passwords (secrets/database.properties)");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String value = p.getProperty("password." + role);
        if (value == null) {
            throw new BackupException("the backup's secrets/database.properties has no password for " + role);
        }
        return value;
    }
}
