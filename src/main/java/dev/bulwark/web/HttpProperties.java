package dev.bulwark.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** Limits and switches of the HTTP edge. */
@ConfigurationProperties("bulwark.http")
public record HttpProperties(
        // Request bodies past this answer 413, before any handler reads them.
        @DefaultValue("1MB") DataSize maxBodySize,
        // Bearer token that unlocks /actuator/prometheus; with none set, metrics are not served over HTTP.
        String metricsToken,
        // Per client IP, per minute, for sign-in, MFA, step-up and signup together (CONTRACT.md default: 30).
        @DefaultValue("30") int authRequestsPerMinute,
        // Proxies (IPs or CIDR ranges) whose X-Forwarded-For is believed; from anyone else the header is ignored.
        @DefaultValue("") List<String> trustedProxies) {

    public HttpProperties {
        if (maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > 512L * 1024 * 1024) {
            throw new IllegalArgumentException("bulwark.http.max-body-size must be between 1KB and 512MB");
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
        if (metricsToken != null && !metricsToken.isEmpty() && metricsToken.length() < 32) {
            throw new IllegalArgumentException("bulwark.http.metrics-token must be at least 32 characters");
        }
    }
}
