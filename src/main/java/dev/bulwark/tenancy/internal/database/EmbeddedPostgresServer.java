package dev.bulwark.tenancy.internal.database;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.bulwark.tenancy.BackupProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;
import org.postgresql.core.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL 17 behind the zero-configuration default. One cluster per data directory per JVM
 * (integration tests share it). At every start it (1) stops a postmaster left running by a JVM that was
 * killed, (2) makes sure the owner and app roles exist with the attributes Bulwark relies on and with the
 * passwords kept in {@code secrets/database.properties}, and (3) requires SCRAM passwords for every login.
 */
final class EmbeddedPostgresServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Map<Path, Server> STARTED = new ConcurrentHashMap<>();
    private static final String SUPERUSER = "postgres";
    private static final String DATABASE = "bulwark";

    // Every connection, local or TCP, authenticates with a SCRAM password: initdb's "trust" ends at first start.
    private static final String PG_HBA = """
            # Written by Bulwark at every start: every login needs its SCRAM password.
            local   all   all                 scram-sha-256
            host    all   all   127.0.0.1/32  scram-sha-256
            host    all   all   ::1/128       scram-sha-256
            """;

    private EmbeddedPostgresServer() {
    }

    /**
     * A running cluster: how to reach it, and its supervisor (none when not supervised); {@code superPassword} is the
     * superuser's, for base backups, and {@code postgres} the handle that stops it.
     */
    record Server(ConnectionSettings settings, Path cluster, Optional<PostgresSupervisor> supervisor, String superPassword,
                  EmbeddedPostgres postgres) {

        /** A superuser connection to the {@code bulwark} database (base backups: pg_backup_start needs it). */
        java.sql.Connection superuser() throws SQLException {
            return java.sql.DriverManager.getConnection(settings.jdbcUrl(), SUPERUSER, superPassword);
        }
    }

    static ConnectionSettings start(DatabaseProperties properties, BackupProperties backup) {
        return server(properties, backup).settings();
    }

    static Server server(DatabaseProperties properties, BackupProperties backup) {
        Path dataDir = properties.embedded().dataDir().toAbsolutePath().normalize();
        return STARTED.computeIfAbsent(dataDir, dir -> {
            Booted booted = boot(dir, properties, archiving(backup));
            Path cluster = dir.resolve("postgres");
            Optional<PostgresSupervisor> supervisor = properties.embedded().supervise()
                    ? PostgresSupervisor.watch(cluster, properties.embedded().restartAttempts())
                    : Optional.empty();
            return new Server(booted.settings(), cluster, supervisor, booted.superPassword(), booted.postgres());
        });
    }

    /** The server this JVM started on {@code dataDir}, if any. */
    static Optional<Server> running(Path dataDir) {
        return Optional.ofNullable(STARTED.get(dataDir.toAbsolutePath().normalize()));
    }

    /** Stops the server this JVM started on {@code dataDir} (a command that started it only to back it up). */
    static void stop(Path dataDir) {
        Server server = STARTED.remove(dataDir.toAbsolutePath().normalize());
        if (server != null) {
            try {
                server.postgres().close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop the embedded PostgreSQL in " + server.cluster(), e);
            }
        }
    }

    /**
     * PostgreSQL's settings for continuous archiving into {@code bulwark.backup.archive-dir}: none when it is empty.
     * {@code basic_archive} (a contrib module shipped with the embedded binaries) rather than an {@code archive_command}:
     * it writes each segment to a temporary file, fsyncs it and renames it into place, refuses to replace a segment
     * with different content, and runs no shell; a {@code cp} command would leave a half-written segment visible
     * after a crash and never fsync it.
     */
    static Map<String, String> archiving(BackupProperties backup) {
        Path archive = backup == null ? null : backup.archiveDirectory();
        if (archive == null) {
            return Map.of();
        }
        try {
            Files.createDirectories(archive);
        } catch (IOException e) {
            // PostgreSQL reports each failed attempt in pg_stat_archiver, and the trust center shows it.
            log.error("cannot create the WAL archive directory {}: {}", archive, e.getMessage());
        }
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("archive_mode", "on");
        settings.put("archive_library", "basic_archive");
        // Quoted for pg_ctl's shell, which passes the options on (BackupProperties refuses a quote in the path).
        settings.put("basic_archive.archive_directory", "'" + archive + "'");
        settings.put("archive_timeout", Long.toString(Math.max(1, backup.archiveTimeout().toSeconds())));
        return settings;
    }

    private record Booted(ConnectionSettings settings, String superPassword, EmbeddedPostgres postgres) {
    }

    private static Booted boot(Path dataDir, DatabaseProperties properties, Map<String, String> archiving) {
        Path cluster = dataDir.resolve("postgres");
        SecretsFile secrets = SecretsFile.open(dataDir.resolve("secrets").resolve("database.properties"));
        String superPassword = secrets.passwordFor(SUPERUSER);
        String ownerPassword = secrets.passwordFor(properties.ownerUser());
        String appPassword = secrets.passwordFor(properties.appUser());
        try {
            Files.createDirectories(cluster);
            stopLeftoverPostmaster(cluster);
            String sync = properties.embedded().durable() ? "on" : "off";
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            archiving.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    .setServerConfig("fsync", sync)
                    .setServerConfig("synchronous_commit", sync)
                    .setServerConfig("full_page_writes", sync)
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setConnectConfig("password", superPassword)
                    // crash recovery after a kill can take longer than zonky's 10 s default
                    .setPGStartupWait(Duration.ofSeconds(120))
                    // The server's own lines (start, SIGHUP reloads) go to the file the supervisor also writes, not to
                    // the console, where a user could not act on them.
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolve("postgres.log").toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolve("postgres.log").toFile()))
                    .start();
            DataSource admin = postgres.getDatabase(SUPERUSER, "postgres");
            bootstrap(admin, properties, superPassword, ownerPassword, appPassword);
            requirePasswords(cluster, admin);
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
            log.info("Embedded PostgreSQL 17 ready on port {} with data in {} (durable commits: {}, WAL archive: {})",
                    postgres.getPort(), cluster, sync, archiving.isEmpty() ? "off" : archiving.get("basic_archive.archive_directory"));
            return new Booted(new ConnectionSettings(url, properties.ownerUser(), ownerPassword, properties.appUser(), appPassword),
                    superPassword, postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + cluster, e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the embedded PostgreSQL in " + cluster, e);
        }
    }

    /**
     * A JVM killed with SIGKILL leaves its postmaster running and the next start would fail on the stale cluster.
     * If no live process holds zonky's lock on the cluster, any postmaster still running there is such a leftover:
     * stop it (smart shutdown first; its clients died with the JVM). A cluster locked by a live JVM is refused.
     */
    static void stopLeftoverPostmaster(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileOutputStream lockStream = new FileOutputStream(cluster.resolve("epg-lock").toFile());
             FileLock lock = lockStream.getChannel().tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("the database in " + cluster + " is in use by another running Bulwark");
            }
        }
        Optional<ProcessHandle> leftover = readPid(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        if (leftover.isEmpty()) {
            return; // a stale pid file alone is handled by PostgreSQL itself
        }
        ProcessHandle postmaster = leftover.get();
        log.warn("Stopping PostgreSQL (pid {}) left running in {} by a process that did not shut down", postmaster.pid(), cluster);
        postmaster.destroy();
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception timeoutOrInterrupt) {
            log.warn("PostgreSQL pid {} did not stop in 30 s; killing it (crash recovery will replay its WAL)", postmaster.pid());
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        }
    }

    private static Optional<Long> readPid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.getFirst().trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Idempotent: run at every start, so attributes and passwords are always what Bulwark expects. */
    private static void bootstrap(DataSource admin, DatabaseProperties p, String superPassword, String ownerPassword,
                                  String appPassword) throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            // Passwords travel as SCRAM verifiers computed here, never as plaintext SQL.
            pg.alterUserPassword(SUPERUSER, superPassword.toCharArray(), "scram-sha-256");
            // Role names are validated identifiers (DatabaseProperties) and quoted: DDL takes no bind parameters.
            String owner = Utils.escapeIdentifier(null, p.ownerUser()).toString();
            String app = Utils.escapeIdentifier(null, p.appUser()).toString();
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", p.ownerUser())) {
                s.execute("CREATE ROLE " + owner);
            }
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", p.appUser())) {
                s.execute("CREATE ROLE " + app);
            }
            s.execute("ALTER ROLE " + owner + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
            // The app role: may log in, owns nothing, bypasses nothing.
            s.execute("ALTER ROLE " + app + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT");
            pg.alterUserPassword(p.ownerUser(), ownerPassword.toCharArray(), "scram-sha-256");
            pg.alterUserPassword(p.appUser(), appPassword.toCharArray(), "scram-sha-256");
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + owner + " ENCODING 'UTF8' TEMPLATE template0");
            }
            s.execute("REVOKE ALL ON DATABASE " + DATABASE + " FROM PUBLIC");
            s.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + app);
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void requirePasswords(Path cluster, DataSource admin) throws IOException, SQLException {
        Path hba = cluster.resolve("pg_hba.conf");
        if (PG_HBA.equals(Files.readString(hba, StandardCharsets.UTF_8))) {
            return;
        }
        Files.writeString(hba, PG_HBA, StandardCharsets.UTF_8);
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
    }
}
