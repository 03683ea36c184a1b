package dev.bulwark.tenancy.internal.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database migrated before V1's and V22's comments were reworded starts again: its history is moved from the old
 * checksums to the new, and a history holding any other checksum is left for Flyway to refuse.
 */
class RewordedTest extends IntegrationTest {

    @Test
    void theNewChecksumsAreFlywaysAndAnOldHistoryIsRealignedButNothingElse() throws Exception {
        for (Reworded.Rewording r : Reworded.REWORDED) {
            assertThat(checksum(r.version())).as("what Flyway stored for V%s", r.version()).isEqualTo(r.after());
        }
        try {
            for (Reworded.Rewording r : Reworded.REWORDED) {
                setChecksum(r.version(), r.before());
            }
            realign();
            for (Reworded.Rewording r : Reworded.REWORDED) {
                assertThat(checksum(r.version())).isEqualTo(r.after());
            }
            // A migration really edited (any other checksum) is not papered over.
            setChecksum("1", 12345);
            realign();
            assertThat(checksum("1")).isEqualTo(12345);
        } finally {
            for (Reworded.Rewording r : Reworded.REWORDED) {
                setChecksum(r.version(), r.after());
            }
        }
    }

    private static void realign() throws Exception {
        Reworded.realign(jdbcUrl(), "bulwark_owner", passwordOf(DATA_DIR, "bulwark_owner"), "bulwark");
    }

    private static String jdbcUrl() throws Exception {
        try (Connection c = connectAs("postgres")) {
            return c.getMetaData().getURL().replaceAll("\\?.*", "");
        }
    }

    private static int checksum(String version) throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT checksum FROM bulwark.flyway_schema_history WHERE version = ?")) {
            ps.setString(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getInt(1);
            }
        }
    }

    private static void setChecksum(String version, int checksum) throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("UPDATE bulwark.flyway_schema_history SET checksum = ? WHERE version = ?")) {
            ps.setInt(1, checksum);
            ps.setString(2, version);
            ps.executeUpdate();
        }
    }
}
