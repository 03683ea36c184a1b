package dev.bulwark.tenancy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The database's backups as the running application sees them (docs/backups.md): whether they are configured, the
 * last base backup, the WAL archive's health from {@code pg_stat_archiver}, and a base backup on demand. The trust
 * center's {@code backup.fresh} reads it.
 */
public interface DatabaseBackups {

    /** Backups are configured: WAL archiving (embedded) or scheduled base backups. */
    boolean configured();

    /** The configured schedule's next run after {@code last}; empty when no schedule is configured. */
    Optional<Instant> dueAfter(Instant last);

    /** The last base backup any process of this installation recorded. */
    Optional<LastBackup> lastBackup();

    /** The WAL archive now; {@code on} false when archiving is off (or the database is external). */
    ArchiveStatus archive();

    /** Takes a base backup into {@code target} (absent or an empty directory) and records it. */
    LastBackup backupNow(Path target);

    /** The copy to S3-compatible storage ({@code bulwark.backup.s3.*}); empty when none is configured. */
    default Optional<OffsiteCopy> offsiteCopy() {
        return Optional.empty();
    }

    /**
     * The S3 copy's progress: where it goes ({@code s3://bucket/prefix}), the last backup copied and when, the last WAL
     * segment copied and when, the end of the last complete round, and the last failure with its secret-free reason and
     * the rounds failed since the last complete one. {@code failing}: the last round failed.
     */
    record OffsiteCopy(String destination, String lastBackup, Instant lastBackupAt, String lastWal, Instant lastWalAt,
                       Instant lastCompleteAt, Instant lastFailureAt, String lastFailure, int failures, boolean failing) {
    }

    /** A finished base backup: where, when it was consistent, and its size. */
    record LastBackup(Path dir, Instant finishedAt, int files, long bytes) {
    }

    /**
     * {@code pg_stat_archiver} with the WAL written since the last archived segment ended ({@code pendingBytes}): the
     * last segment archived and when, the last failure and when, and the configured timeout.
     */
    record ArchiveStatus(boolean on, String lastArchivedWal, Instant lastArchivedAt, String lastFailedWal,
                         Instant lastFailedAt, long failedCount, long pendingBytes, Duration timeout, String problem) {

        public static ArchiveStatus off() {
            return new ArchiveStatus(false, null, null, null, null, 0, 0, null, null);
        }
    }
}
