package dev.bulwark.tenancy;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

import dev.bulwark.tenancy.internal.database.Commands;

/**
 * The command lines {@code java -jar bulwark.jar backup --to DIR} and
 * {@code restore --from DIR --archive ARCHIVE [--to-time RFC3339] --data-dir NEW}, run before (and without) the
 * application, and the restore the drill builds on. Exit status 0 on success; otherwise one line on stderr.
 */
public final class BackupCommands {

    private BackupCommands() {
    }

    public static int backup(String[] args, PrintStream out, PrintStream err) {
        return Commands.backup(args, out, err);
    }

    public static int restore(String[] args, PrintStream out, PrintStream err) {
        return Commands.restore(args, out, err);
    }

    /** What a restore reached: the data directory, and the time of the last transaction replayed (null if none). */
    public record Restored(Path dataDir, Instant restoredTo, Instant backupFinishedAt) {
    }

    /**
     * Checks the backup's manifest and restores it into {@code target} up to {@code toTime} (null: the archive's end);
     * a {@link BackupException} on any refusal, with {@code target} untouched.
     */
    public static Restored restore(Path from, Path archive, Instant toTime, Path target) {
        return Commands.restoreInto(from, archive, toTime, target);
    }

    /** Parses an RFC 3339 time with an offset, or refuses it with a {@link BackupException}. */
    public static Instant parseTime(String text) {
        return Commands.parseTime(text);
    }

    /** What a drill needs of the installation's configuration: its backup settings and its checkpoint copies. */
    public record Installation(BackupProperties backup, Path checkpointDir) {
    }

    /** Reads the installation's configuration (application.yml, environment, {@code --name=value} settings). */
    public static Installation installation(java.util.List<String> settings) {
        return Commands.installation(settings);
    }

    /** Stops the embedded PostgreSQL this JVM started on {@code dataDir}. */
    public static void stopEmbedded(Path dataDir) {
        Commands.stopEmbedded(dataDir);
    }

    /** Checks every file of a backup against its manifest, refusing a mismatch with a {@link BackupException}. */
    public static void checkManifest(Path backup) {
        Commands.checkManifest(backup);
    }
}
