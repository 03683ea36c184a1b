package dev.bulwark.web;

import java.net.URI;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits and switches of the HTTP edge.
 *
 * @param maxBodySize           request bodies past this answer 413, before any handler reads them
 * @param metricsToken          bearer token that unlocks {@code /actuator/prometheus} (at least 32 characters); unset,
 *                              metrics are not served over HTTP
 * @param authRequestsPerMinute per client IP, per minute, for sign-in, MFA, step-up and signup together
 * @param trustedProxies        proxies (IPs or CIDR ranges) whose {@code X-Forwarded-For} is believed; from anyone else
 *                              the header is ignored
 * @param hstsAlways            HSTS on every response, not only on HTTPS ones: for a proxy that terminates TLS, where
 *                              this application sees plain HTTP but every client uses HTTPS
 * @param corsOrigins           origins (scheme://host[:port]) allowed cross-origin requests; none by default, so no
 *                              CORS header is ever sent
 * @param headerTimeout         a client that stalls sending its request line and headers is cut off after this (also
 *                              the keep-alive idle time)
 * @param bodyTimeout           a client that stalls in the middle of its body is cut off after this
 * @param maxHeaderSize         request line and headers together; past it, 431 (or the connection is closed)
 * @param maxJsonDepth          JSON bodies nested deeper than this are refused with 400
 * @param maxJsonStringLength   JSON strings longer than this are refused with 400
 * @param publicOrigin          where clients reach this application (scheme://host[:port]): the one host the HTTPS
 *                              redirect names, and the origin a cookie sign-in must come from; never taken from a
 *                              request's Host header
 * @param ipv6BudgetPrefix      the per-IP budget counts an IPv6 client by this leading part of its address, since one
 *                              host is routinely given a whole /64
 */
@ConfigurationProperties("bulwark.http")
public record HttpProperties(
        @DefaultValue("1MB") DataSize maxBodySize,
        String metricsToken,
        @DefaultValue("30") int authRequestsPerMinute,
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue("false") boolean hstsAlways,
        @DefaultValue("") List<String> corsOrigins,
        @DefaultValue("20s") java.time.Duration headerTimeout,
        @DefaultValue("30s") java.time.Duration bodyTimeout,
        @DefaultValue("16KB") DataSize maxHeaderSize,
        @DefaultValue("32") int maxJsonDepth,
        @DefaultValue("1048576") int maxJsonStringLength,
        @DefaultValue("http://localhost:8080") URI publicOrigin,
        @DefaultValue("64") int ipv6BudgetPrefix) {

    public HttpProperties {
        if (maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > 512L * 1024 * 1024) {
            throw new IllegalArgumentException("bulwark.http.max-body-size must be between 1KB and 512MB");
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()
                || maxJsonDepth < 2 || maxJsonStringLength < 256 || maxHeaderSize.toBytes() < 1024) {
            throw new IllegalArgumentException("bulwark.http timeouts and limits must be positive (header size ≥ 1KB, JSON depth ≥ 2)");
        }
        if (authRequestsPerMinute < 1) {
            throw new IllegalArgumentException("bulwark.http.auth-requests-per-minute must be at least 1");
        }
        trustedProxies = trustedProxies == null ? List.of() : trustedProxies.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
        for (String proxy : trustedProxies) {
            if (!proxy.matches("[0-9.]{7,15}(/[0-9]{1,2})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/[0-9]{1,3})?")) {
                throw new IllegalArgumentException("bulwark.http.trusted-proxies: '" + proxy + "' is not an IP address or CIDR range");
            }
        }
        corsOrigins = corsOrigins == null ? List.of() : corsOrigins.stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
        for (String origin : corsOrigins) {
            if (!origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("bulwark.http.cors-origins: '" + origin + "' is not an origin (scheme://host[:port])");
            }
        }
        if (publicOrigin.getScheme() == null || !publicOrigin.getScheme().matches("(?i)https?") || publicOrigin.getHost() == null
                || publicOrigin.getRawUserInfo() != null || publicOrigin.getRawQuery() != null || publicOrigin.getRawFragment() != null) {
            throw new IllegalArgumentException("bulwark.http.public-origin: '" + publicOrigin + "' is not an origin (http(s)://host[:port])");
        }
        publicOrigin = URI.create(publicOrigin.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + publicOrigin.getRawAuthority());
        if (ipv6BudgetPrefix < 16 || ipv6BudgetPrefix > 128) {
            throw new IllegalArgumentException("bulwark.http.ipv6-budget-prefix must be between 16 and 128");
        }
        if (metricsToken != null && !metricsToken.isEmpty() && metricsToken.length() < 32) {
            throw new IllegalArgumentException("bulwark.http.metrics-token must be at least 32 characters");
        }
    }
}
