package dev.bulwark.tenancy.internal.database;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bulwark.backup.schedule} and the WAL arithmetic the archive's health rests on. */
class BackupScheduleTest {

    private static final Instant LAST = Instant.parse("2026-12-05T01:10:00Z");

    @Test
    void aScheduleIsADurationOrACronExpression() {
        assertThat(Backups.parseSchedule("24h").apply(LAST)).isEqualTo(Instant.parse("2026-12-06T01:10:00Z"));
        assertThat(Backups.parseSchedule("PT6H").apply(LAST)).isEqualTo(Instant.parse("2026-12-05T07:10:00Z"));
        assertThat(Backups.parseSchedule("0 30 2 * * *").apply(LAST)).as("cron, in UTC").isEqualTo(Instant.parse("2026-12-05T02:30:00Z"));
        assertThatThrownBy(() -> Backups.parseSchedule("every day")).hasMessageContaining("bulwark.backup.schedule");
        assertThatThrownBy(() -> Backups.parseSchedule("10s")).hasMessageContaining("at least a minute");
    }

    @Test
    void theArchiveHoldsEverythingUpToTheEndOfItsLastSegment() {
        long segment = 16L << 20;
        assertThat(Backups.archivedThrough("000000010000000000000001", segment)).isEqualTo(2 * segment);
        assertThat(Backups.archivedThrough("0000000100000001000000FF", segment)).isEqualTo(0x1_0000_0000L + 256 * segment);
        assertThat(Backups.archivedThrough("000000010000000000000005.00000028.backup", segment))
                .as("a backup history file: counted from its segment's start").isEqualTo(5 * segment);
        assertThat(Backups.archivedThrough("00000002.history", segment)).isZero();
        assertThat(Backups.archivedThrough(null, segment)).isZero();
    }

    @Test
    void theWalABackupNeedsIsOneRangeOfSegments() {
        assertThat(BaseBackup.segments("0000000100000000000000FE", "000000010000000100000001", 16L << 20)).containsExactly(
                "0000000100000000000000FE", "0000000100000000000000FF", "000000010000000100000000", "000000010000000100000001");
        assertThat(BaseBackup.segments("000000010000000000000007", "000000010000000000000007", 16L << 20))
                .isEqualTo(List.of("000000010000000000000007"));
    }
}
