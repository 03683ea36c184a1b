package dev.bulwark.web.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.web.HttpProperties;
import io.github.bucket4j.Bucket;
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
 * Buckets live in this instance's memory (a shared store for several instances comes with the access-control work).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AuthRateLimitFilter extends OncePerRequestFilter {

    static final String POLICY = "auth";
    private static final Set<String> GUARDED = Set.of("/api/v1/signup", "/api/v1/auth/login", "/api/v1/auth/login/mfa",
            "/api/v1/auth/step-up", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm",
            "/api/v1/auth/passkey/options", "/api/v1/auth/passkey", "/api/v1/auth/login/mfa/passkey",
            "/api/v1/auth/step-up/passkey", "/api/v1/api-keys/report-leak");

    private final int perMinute;
    private final ProblemWriter problems;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(2))
            .maximumSize(200_000)
            .build();

    AuthRateLimitFilter(HttpProperties properties, ProblemWriter problems) {
        this.perMinute = properties.authRequestsPerMinute();
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && GUARDED.contains(request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Bucket bucket = buckets.get(request.getRemoteAddr(), ip -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        long secondsToFull = (long) Math.ceil((perMinute - probe.getRemainingTokens()) * 60.0 / perMinute);
        response.setHeader("RateLimit-Policy", "\"" + POLICY + "\";q=" + perMinute + ";w=60");
        if (probe.isConsumed()) {
            response.setHeader("RateLimit", "\"" + POLICY + "\";r=" + probe.getRemainingTokens() + ";t=" + secondsToFull);
            chain.doFilter(request, response);
            return;
        }
        long retryAfter = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        response.setHeader("RateLimit", "\"" + POLICY + "\";r=0;t=" + retryAfter);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        ProblemDetail problem = Problems.forStatus(429);
        problem.setDetail("Too many attempts from this address. Try again in " + retryAfter + " seconds.");
        problems.write(request, response, problem);
    }
}
