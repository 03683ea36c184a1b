package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.bulwark.egress.EgressProperties;
import dev.bulwark.egress.StandaloneEgress;
import dev.bulwark.tenancy.BackupCommands;
import dev.bulwark.tenancy.BackupException;
import dev.bulwark.tenancy.BackupProperties;
import dev.bulwark.tenancy.DatabaseBackups;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code backup} and {@code restore} command lines. {@code backup} reads the installation's configuration as the
 * application would (application.yml, environment, {@code --name=value} arguments) in a context that holds nothing but
 * that configuration: no HTTP server, no migration, no scheduler. Against a running Bulwark it backs up online; with
 * none running it starts the embedded PostgreSQL itself and stops it after. {@code restore} needs no configuration.
 */
public final class Commands {

    private Commands() {
    }

    /** The configuration alone: what {@code backup} needs to find the database, its keys and its checkpoints. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({DatabaseProperties.class, BackupProperties.class, S3Properties.class,
            EgressProperties.class})
    static class ConfigurationOnly {
    }

    public static int backup(String[] args, PrintStream out, PrintStream err) {
        Path to = null;
        List<String> settings = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--to")) {
                    to = Path.of(value(args, i++));
                } else if (args[i].startsWith("--") && args[i].contains("=")) {
                    settings.add(args[i]);
                } else {
                    throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (to == null) {
                throw new IllegalArgumentException("--to is required");
            }
        } catch (IllegalArgumentException e) {
            err.println("backup: " + e.getMessage() + " (usage: backup --to DIR [--bulwark.setting=value]...)");
            return 2;
        }
        try (ConfigurableApplicationContext context = configuration(settings)) {
            DatabaseProperties database = context.getBean(DatabaseProperties.class);
            BackupProperties backup = context.getBean(BackupProperties.class);
            DatabaseBackups.LastBackup done = takeBackup(database, backup, context.getEnvironment(), to);
            out.printf("backup: %d files, %d bytes, consistent at %s, in %s%n", done.files(), done.bytes(), done.finishedAt(),
                    done.dir());
            return 0;
        } catch (BackupException e) {
            err.println("backup: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("backup: " + Manifest.oneLine(rootCause(e)));
            return 1;
        }
    }

    public static int restore(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> settings = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--from", "--archive", "--to-time", "--data-dir", "--from-s3" -> {
                        if (options.put(args[i], value(args, i++)) != null) {
                            throw new IllegalArgumentException(args[i - 1] + " is given twice");
                        }
                    }
                    default -> {
                        if (args[i].startsWith("--") && args[i].contains("=")) {
                            settings.add(args[i]);
                        } else {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                    }
                }
            }
            boolean s3 = options.containsKey("--from-s3");
            if (s3 && (options.containsKey("--from") || options.containsKey("--archive"))) {
                throw new IllegalArgumentException("--from-s3 fetches the backup and its WAL: give neither --from nor --archive");
            }
            for (String required : s3 ? List.of("--data-dir") : List.of("--from", "--archive", "--data-dir")) {
                if (!options.containsKey(required)) {
                    throw new IllegalArgumentException(required + " is required");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("restore: " + e.getMessage()
                    + " (usage: restore --from DIR --archive ARCHIVE [--to-time RFC3339] --data-dir NEW,"
                    + " or restore --from-s3 BACKUP-NAME [--to-time RFC3339] --data-dir NEW [--bulwark.setting=value]...)");
            return 2;
        }
        try {
            Instant toTime = options.containsKey("--to-time") ? parseTime(options.get("--to-time")) : null;
            BackupCommands.Restored r;
            if (options.containsKey("--from-s3")) {
                r = restoreFromS3(options.get("--from-s3"), toTime, Path.of(options.get("--data-dir")), settings, out);
            } else {
                r = restoreInto(Path.of(options.get("--from")), Path.of(options.get("--archive")), toTime,
                        Path.of(options.get("--data-dir")));
            }
            out.printf("restore: %s restored up to %s; start it with BULWARK_DATA_DIR=%s%n", r.dataDir(),
                    r.restoredTo() == null ? "the end of the backup" : r.restoredTo(), r.dataDir());
            return 0;
        } catch (BackupException e) {
            err.println("restore: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("restore: " + Manifest.oneLine(rootCause(e)));
            return 1;
        }
    }

    /**
     * Fetches the backup {@code name} and the WAL after it from the configured S3 copy into a hidden sibling of
     * {@code target}, restores from there, and removes the fetched copy whatever happens. The S3 settings and the egress
     * allow list are read like {@code backup} reads its configuration; answers of up to 1 GiB are accepted (a relation
     * file is at most that).
     */
    static BackupCommands.Restored restoreFromS3(String name, Instant toTime, Path target, List<String> settings,
                                                 PrintStream out) {
        Path dir = target.toAbsolutePath().normalize();
        BaseBackup.requireEmptyTarget(dir, "restore into");
        S3Properties s3;
        EgressProperties egress;
        try (ConfigurableApplicationContext context = configuration(settings)) {
            s3 = context.getBean(S3Properties.class);
            egress = context.getBean(EgressProperties.class);
        }
        if (!s3.configured()) {
            throw new BackupException("--from-s3 needs bulwark.backup.s3.endpoint, bucket, access-key and secret-key");
        }
        EgressProperties large = new EgressProperties(egress.allow(), egress.connectTimeout(), egress.readTimeout(),
                egress.totalTimeout(), 1L << 30);
        S3Store store = new S3Store(s3, StandaloneEgress.create(large), java.time.Clock.systemUTC());
        Path work = dir.resolveSibling("." + dir.getFileName() + ".s3-" + java.util.UUID.randomUUID());
        try {
            Files.createDirectories(work, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            S3Fetch.Fetched fetched = S3Fetch.fetch(store, name, work);
            out.printf("restore: fetched %s (%d files) and %d WAL segments from %s%n", name, fetched.files(),
                    fetched.segments(), store.where(store.key("")));
            return restoreInto(fetched.backup(), fetched.archive(), toTime, dir);
        } catch (java.io.IOException e) {
            throw new BackupException("cannot fetch the backup from S3 into " + work + ": " + Manifest.oneLine(e), e);
        } finally {
            BaseBackup.deleteTree(work);
        }
    }

    /** The installation's backup settings and checkpoint directory, read as {@code backup} reads them. */
    public static BackupCommands.Installation installation(List<String> settings) {
        try (ConfigurableApplicationContext context = configuration(settings)) {
            String checkpoints = context.getEnvironment().getProperty("bulwark.audit.checkpoint-dir", "");
            return new BackupCommands.Installation(context.getBean(BackupProperties.class),
                    checkpoints.isBlank() ? null : Path.of(checkpoints).toAbsolutePath().normalize());
        }
    }

    /** Stops the embedded PostgreSQL this JVM started on {@code dataDir} (a drill's restored copy). */
    public static void stopEmbedded(Path dataDir) {
        EmbeddedPostgresServer.stop(dataDir);
    }

    public static BackupCommands.Restored restoreInto(Path from, Path archive, Instant toTime, Path target) {
        Restore.Result r = Restore.run(from, archive, toTime, target, Duration.ofMinutes(30));
        return new BackupCommands.Restored(r.dataDir(), r.restoredTo(), r.manifest().finishedAt());
    }

    public static Instant parseTime(String text) {
        return Restore.parseTime(text);
    }

    public static void checkManifest(Path backup) {
        Manifest.readAndCheck(backup.toAbsolutePath().normalize());
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static ConfigurableApplicationContext configuration(List<String> settings) {
        return new SpringApplicationBuilder(ConfigurationOnly.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .properties("logging.level.root=OFF", "spring.main.lazy-initialization=true")
                .run(settings.toArray(String[]::new));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Takes a base backup of the configured database into {@code target} and records it in the state directory. The
     * embedded cluster is backed up through the server this JVM runs, or online through the one another process runs,
     * or else through one started for the backup and stopped after.
     */
    static DatabaseBackups.LastBackup takeBackup(DatabaseProperties database, BackupProperties backup, Environment env,
                                                 Path target) {
        if (database.external()) {
            throw new BackupException("backups of an external PostgreSQL (DATABASE_URL) are taken with its own tools"
                    + " (pgBackRest, WAL-G, the provider's point-in-time recovery): docs/backups.md");
        }
        Path dataDir = database.embedded().dataDir().toAbsolutePath().normalize();
        Path cluster = dataDir.resolve("postgres");
        if (!Files.isRegularFile(cluster.resolve("PG_VERSION"))) {
            throw new BackupException("there is no database in " + dataDir + " to back up");
        }
        BaseBackup base = new BaseBackup(cluster, extras(env, dataDir), "embedded");
        Manifest manifest;
        Optional<EmbeddedPostgresServer.Server> ours = EmbeddedPostgresServer.running(dataDir);
        Optional<Integer> theirs = ours.isPresent() ? Optional.empty() : livePort(cluster);
        try {
            if (ours.isPresent()) {
                try (Connection c = ours.get().superuser()) {
                    manifest = base.take(c, target);
                }
            } else if (theirs.isPresent()) {
                String password = SecretsFile.open(dataDir.resolve("secrets/database.properties")).passwordFor("postgres");
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + theirs.get() + "/postgres",
                        "postgres", password)) {
                    manifest = base.take(c, target);
                }
            } else {
                BaseBackup.requireEmptyTarget(target.toAbsolutePath().normalize(), "back up into");
                DatabaseProperties unsupervised = new DatabaseProperties(database.url(), database.ownerUser(),
                        database.ownerPassword(), database.appUser(), database.appPassword(), database.schema(),
                        database.poolSize(), database.connectionTimeout(), database.probeTimeout(),
                        new DatabaseProperties.Embedded(dataDir, database.embedded().durable(), false,
                                database.embedded().restartAttempts(), database.embedded().minFreeSpace()));
                try {
                    EmbeddedPostgresServer.Server server = EmbeddedPostgresServer.server(unsupervised, backup);
                    try (Connection c = server.superuser()) {
                        manifest = base.take(c, target);
                    }
                } finally {
                    EmbeddedPostgresServer.stop(dataDir);
                }
            }
        } catch (SQLException e) {
            throw new BackupException("cannot connect to the database to back it up: " + Manifest.oneLine(e), e);
        }
        long bytes = manifest.files().stream().mapToLong(Manifest.Entry::size).sum();
        DatabaseBackups.LastBackup done = new DatabaseBackups.LastBackup(target.toAbsolutePath().normalize(),
                manifest.finishedAt(), manifest.files().size(), bytes);
        BackupState.recordBackup(backup.stateDirectory(), done);
        return done;
    }

    /** The key directories (root keyset, signing keys), the checkpoint copies and the role passwords. */
    static List<BaseBackup.Extra> extras(Environment env, Path dataDir) {
        Set<Path> keyDirs = new LinkedHashSet<>();
        for (String property : List.of("bulwark.keys.dir", "bulwark.auth.key-dir", "bulwark.audit.key-dir")) {
            keyDirs.add(Path.of(env.getProperty(property, dataDir.resolve("keys").toString())).toAbsolutePath().normalize());
        }
        List<BaseBackup.Extra> extras = new ArrayList<>();
        for (Path keys : keyDirs) {
            extras.add(new BaseBackup.Extra(keys, "keys"));
        }
        String checkpoints = env.getProperty("bulwark.audit.checkpoint-dir", dataDir.resolve("checkpoints").toString());
        if (!checkpoints.isBlank()) {
            extras.add(new BaseBackup.Extra(Path.of(checkpoints), "checkpoints"));
        }
        extras.add(new BaseBackup.Extra(dataDir.resolve("secrets/database.properties"), "secrets/database.properties"));
        return extras;
    }

    /** The port of a postmaster running on {@code cluster} in another process, read from its {@code postmaster.pid}. */
    static Optional<Integer> livePort(Path cluster) {
        Path pidFile = cluster.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            boolean alive = ProcessHandle.of(Long.parseLong(lines.get(0).trim())).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
