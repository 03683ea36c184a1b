package dev.bulwark.access.internal;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.access.Budget;
import dev.bulwark.access.RateLimitStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * Buckets in this instance's memory: no I/O on the request path, but with n instances behind a balancer a client
 * may get up to n times its budget. Idle buckets are dropped after two minutes (a bucket refills within one).
 */
class InProcessRateLimitStore implements RateLimitStore {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(2))
            .maximumSize(1_000_000)
            .build();
    private final TimeMeter clock;

    /** {@code clock}: what buckets refill by (the wall clock in service, see RateLimitStoreConfiguration). */
    InProcessRateLimitStore(TimeMeter clock) {
        this.clock = clock;
    }

    @Override
    public ConsumptionProbe take(Budget budget, String subject) {
        return buckets.get(budget.key(subject), key -> Bucket.builder().addLimit(budget.bandwidth()).withCustomTimePrecision(clock).build())
                .tryConsumeAndReturnRemaining(1);
    }
}
