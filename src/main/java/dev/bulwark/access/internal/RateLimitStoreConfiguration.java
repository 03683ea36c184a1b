package dev.bulwark.access.internal;

import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

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
            case POSTGRESQL -> new PostgresRateLimitStore(pool(dataSource), time);
        };
    }

    /**
     * The shared store's own small pool, on the application's database with its settings. An organisation's request
     * holds a connection of the main pool for its whole transaction and spends the organisation's budget inside it;
     * drawing that budget from the same pool would let a full pool wait on itself until every request timed out.
     */
    private static DataSource pool(DataSource application) {
        HikariConfig config = new HikariConfig();
        try {
            application.unwrap(HikariDataSource.class).copyStateTo(config);
        } catch (SQLException notHikari) {
            throw new IllegalStateException("the shared rate-limit store needs the application's pool settings", notHikari);
        }
        config.setPoolName("bulwark-rate-limits");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(1);
        config.setMetricRegistry(null);
        return new HikariDataSource(config);
    }
}
