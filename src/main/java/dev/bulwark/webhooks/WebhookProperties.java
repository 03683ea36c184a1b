package dev.bulwark.webhooks;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The delivery worker (docs/webhooks.md). Every {@code pollInterval} an instance claims the deliveries that are due
 * (and again at once while it finds more), sends at most {@code concurrency} at a time, and allows each attempt
 * {@code timeout} in all (connecting, sending and reading the answer); an attempt that takes longer is a failure.
 *
 * @param pollInterval how often an instance claims the deliveries that are due
 * @param concurrency  deliveries sent at once by one instance
 * @param timeout      the longest one delivery attempt may take in all (1 second to 2 minutes)
 */
@ConfigurationProperties("bulwark.webhooks")
public record WebhookProperties(
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("64") int concurrency,
        @DefaultValue("10s") Duration timeout) {

    public WebhookProperties {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("bulwark.webhooks.poll-interval must be positive");
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("bulwark.webhooks.concurrency must be 1..1024");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("bulwark.webhooks.timeout must be 1s..2m");
        }
    }
}
