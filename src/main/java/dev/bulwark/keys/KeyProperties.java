package dev.bulwark.keys;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The key hierarchy's settings: where the local root keyset lives ({@code dir}, created at first start, mode 600), and
 * how many unwrapped tenant keysets are kept in memory and for how long.
 */
@ConfigurationProperties("bulwark.keys")
public record KeyProperties(
        @DefaultValue("./var/keys") Path dir,
        @DefaultValue("10000") int cacheSize,
        @DefaultValue("10m") Duration cacheTtl) {

    public KeyProperties {
        if (cacheSize < 1 || cacheTtl.isNegative() || cacheTtl.isZero()) {
            throw new IllegalArgumentException("bulwark.keys.cache-size and cache-ttl must be positive");
        }
    }
}
