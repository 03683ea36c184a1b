package dev.bulwark.tenancy.internal.database;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL started in the background ({@link EarlyDatabaseStart}): the server the application then asks
 * for is that one, not a second start; a background start that failed fails the caller with its own exception, and is
 * forgotten, so the next start tries again.
 */
class EarlyDatabaseStartTest {

    @Test
    void theServerAskedForIsTheOneStartedInTheBackground(@TempDir Path dataDir) throws Exception {
        DatabaseProperties properties = properties(dataDir);
        try {
            EmbeddedPostgresServer.startInBackground(properties, null);
            EmbeddedPostgresServer.startInBackground(properties, null); // already under way: no second start
            EmbeddedPostgresServer.Server server = EmbeddedPostgresServer.server(properties, null);
            assertThat(EmbeddedPostgresServer.running(dataDir)).containsSame(server);
            ConnectionSettings settings = server.settings();
            try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.ownerUser(), settings.ownerPassword());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("bulwark_owner");
            }
            assertThat(EmbeddedPostgresServer.server(properties, null)).isSameAs(server);
        } finally {
            EmbeddedPostgresServer.stop(dataDir);
        }
        assertThat(EmbeddedPostgresServer.running(dataDir)).isEmpty();
    }

    @Test
    void aFailedBackgroundStartFailsTheCallerWithItsOwnErrorAndIsTriedAgain(@TempDir Path dataDir) throws Exception {
        DatabaseProperties properties = properties(dataDir);
        Path cluster = dataDir.resolve("postgres");
        Files.writeString(cluster, "not a directory"); // the cluster's directory cannot be made
        try {
            EmbeddedPostgresServer.startInBackground(properties, null);
            assertThatThrownBy(() -> EmbeddedPostgresServer.server(properties, null))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("cannot start the embedded PostgreSQL in " + cluster);
            assertThat(EmbeddedPostgresServer.running(dataDir)).isEmpty();

            Files.delete(cluster);
            EmbeddedPostgresServer.Server server = EmbeddedPostgresServer.server(properties, null);
            assertThat(server.cluster()).isEqualTo(cluster);
            assertThat(cluster.resolve("PG_VERSION")).isRegularFile();
        } finally {
            EmbeddedPostgresServer.stop(dataDir);
        }
    }

    private static DatabaseProperties properties(Path dataDir) {
        return new DatabaseProperties(null, "bulwark_owner", null, "bulwark_app", null, "bulwark", 4, Duration.ofSeconds(2),
                Duration.ofMillis(500), new DatabaseProperties.Embedded(dataDir, false, false, 20, DataSize.ofMegabytes(32)));
    }
}
