package dev.bulwark.access;

import io.github.bucket4j.TimeMeter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Test-only: the clock rate-limit buckets refill by, stopped. Imported by the budget tests, so that no bucket refills
 * between two of their requests however slow the machine: a budget of 9 a minute refills a request every 6.7 seconds,
 * which a saturated machine can spend on ten requests. (Rows of the PostgreSQL store still expire, and are swept, by
 * the wall clock: 70 seconds after their last write at the shortest.)
 */
@TestConfiguration(proxyBeanMethods = false)
public class StoppedBudgetClock {

    public static final long STOPPED_AT_NANOS = System.currentTimeMillis() * 1_000_000L;

    public static final TimeMeter STOPPED = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return STOPPED_AT_NANOS;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    };

    @Bean
    TimeMeter budgetClock() {
        return STOPPED;
    }
}
