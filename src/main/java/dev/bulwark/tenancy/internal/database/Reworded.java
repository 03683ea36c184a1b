package dev.bulwark.tenancy.internal.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Migrations whose comments were reworded after they ran (no SQL changed): Flyway checksums a migration's whole text, so
 * a database that ran the old wording would refuse to start. Before Flyway validates, each such row of the history is
 * moved from the old checksum to the new one, and only when it holds exactly the old one: any other difference still
 * fails validation, as an edited migration should. Hand-written because Flyway's {@code repair} would realign every
 * checksum, hiding a migration that was really changed.
 */
final class Reworded {

    /** A migration version, the checksum of its text as first shipped, and of its text now. */
    record Rewording(String version, int before, int after) {
    }

    static final List<Rewording> REWORDED = List.of(
            // V1 and V22: a comment cited a design document that was never part of the repository; it now cites docs/.
            new Rewording("1", 911384078, -1811510396),
            new Rewording("22", -166139070, 1774453506));

    /** Realigns the history of the database at {@code jdbcUrl}, schema {@code schema}; a fresh database has none. */
    static void realign(String jdbcUrl, String user, String password, String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            String history = schema + ".flyway_schema_history";
            try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, history);
                try (ResultSet rs = exists.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return;
                    }
                }
            }
            // The table name is the configured schema's (validated at start), never request input.
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE " + quoted(schema) + ".flyway_schema_history SET checksum = ? WHERE version = ? AND checksum = ?")) {
                for (Rewording r : REWORDED) {
                    update.setInt(1, r.after());
                    update.setString(2, r.version());
                    update.setInt(3, r.before());
                    update.executeUpdate();
                }
            }
        }
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private Reworded() {
    }
}
