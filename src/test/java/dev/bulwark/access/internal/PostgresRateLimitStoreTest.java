package dev.bulwark.access.internal;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import javax.sql.DataSource;

import dev.bulwark.IntegrationTest;
import dev.bulwark.access.Budget;
import dev.bulwark.access.RateLimitStore;
import dev.bulwark.access.StoppedBudgetClock;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the PostgreSQL store, every instance draws on one budget, and the table holds no address or id. This test once
 * failed on a busy machine: a bucket refilled between two statements, and another test's bucket, expired but not yet
 * swept, failed a check of every row's expiry. Both instances now refill by a stopped clock ({@link StoppedBudgetClock}),
 * and only this test's rows are judged.
 */
@TestPropertySource(properties = {"bulwark.rate-limits.store=postgresql", "bulwark.http.auth-requests-per-minute=3"})
@Import(StoppedBudgetClock.class)
class PostgresRateLimitStoreTest extends IntegrationTest {

    @Autowired
    private RateLimitStore store;

    @Autowired
    private DataSource dataSource;

    @Test
    void aBudgetSpentOnOneInstanceIsSpentOnAllOfThem() throws Exception {
        assertThat(store).isInstanceOf(PostgresRateLimitStore.class);
        long before = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> attempt = postJson("/api/v1/auth/login", Map.of("email", uniqueEmail(), "password", "wrong-password-1"));
            assertThat(attempt.statusCode()).isEqualTo(401);
        }
        assertThat(postJson("/api/v1/auth/login", Map.of("email", uniqueEmail(), "password", "x")).statusCode()).isEqualTo(429);

        // A second instance: its own store object over the same database, with its own (empty) memory.
        Budget auth = new Budget("auth", 3);
        RateLimitStore secondInstance = new PostgresRateLimitStore(dataSource, StoppedBudgetClock.STOPPED);
        assertThat(secondInstance.take(auth, "127.0.0.1").isConsumed()).isFalse();
        assertThat(secondInstance.take(auth, "192.0.2.1").isConsumed()).isTrue();

        // This test's two buckets, each one row with an expiry past its write (other tests' rows may have expired and
        // wait for the sweep, which runs every minute).
        try (Connection c = connectAs("bulwark_owner");
             PreparedStatement ours = c.prepareStatement("SELECT expires_at FROM rate_limit_buckets WHERE id = ?")) {
            for (String subject : new String[] {"127.0.0.1", "192.0.2.1"}) {
                ours.setString(1, DigestUtils.sha256Hex(auth.key(subject)));
                try (ResultSet row = ours.executeQuery()) {
                    assertThat(row.next()).as("the bucket of %s", subject).isTrue();
                    assertThat(row.getLong(1)).isGreaterThan(before);
                }
            }
        }
        try (Connection c = connectAs("bulwark_owner"); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT id FROM rate_limit_buckets")) {
            while (rows.next()) {
                // A SHA-256 in hex: no dot, so no address (and no UUID dash) can be stored as it is.
                assertThat(rows.getString("id")).matches("[0-9a-f]{64}");
            }
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
