package dev.bulwark.web.internal;

import java.time.Duration;
import java.util.List;

import dev.bulwark.web.HttpProperties;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Cross-origin requests: denied unless the origin is in {@code bulwark.http.cors-origins}, then allowed for the API
 * with bearer tokens only (no credentials: a browser never sends cookies cross-origin to Bulwark). With no origin
 * configured nothing is registered, so no response ever carries an {@code Access-Control-Allow-*} header.
 */
final class CorsPolicy {

    static CorsConfigurationSource of(HttpProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (properties.corsOrigins().isEmpty()) {
            return source;
        }
        CorsConfiguration api = new CorsConfiguration();
        api.setAllowedOrigins(properties.corsOrigins());
        api.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
        api.setAllowedHeaders(List.of("Authorization", "Content-Type", "If-Match", "X-Request-Id"));
        api.setExposedHeaders(List.of("ETag", "Location", "Retry-After", "X-Request-Id"));
        api.setAllowCredentials(false);
        api.setMaxAge(Duration.ofHours(1));
        source.registerCorsConfiguration("/api/**", api);
        return source;
    }

    private CorsPolicy() {
    }
}
