package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.bulwark.tenancy.BackupException;
import dev.bulwark.tenancy.BackupProperties;
import dev.bulwark.tenancy.DatabaseBackups;
import dev.bulwark.tenancy.Lease;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Backups while the application runs: the WAL archive's health read from {@code pg_stat_archiver}, and base backups on
 * the configured schedule into {@code bulwark.backup.dir} ({@code backup-<UTC time>}, the oldest removed past
 * {@code bulwark.backup.keep}), one instance at a time (the lease {@code backup}).
 */
@Component
class Backups implements DatabaseBackups {

    private static final Logger log = LoggerFactory.getLogger(Backups.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'backup-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration LEASE = Duration.ofHours(6);
    private static final Duration RETRY = Duration.ofMinutes(5);

    private final DatabaseProperties database;
    private final BackupProperties properties;
    private final S3Properties s3;
    private final Environment environment;
    private final Lease leases;
    private final Clock clock;
    private final Function<Instant, Instant> schedule;
    private volatile boolean closed;
    private Thread runner;

    Backups(DatabaseProperties database, BackupProperties properties, S3Properties s3, Environment environment, Lease leases,
            ObjectProvider<Clock> clock) {
        this.database = database;
        this.properties = properties;
        this.s3 = s3;
        this.environment = environment;
        this.leases = leases;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.schedule = properties.scheduled() ? parseSchedule(properties.schedule()) : null;
    }

    /** A duration ({@code 24h}, {@code PT6H}) or a six-field cron expression, as the next run after a given one. */
    static Function<Instant, Instant> parseSchedule(String text) {
        Duration every;
        try {
            every = DurationStyle.detectAndParse(text.strip());
        } catch (IllegalArgumentException notADuration) {
            every = null;
        }
        if (every != null) {
            if (every.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("bulwark.backup.schedule must be at least a minute apart, was " + text);
            }
            Duration period = every;
            return last -> last.plus(period);
        }
        if (!CronExpression.isValidExpression(text.strip())) {
            throw new IllegalArgumentException("bulwark.backup.schedule must be a duration (24h) or a six-field cron"
                    + " expression (0 30 2 * * *), was '" + text + "'");
        }
        CronExpression cron = CronExpression.parse(text.strip());
        return last -> cron.next(last.atZone(ZoneOffset.UTC)).toInstant();
    }

    @Override
    public boolean configured() {
        return properties.scheduled() || (!database.external() && properties.archiveDirectory() != null);
    }

    @Override
    public Optional<Instant> dueAfter(Instant last) {
        return schedule == null ? Optional.empty() : Optional.of(schedule.apply(last));
    }

    @Override
    public Optional<OffsiteCopy> offsiteCopy() {
        if (!s3.configured()) {
            return Optional.empty();
        }
        S3Copy.State st = S3Copy.read(properties.stateDirectory());
        String prefix = s3.prefix().isEmpty() ? "" : "/" + s3.prefix();
        return Optional.of(new OffsiteCopy("s3://" + s3.bucket() + prefix, st.backup(), st.backupAt(), st.wal(), st.walAt(),
                st.okAt(), st.failedAt(), st.failure(), st.failures(), st.failing()));
    }

    @Override
    public Optional<LastBackup> lastBackup() {
        return BackupState.lastBackup(properties.stateDirectory());
    }

    @Override
    public LastBackup backupNow(Path target) {
        return Commands.takeBackup(database, properties, environment, target);
    }

    @Override
    public ArchiveStatus archive() {
        if (database.external() || properties.archiveDirectory() == null) {
            return ArchiveStatus.off();
        }
        Optional<EmbeddedPostgresServer.Server> server = EmbeddedPostgresServer.running(database.embedded().dataDir());
        if (server.isEmpty()) {
            return new ArchiveStatus(true, null, null, null, null, 0, 0, properties.archiveTimeout(), "the database is not running");
        }
        try (Connection c = server.get().superuser(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT a.last_archived_wal, a.last_archived_time, a.last_failed_wal, a.last_failed_time, a.failed_count,
                            pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, current_setting('archive_mode'),
                            (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size')
                     FROM pg_stat_archiver a""")) {
            rs.next();
            String archived = rs.getString(1);
            long current = rs.getLong(6);
            long segmentSize = rs.getLong(8);
            if (rs.getString(7).equals("off")) {
                return new ArchiveStatus(true, null, null, null, null, 0, 0, properties.archiveTimeout(),
                        "archive_mode is off: the database has not been restarted since archiving was configured");
            }
            return new ArchiveStatus(true, archived, instant(rs.getTimestamp(2)), rs.getString(3), instant(rs.getTimestamp(4)),
                    rs.getLong(5), Math.max(0, current - archivedThrough(archived, segmentSize)), properties.archiveTimeout(), null);
        } catch (SQLException e) {
            return new ArchiveStatus(true, null, null, null, null, 0, 0, properties.archiveTimeout(),
                    "cannot read pg_stat_archiver: " + Manifest.oneLine(e));
        }
    }

    /**
     * The WAL position up to which the archive holds everything, from the name of the last file archived: the end of a
     * segment, or the start of the segment a history or backup-history file names (counted conservatively).
     */
    static long archivedThrough(String lastArchived, long segmentSize) {
        if (lastArchived == null || lastArchived.length() < 24 || !lastArchived.substring(0, 24).matches("[0-9A-F]{24}")) {
            return 0;
        }
        long start = Long.parseLong(lastArchived.substring(8, 16), 16) * 0x1_0000_0000L
                + Long.parseLong(lastArchived.substring(16, 24), 16) * segmentSize;
        return lastArchived.length() == 24 ? start + segmentSize : start;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @EventListener(ApplicationReadyEvent.class)
    void startSchedule() {
        if (schedule == null) {
            return;
        }
        runner = Thread.ofVirtual().name("scheduled-backups").start(this::loop);
        log.info("Base backups scheduled ({}) into {}, keeping {}", properties.schedule(), properties.backupDirectory(),
                properties.keep());
    }

    @PreDestroy
    void stopSchedule() {
        closed = true;
        if (runner != null) {
            runner.interrupt();
        }
    }

    private void loop() {
        Instant retryAt = null;
        while (!closed) {
            Instant now = clock.instant();
            Instant due = lastBackup().map(b -> schedule.apply(b.finishedAt())).orElse(now);
            if (retryAt != null && retryAt.isAfter(due)) {
                due = retryAt;
            }
            if (due.isAfter(now)) {
                sleep(Duration.between(now, due).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                        : Duration.between(now, due));
                continue;
            }
            try {
                Optional<Lease.Held> held = leases.acquire("backup", now, LEASE);
                if (held.isEmpty()) {
                    retryAt = now.plus(RETRY);
                    continue;
                }
                try (Lease.Held lease = held.get()) {
                    Path target = properties.backupDirectory().resolve(NAME.format(now));
                    Files.createDirectories(properties.backupDirectory());
                    LastBackup done = backupNow(target);
                    log.info("Scheduled base backup in {}: {} files, {} bytes", done.dir(), done.files(), done.bytes());
                    prune();
                    retryAt = null;
                }
            } catch (IOException | RuntimeException e) {
                log.error("BACKUP FAILED: the scheduled base backup into {} failed: {}; trying again in {}",
                        properties.backupDirectory(), e instanceof BackupException ? e.getMessage() : Manifest.oneLine(e), RETRY);
                retryAt = clock.instant().plus(RETRY);
            }
        }
    }

    /** Removes the oldest finished scheduled backups beyond {@code keep}. */
    void prune() throws IOException {
        List<Path> finished;
        try (Stream<Path> dirs = Files.list(properties.backupDirectory())) {
            finished = dirs.filter(d -> d.getFileName().toString().startsWith("backup-"))
                    .filter(d -> Files.isRegularFile(d.resolve(Manifest.FILE)))
                    .sorted(Comparator.comparing(d -> d.getFileName().toString()))
                    .toList();
        }
        for (int i = 0; i < finished.size() - properties.keep(); i++) {
            log.info("Removing base backup {} (keeping the newest {})", finished.get(i), properties.keep());
            BaseBackup.deleteTree(finished.get(i));
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }
}
