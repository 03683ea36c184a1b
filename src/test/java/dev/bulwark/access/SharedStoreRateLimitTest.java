package dev.bulwark.access;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every per-principal budget test again, with the buckets in PostgreSQL (the store for several instances). */
@TestPropertySource(properties = "bulwark.rate-limits.store=postgresql")
@Import(StoppedBudgetClock.class)
class SharedStoreRateLimitTest extends PrincipalRateLimitTest {

    @Autowired
    private RateLimitStore store;

    @Test
    void theBucketsAreInPostgresql() {
        assertThat(store.getClass().getSimpleName()).isEqualTo("PostgresRateLimitStore");
    }
}
