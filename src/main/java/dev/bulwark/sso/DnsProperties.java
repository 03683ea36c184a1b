package dev.bulwark.sso;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where domain verification asks DNS (docs/sso.md#domains).
 *
 * @param servers the resolvers, each {@code host:port} (an IPv6 address in brackets); empty: the system's resolvers
 * @param timeout how long one query waits for its answer
 */
@ConfigurationProperties("bulwark.dns")
public record DnsProperties(@DefaultValue("") List<String> servers, @DefaultValue("5s") Duration timeout) {

    public DnsProperties {
        servers = servers == null ? List.of() : servers.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("bulwark.dns.timeout must be positive");
        }
    }
}
