package dev.bulwark.tenancy;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Backups of the database (docs/backups.md).
 *
 * @param archiveDir     embedded mode: where PostgreSQL archives every WAL segment ({@code basic_archive}); empty: no
 *                       archiving, and so no point-in-time recovery
 * @param archiveTimeout a segment is archived at least this often while anything is written, so the recovery point is
 *                       never older than this
 * @param dir            where scheduled base backups go, one directory each
 * @param schedule       how often a base backup is taken while the application runs: a duration ({@code 24h}) or a
 *                       six-field Spring cron expression ({@code 0 30 2 * * *}); empty: no scheduled backups
 * @param keep           scheduled backups kept in {@code dir}; older ones are removed after a new one is complete
 * @param stateDir       the record of the last base backup and the signed drill reports, which the trust center reads
 */
@ConfigurationProperties("bulwark.backup")
public record BackupProperties(
        String archiveDir,
        @DefaultValue("60s") Duration archiveTimeout,
        @DefaultValue("./var/backups") String dir,
        String schedule,
        @DefaultValue("7") int keep,
        @DefaultValue("./var/backup-state") String stateDir) {

    public BackupProperties {
        if (archiveTimeout.compareTo(Duration.ofSeconds(1)) < 0 || archiveTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("bulwark.backup.archive-timeout must be 1s..1h, was " + archiveTimeout);
        }
        if (keep < 1 || keep > 1000) {
            throw new IllegalArgumentException("bulwark.backup.keep must be 1..1000, was " + keep);
        }
        if (archiveDir != null && !archiveDir.isBlank() && archiveDir.contains("'")) {
            // The directory reaches PostgreSQL's command line in single quotes.
            throw new IllegalArgumentException("bulwark.backup.archive-dir must not contain a single quote");
        }
    }

    /** The WAL archive, or null when archiving is off. */
    public Path archiveDirectory() {
        return archiveDir == null || archiveDir.isBlank() ? null : Path.of(archiveDir).toAbsolutePath().normalize();
    }

    /** Where scheduled backups go. */
    public Path backupDirectory() {
        return Path.of(dir).toAbsolutePath().normalize();
    }

    public Path stateDirectory() {
        return Path.of(stateDir).toAbsolutePath().normalize();
    }

    public boolean scheduled() {
        return schedule != null && !schedule.isBlank();
    }
}
