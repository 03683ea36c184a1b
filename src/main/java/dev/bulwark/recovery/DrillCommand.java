package dev.bulwark.recovery;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.bulwark.recovery.internal.Drill;
import dev.bulwark.shared.OwnerOnlyFiles;
import dev.bulwark.tenancy.BackupCommands;
import dev.bulwark.tenancy.BackupException;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar bulwark.jar dr-drill --from DIR --archive ARCHIVE [--bulwark.setting=value]...}: restores the backup
 * and the whole archive into a temporary directory, starts the application on it without an HTTP server (its WAL
 * archive, scheduled backups and checkpoint copies pointed into the temporary directory, so nothing is written to the
 * source's), verifies every chain ({@link Drill}), prints {@code {restoredTo, orgs, eventsVerified, valid, seconds}},
 * writes the signed report to {@code <bulwark.backup.state-dir>/drills/}, stops everything and removes the copy. Exit
 * status 0 only when everything verified; 1 when something did not or the drill could not run (one line on stderr);
 * 2 when it was used wrongly. {@code dr-drill --database-url URL} drills an external PostgreSQL its platform's tools
 * restored: nothing to restore, the rest the same ({@link #drillExternal}).
 */
public final class DrillCommand {

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'drill-'yyyyMMdd'T'HHmmssSSS'Z.json'")
            .withZone(ZoneOffset.UTC);
    /**
     * Settings the drill sets itself for the copy, so it never writes where the source does; given on the command line
     * they still say where the installation keeps its state and checkpoint copies.
     */
    private static final Set<String> OWN = Set.of("bulwark.database.url", "bulwark.database.embedded.data-dir",
            "bulwark.database.embedded.supervise", "bulwark.keys.dir", "bulwark.auth.key-dir", "bulwark.audit.key-dir",
            "bulwark.audit.checkpoint-dir", "bulwark.mail.dir", "bulwark.tls.dir", "bulwark.backup.archive-dir",
            "bulwark.backup.schedule", "bulwark.backup.dir", "bulwark.backup.state-dir", "bulwark.http.long-answers.spool-dir",
            "logging.level.root");

    private DrillCommand() {
    }

    public static int run(Class<?> application, String[] args, PrintStream out, PrintStream err) {
        Path from = null;
        Path archive = null;
        String databaseUrl = null;
        List<String> settings = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[i + 1] : null;
                switch (args[i]) {
                    case "--from" -> from = Path.of(required(args[i], value));
                    case "--archive" -> archive = Path.of(required(args[i], value));
                    case "--database-url" -> databaseUrl = required(args[i], value);
                    default -> {
                        if (!args[i].startsWith("--") || !args[i].contains("=")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        settings.add(args[i]);
                        continue;
                    }
                }
                i++;
            }
            if (databaseUrl != null && (from != null || archive != null)) {
                throw new IllegalArgumentException("--database-url drills a database restored by its platform's tools:"
                        + " give neither --from nor --archive");
            }
            if (databaseUrl == null && (from == null || archive == null)) {
                throw new IllegalArgumentException("--from and --archive are required");
            }
        } catch (IllegalArgumentException e) {
            err.println("dr-drill: " + e.getMessage() + " (usage: dr-drill --from DIR --archive ARCHIVE, or dr-drill"
                    + " --database-url URL-OF-A-RESTORED-COPY [--bulwark.setting=value]...)");
            return 2;
        }
        try {
            if (databaseUrl != null) {
                return drillExternal(application, databaseUrl, settings, out, err);
            }
            return drill(application, from.toAbsolutePath().normalize(), archive.toAbsolutePath().normalize(), settings, out, err);
        } catch (RuntimeException e) {
            err.println("dr-drill: " + oneLine(e));
            return 1;
        }
    }

    private static int drill(Class<?> application, Path from, Path archive, List<String> settings, PrintStream out,
                             PrintStream err) {
        long began = System.nanoTime();
        Instant drilledAt = Instant.now();
        BackupCommands.Installation installation = BackupCommands.installation(settings);
        Path reports = installation.backup().stateDirectory().resolve(DrillReports.DIR);
        Path temp;
        try {
            temp = Files.createTempDirectory("bulwark-drill-");
        } catch (IOException e) {
            throw new BackupException("cannot create a temporary directory: " + e.getMessage());
        }
        Path data = temp.resolve("data");
        ConfigurableApplicationContext context = null;
        try {
            BackupCommands.Restored restored;
            try {
                restored = BackupCommands.restore(from, archive, null, data);
            } catch (BackupException refused) {
                DrillReport failed = new DrillReport(null, 0, 0, false, seconds(began), drilledAt, from.toString(),
                        List.of(refused.getMessage()));
                OwnerOnlyFiles.write(reports.resolve(NAME.format(drilledAt)), failed.file(null, null));
                throw refused;
            }
            // The installation's settings, but for those the drill sets itself for its copy.
            List<String> args = new ArrayList<>(settings.stream()
                    .filter(a -> !OWN.contains(a.substring(2, a.indexOf('=')))).toList());
            args.addAll(List.of("--bulwark.database.url=", "--bulwark.database.embedded.data-dir=" + data,
                    "--bulwark.database.embedded.supervise=false",
                    "--bulwark.keys.dir=" + data.resolve("keys"), "--bulwark.auth.key-dir=" + data.resolve("keys"),
                    "--bulwark.audit.key-dir=" + data.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + data.resolve("checkpoints"),
                    "--bulwark.mail.dir=" + temp.resolve("mail"), "--bulwark.tls.dir=" + temp.resolve("tls"),
                    "--bulwark.backup.archive-dir=", "--bulwark.backup.schedule=", "--bulwark.backup.dir=" + temp.resolve("backups"),
                    "--bulwark.backup.state-dir=" + temp.resolve("state"),
                    "--bulwark.http.long-answers.spool-dir=" + temp.resolve("spool"), "--logging.level.root=OFF"));
            try {
                context = new SpringApplicationBuilder(application)
                        .web(WebApplicationType.NONE)
                        .bannerMode(Banner.Mode.OFF)
                        .logStartupInfo(false)
                        .registerShutdownHook(false)
                        .run(args.toArray(String[]::new));
            } catch (RuntimeException cannotStart) {
                DrillReport failed = new DrillReport(restored.restoredTo(), 0, 0, false, seconds(began), drilledAt, from.toString(),
                        List.of("the restored copy does not start: " + oneLine(cannotStart)));
                OwnerOnlyFiles.write(reports.resolve(NAME.format(drilledAt)), failed.file(null, null));
                throw new BackupException("the restored copy does not start: " + oneLine(cannotStart), cannotStart);
            }
            Drill drill = context.getBean(Drill.class);
            // Checkpoint copies: the backup's, and the installation's own directory (read only).
            List<Path> copies = new ArrayList<>(List.of(from.resolve("checkpoints")));
            if (installation.checkpointDir() != null) {
                copies.add(installation.checkpointDir());
            }
            Path work = Files.createDirectories(temp.resolve("exports"));
            Drill.Outcome outcome = drill.verifyAll(copies, work);
            Instant restoredTo = restored.restoredTo() != null ? restored.restoredTo() : restored.backupFinishedAt();
            DrillReport report = new DrillReport(restoredTo, outcome.orgs(), outcome.eventsVerified(), outcome.valid(),
                    seconds(began), drilledAt, from.toString(), outcome.problems());
            byte[] signature = drill.sign(DrillReport.CONTEXT, report.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            OwnerOnlyFiles.write(reports.resolve(NAME.format(drilledAt)), report.file(drill.verifierKey(), signature));
            out.println(report.summary());
            if (!outcome.valid()) {
                err.println("dr-drill: " + outcome.problems().size() + " problem(s), first: " + outcome.problems().getFirst());
                return 1;
            }
            return 0;
        } catch (IOException e) {
            throw new BackupException("the drill failed: " + e.getMessage(), e);
        } finally {
            if (context != null) {
                context.close();
            }
            BackupCommands.stopEmbedded(data);
            delete(temp);
        }
    }

    /**
     * The drill of an external PostgreSQL that its platform's tools restored (pgBackRest, WAL-G, a managed service's
     * point-in-time recovery) and that {@code url} names: the application starts on it without an HTTP server, with the
     * installation's settings (the roles' passwords, the key directories, which unseal the keys) except that its
     * checkpoint copies, mail, TLS, backups, state and spool go to a temporary directory; every chain is verified against
     * the installation's checkpoint copies (read only) as for a restored backup, and the report is signed and kept as
     * any drill's. Point it at the restored copy, never at the live database: the application runs its migrations and
     * background work there while the drill lasts.
     */
    private static int drillExternal(Class<?> application, String url, List<String> settings, PrintStream out,
                                     PrintStream err) {
        long began = System.nanoTime();
        Instant drilledAt = Instant.now();
        BackupCommands.Installation installation = BackupCommands.installation(settings);
        Path reports = installation.backup().stateDirectory().resolve(DrillReports.DIR);
        Path temp;
        try {
            temp = Files.createTempDirectory("bulwark-drill-");
        } catch (IOException e) {
            throw new BackupException("cannot create a temporary directory: " + e.getMessage());
        }
        Set<String> keys = Set.of("bulwark.keys.dir", "bulwark.auth.key-dir", "bulwark.audit.key-dir");
        String where = url.replaceAll("\\?.*", ""); // the report names the database, never a query's parameters
        ConfigurableApplicationContext context = null;
        try {
            List<String> args = new ArrayList<>(settings.stream().filter(a -> {
                String name = a.substring(2, a.indexOf('='));
                return !OWN.contains(name) || keys.contains(name);
            }).toList());
            args.addAll(List.of("--bulwark.database.url=" + url, "--bulwark.database.embedded.data-dir=" + temp.resolve("unused"),
                    "--bulwark.audit.checkpoint-dir=" + temp.resolve("checkpoints"),
                    "--bulwark.mail.dir=" + temp.resolve("mail"), "--bulwark.tls.dir=" + temp.resolve("tls"),
                    "--bulwark.backup.archive-dir=", "--bulwark.backup.schedule=", "--bulwark.backup.dir=" + temp.resolve("backups"),
                    "--bulwark.backup.state-dir=" + temp.resolve("state"),
                    "--bulwark.http.long-answers.spool-dir=" + temp.resolve("spool"), "--logging.level.root=OFF"));
            try {
                context = new SpringApplicationBuilder(application)
                        .web(WebApplicationType.NONE)
                        .bannerMode(Banner.Mode.OFF)
                        .logStartupInfo(false)
                        .registerShutdownHook(false)
                        .run(args.toArray(String[]::new));
            } catch (RuntimeException cannotStart) {
                DrillReport failed = new DrillReport(null, 0, 0, false, seconds(began), drilledAt, where,
                        List.of("the application does not start on the restored database: " + oneLine(cannotStart)));
                OwnerOnlyFiles.write(reports.resolve(NAME.format(drilledAt)), failed.file(null, null));
                throw new BackupException("the application does not start on " + where + ": " + oneLine(cannotStart), cannotStart);
            }
            Drill drill = context.getBean(Drill.class);
            List<Path> copies = installation.checkpointDir() == null ? List.of() : List.of(installation.checkpointDir());
            Path work = Files.createDirectories(temp.resolve("exports"));
            Drill.Outcome outcome = drill.verifyAll(copies, work);
            DrillReport report = new DrillReport(null, outcome.orgs(), outcome.eventsVerified(), outcome.valid(),
                    seconds(began), drilledAt, where, outcome.problems());
            byte[] signature = drill.sign(DrillReport.CONTEXT, report.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            OwnerOnlyFiles.write(reports.resolve(NAME.format(drilledAt)), report.file(drill.verifierKey(), signature));
            out.println(report.summary());
            if (!outcome.valid()) {
                err.println("dr-drill: " + outcome.problems().size() + " problem(s), first: " + outcome.problems().getFirst());
                return 1;
            }
            return 0;
        } catch (IOException e) {
            throw new BackupException("the drill failed: " + e.getMessage(), e);
        } finally {
            if (context != null) {
                context.close();
            }
            delete(temp);
        }
    }

    private static double seconds(long began) {
        return (System.nanoTime() - began) / 1e9;
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static String oneLine(Throwable e) {
        Throwable t = e;
        if (!(t instanceof BackupException)) {
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it in time
        }
    }
}
