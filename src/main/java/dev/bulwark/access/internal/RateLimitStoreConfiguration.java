package dev.bulwark.access.internal;

import javax.sql.DataSource;

import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.access.RateLimitStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The one {@link RateLimitStore} of this instance, as {@code bulwark.rate-limits.store} selects. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class RateLimitStoreConfiguration {

    @Bean
    RateLimitStore rateLimitStore(RateLimitProperties properties, DataSource dataSource) {
        return switch (properties.store()) {
            case IN_PROCESS -> new InProcessRateLimitStore();
            case POSTGRESQL -> new PostgresRateLimitStore(dataSource);
        };
    }
}
