package dev.bulwark.web.internal;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code GET /actuator/health} answers exactly {@code {"status":"UP"}} (docs/api.md), from the real health endpoint.
 * Actuator adds the names of the probe groups to that body and has no switch to leave them out; the probes
 * themselves ({@code /liveness}, {@code /readiness}) are served by actuator unchanged.
 */
@Component
class HealthSummaryFilter extends OncePerRequestFilter {

    private final ObjectProvider<HealthEndpoint> health;
    private final ObjectProvider<HttpCodeStatusMapper> statusMapper;
    private final ObjectMapper json;

    HealthSummaryFilter(ObjectProvider<HealthEndpoint> health, ObjectProvider<HttpCodeStatusMapper> statusMapper,
                        ObjectMapper json) {
        this.health = health;
        this.statusMapper = statusMapper;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("GET".equals(request.getMethod()) && "/actuator/health".equals(request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HealthEndpoint endpoint = health.getIfAvailable();
        if (endpoint == null) {
            chain.doFilter(request, response);
            return;
        }
        Status status = endpoint.health().getStatus();
        response.setStatus(statusMapper.getIfAvailable(HttpCodeStatusMapper::getDefault).getStatusCode(status));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), Map.of("status", status.getCode()));
    }
}
