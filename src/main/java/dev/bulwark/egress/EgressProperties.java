package dev.bulwark.egress;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outbound calls (docs/egress.md).
 *
 * @param allow            exact {@code host:port} or {@code ip:port} entries (comma-separated; host case-insensitive;
 *                         IPv6 as {@code [::1]:port}) that skip the address table, for that host and port only.
 *                         Default none
 * @param connectTimeout   the longest a connection (and TLS handshake) may take
 * @param readTimeout      the longest egress waits for the next bytes of an answer
 * @param totalTimeout     the longest a whole call may take, when the call names no timeout of its own
 * @param maxResponseBytes the largest answer (status line, headers and body) egress reads; past it the call fails
 *                         {@code too-large}
 */
@ConfigurationProperties("bulwark.egress")
public record EgressProperties(
        @DefaultValue("") List<String> allow,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("30s") Duration totalTimeout,
        @DefaultValue("1048576") long maxResponseBytes) {

    public EgressProperties {
        allow = allow == null ? List.of() : allow.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()
                || totalTimeout.isNegative() || totalTimeout.isZero()) {
            throw new IllegalArgumentException("bulwark.egress: connect-timeout, read-timeout and total-timeout must be positive");
        }
        if (maxResponseBytes < 1024 || maxResponseBytes > 1L << 30) {
            throw new IllegalArgumentException("bulwark.egress.max-response-bytes must be 1024..1073741824");
        }
    }
}
