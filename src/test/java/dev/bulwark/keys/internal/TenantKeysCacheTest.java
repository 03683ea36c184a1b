package dev.bulwark.keys.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import dev.bulwark.keys.KeyProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance that did not make a key change (a customer's KMS key revoked, a keyset crypto-shredded elsewhere) stops
 * using its unwrapped copy within {@code cache-ttl} of loading it, however busy the organisation is: the cache expires
 * after write, not after access. Time is a ticker the test moves, so the machine's speed plays no part.
 */
class TenantKeysCacheTest {

    @Test
    void aKeysetInConstantUseIsStillReadAgainWithinTheTtl() {
        KeyProperties properties = new KeyProperties(Path.of("unused"), null, null, null, 100, Duration.ofMinutes(10),
                Duration.ofSeconds(30), 500);
        AtomicLong nanos = new AtomicLong();
        Cache<UUID, String> cache = TenantKeys.cache(properties, nanos::get);
        UUID busy = UUID.randomUUID();
        cache.put(busy, "keys as loaded");

        // Used every minute for nine minutes: still the loaded copy.
        for (int minute = 1; minute <= 9; minute++) {
            nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            assertThat(cache.getIfPresent(busy)).as("minute " + minute).isEqualTo("keys as loaded");
        }
        // Ten minutes after it was loaded, used all along: gone, so the next use reads the keys (and their revocation) again.
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(cache.getIfPresent(busy)).isNull();
    }
}
