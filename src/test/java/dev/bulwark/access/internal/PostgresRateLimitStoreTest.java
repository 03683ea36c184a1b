package dev.bulwark.access.internal;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import javax.sql.DataSource;

import dev.bulwark.IntegrationTest;
import dev.bulwark.access.Budget;
import dev.bulwark.access.RateLimitStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** With the PostgreSQL store, every instance draws on one budget, and the table holds no address or id. */
@TestPropertySource(properties = {"bulwark.rate-limits.store=postgresql", "bulwark.http.auth-requests-per-minute=3"})
class PostgresRateLimitStoreTest extends IntegrationTest {

    @Autowired
    private RateLimitStore store;

    @Autowired
    private DataSource dataSource;

    @Test
    void aBudgetSpentOnOneInstanceIsSpentOnAllOfThem() throws Exception {
        assertThat(store).isInstanceOf(PostgresRateLimitStore.class);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> attempt = postJson("/api/v1/auth/login", Map.of("email", uniqueEmail(), "password", "wrong-password-1"));
            assertThat(attempt.statusCode()).isEqualTo(401);
        }
        assertThat(postJson("/api/v1/auth/login", Map.of("email", uniqueEmail(), "password", "x")).statusCode()).isEqualTo(429);

        // A second instance: its own store object over the same database, with its own (empty) memory.
        RateLimitStore secondInstance = new PostgresRateLimitStore(dataSource);
        assertThat(secondInstance.take(new Budget("auth", 3), "127.0.0.1").isConsumed()).isFalse();
        assertThat(secondInstance.take(new Budget("auth", 3), "192.0.2.1").isConsumed()).isTrue();

        try (Connection c = connectAs("bulwark_owner"); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT id, expires_at FROM rate_limit_buckets")) {
            int count = 0;
            while (rows.next()) {
                // A SHA-256 in hex: no dot, so no address (and no UUID dash) can be stored as it is.
                assertThat(rows.getString("id")).matches("[0-9a-f]{64}");
                assertThat(rows.getLong("expires_at")).isGreaterThan(System.currentTimeMillis());
                count++;
            }
            assertThat(count).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void expiredBucketsAreSwept() throws Exception {
        String stale = "0".repeat(64);
        try (Connection c = connectAs("bulwark_owner"); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO rate_limit_buckets (id, state, expires_at) VALUES ('" + stale + "', NULL, 1)");
        }
        assertThat(((PostgresRateLimitStore) store).sweep()).isGreaterThanOrEqualTo(1);
        try (Connection c = connectAs("bulwark_owner"); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT count(*) FROM rate_limit_buckets WHERE id = '" + stale + "'")) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
        }
    }
}
