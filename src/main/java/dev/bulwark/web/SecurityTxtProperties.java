package dev.bulwark.web;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code /.well-known/security.txt} (RFC 9116). {@code Expires} is computed at each request as now plus
 * {@code expiresIn}, so it is always in the future and, as the RFC recommends, less than a year away.
 *
 * @param contact            where to report a vulnerability ({@code mailto:} or {@code https:} URIs)
 * @param policy             the disclosure policy's URL
 * @param publicUrl          the site's public base URL: {@code Canonical} is this plus the path
 * @param preferredLanguages language tags of reports the team reads
 * @param expiresIn          how far ahead {@code Expires} is set (at most 364 days)
 */
@ConfigurationProperties("bulwark.security-txt")
public record SecurityTxtProperties(
        @DefaultValue("mailto:security@bulwark.localhost") List<String> contact,
        @DefaultValue("https://bulwark.localhost/security-policy") String policy,
        @DefaultValue("http://localhost:8080") String publicUrl,
        @DefaultValue("en") List<String> preferredLanguages,
        @DefaultValue("180d") Duration expiresIn) {

    public SecurityTxtProperties {
        if (contact.isEmpty() || contact.stream().anyMatch(c -> !c.matches("(mailto:|https://|tel:)\\S+"))) {
            throw new IllegalArgumentException("bulwark.security-txt.contact: mailto:, https:// or tel: URIs");
        }
        if (expiresIn.isNegative() || expiresIn.isZero() || expiresIn.compareTo(Duration.ofDays(364)) > 0) {
            throw new IllegalArgumentException("bulwark.security-txt.expires-in must be between 1 second and 364 days");
        }
        if (!publicUrl.matches("https?://\\S+") || !policy.matches("https?://\\S+")) {
            throw new IllegalArgumentException("bulwark.security-txt.public-url and policy must be URLs");
        }
        publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }
}
