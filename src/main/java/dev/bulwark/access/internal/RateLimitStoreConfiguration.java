package dev.bulwark.access.internal;

import javax.sql.DataSource;

import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.access.RateLimitStore;
import io.github.bucket4j.TimeMeter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The one {@link RateLimitStore} of this instance, as {@code bulwark.rate-limits.store} selects. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class RateLimitStoreConfiguration {

    /**
     * Buckets refill by the wall clock; a {@link TimeMeter} bean, which only tests declare, replaces it, so that a
     * test can stop time and no budget refills between its steps however slow the machine.
     */
    @Bean
    RateLimitStore rateLimitStore(RateLimitProperties properties, DataSource dataSource, ObjectProvider<TimeMeter> clock) {
        TimeMeter time = clock.getIfAvailable(() -> TimeMeter.SYSTEM_MILLISECONDS);
        return switch (properties.store()) {
            case IN_PROCESS -> new InProcessRateLimitStore(time);
            case POSTGRESQL -> new PostgresRateLimitStore(dataSource, time);
        };
    }
}
