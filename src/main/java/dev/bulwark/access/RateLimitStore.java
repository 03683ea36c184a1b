package dev.bulwark.access;

import io.github.bucket4j.ConsumptionProbe;

/**
 * Where request budgets live, chosen by {@code bulwark.rate-limits.store}: {@code in-process} (each instance
 * counts alone, no I/O) or {@code postgresql} (every instance draws on the same buckets). docs/access-control.md
 * weighs the two.
 */
public interface RateLimitStore {

    /** Takes one request from the bucket of {@code budget} for {@code subject} (an address, a user, a key, an organisation). */
    ConsumptionProbe take(Budget budget, String subject);
}
