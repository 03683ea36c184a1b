package dev.bulwark.access;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/**
 * One rate-limit policy: {@code perMinute} requests, refilled greedily over a minute, reported in the structured
 * headers of the IETF httpapi-ratelimit-headers draft under {@code name}.
 */
public record Budget(String name, int perMinute) {

    public Budget {
        if (!name.matches("[a-z]{1,16}") || perMinute < 1) {
            throw new IllegalArgumentException("a budget needs a short lower-case name and at least one request a minute");
        }
    }

    public Bandwidth bandwidth() {
        return Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
    }

    public BucketConfiguration configuration() {
        return BucketConfiguration.builder().addLimit(bandwidth()).build();
    }

    /** The bucket's key for {@code subject}; the quota is part of it, so a changed quota starts a fresh bucket. */
    public String key(String subject) {
        return name + ":" + perMinute + ":" + subject;
    }

    /** This policy's item of the {@code RateLimit-Policy} header: {@code "name";q=100;w=60}. */
    public String policy() {
        return "\"" + name + "\";q=" + perMinute + ";w=60";
    }

    /** This policy's item of the {@code RateLimit} header after {@code probe}: what remains and when it is whole again. */
    public String state(ConsumptionProbe probe) {
        long seconds = probe.isConsumed()
                ? (long) Math.ceil((perMinute - probe.getRemainingTokens()) * 60.0 / perMinute)
                : retryAfterSeconds(probe);
        return "\"" + name + "\";r=" + probe.getRemainingTokens() + ";t=" + seconds;
    }

    /** Whole seconds until a refused request would be allowed, at least one (the {@code Retry-After} value). */
    public static long retryAfterSeconds(ConsumptionProbe probe) {
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
