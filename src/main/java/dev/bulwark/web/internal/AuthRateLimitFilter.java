package dev.bulwark.web.internal;

import java.io.IOException;
import java.util.Set;

import dev.bulwark.access.Budget;
import dev.bulwark.access.RateLimitStore;
import dev.bulwark.web.HttpProperties;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One budget per client IP for the endpoints that guess at credentials — sign-in, MFA, step-up, signup and password
 * reset — with
 * the IETF draft's {@code RateLimit-Policy} and {@code RateLimit} headers, and 429 with {@code Retry-After} past it.
 * Buckets live in the configured {@link RateLimitStore}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AuthRateLimitFilter extends OncePerRequestFilter {

    static final String POLICY = "auth";
    private static final Set<String> GUARDED = Set.of("/api/v1/signup", "/api/v1/auth/login", "/api/v1/auth/login/mfa",
            "/api/v1/auth/step-up", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm",
            "/api/v1/auth/passkey/options", "/api/v1/auth/passkey", "/api/v1/auth/login/mfa/passkey",
            "/api/v1/auth/step-up/passkey", "/api/v1/api-keys/report-leak");

    private final Budget budget;
    private final RateLimitStore store;
    private final ProblemWriter problems;

    AuthRateLimitFilter(HttpProperties properties, RateLimitStore store, ProblemWriter problems) {
        this.budget = new Budget(POLICY, properties.authRequestsPerMinute());
        this.store = store;
        this.problems = problems;
    }

    /** Whether {@code path} is one of the guarded endpoints (each answers 429 past the budget). */
    static boolean guards(String path) {
        return GUARDED.contains(path);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && GUARDED.contains(request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ConsumptionProbe probe = store.take(budget, request.getRemoteAddr());
        response.setHeader("RateLimit-Policy", budget.policy());
        response.setHeader("RateLimit", budget.state(probe));
        if (probe.isConsumed()) {
            chain.doFilter(request, response);
            return;
        }
        long retryAfter = Budget.retryAfterSeconds(probe);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        ProblemDetail problem = Problems.forStatus(429);
        problem.setDetail("Too many attempts from this address. Try again in " + retryAfter + " seconds.");
        problems.write(request, response, problem);
    }
}
