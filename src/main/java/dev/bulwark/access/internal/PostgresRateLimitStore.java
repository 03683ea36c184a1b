package dev.bulwark.access.internal;

import java.time.Duration;

import javax.sql.DataSource;

import dev.bulwark.access.Budget;
import dev.bulwark.access.RateLimitStore;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Buckets in PostgreSQL (table {@code rate_limit_buckets}, Bucket4j's select-for-update proxy): every instance draws
 * on the same budget, exactly, at the price of one short transaction per policy per request. Rows are keyed by a
 * SHA-256 of the bucket key, so no address or id is stored; a row expires once its bucket would be full again, and
 * expired rows are swept every minute.
 */
class PostgresRateLimitStore implements RateLimitStore {

    private static final Logger log = LoggerFactory.getLogger(PostgresRateLimitStore.class);

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final DataSource dataSource;

    /**
     * Buckets that refill, and rows that expire, by {@code clock}: the wall clock in service (see
     * RateLimitStoreConfiguration). The sweep deletes by the wall clock.
     */
    PostgresRateLimitStore(DataSource dataSource, TimeMeter clock) {
        this.dataSource = dataSource;
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                // After the key mapper, which makes a new builder.
                .clientClock(clock)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
    }

    /** Closes the store's own pool, when it has one (Spring calls this at shutdown). */
    public void close() throws Exception {
        if (dataSource instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public ConsumptionProbe take(Budget budget, String subject) {
        return buckets.getProxy(DigestUtils.sha256Hex(budget.key(subject)), budget::configuration).tryConsumeAndReturnRemaining(1);
    }

    /** Deletes the rows of buckets that have been full for a while, in batches (SKIP LOCKED: instances never wait on each other). */
    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    int sweep() {
        int removed = 0;
        int batch;
        do {
            batch = buckets.removeExpired(1000);
            removed += batch;
        } while (batch == 1000);
        if (removed > 0) {
            log.debug("Removed {} expired rate-limit buckets", removed);
        }
        return removed;
    }
}
