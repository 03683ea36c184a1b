package dev.bulwark.access.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.access.ApiKeyPrincipal;
import dev.bulwark.access.Caller;
import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.shared.TooManyRequestsException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Per-principal and per-organisation budgets (Bucket4j token buckets, refilled greedily over a minute), checked after
 * the access check: a user's or key's own budget first, then, for an organisation's endpoint, the organisation's
 * shared one. Every such response carries the IETF RateLimit-Policy / RateLimit headers of the policies applied; an
 * empty budget answers 429 with Retry-After. Buckets live in this instance (see docs/access-control.md).
 */
@Component
class RateLimits implements HandlerInterceptor {

    private record Policy(String name, int perMinute) {
    }

    private record Outcome(Policy policy, ConsumptionProbe probe) {
    }

    private final Policy user;
    private final Policy apiKey;
    private final Policy organisation;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(2))
            .maximumSize(500_000)
            .build();

    RateLimits(RateLimitProperties properties) {
        this.user = new Policy("user", properties.userPerMinute());
        this.apiKey = new Policy("apikey", properties.apiKeyPerMinute());
        this.organisation = new Policy("org", properties.organisationPerMinute());
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        List<Outcome> outcomes = new ArrayList<>();
        if (authentication != null && authentication.getPrincipal() instanceof ApiKeyPrincipal key) {
            outcomes.add(consume(apiKey, key.keyId()));
        } else if (authentication != null && authentication.getPrincipal() instanceof Jwt jwt) {
            outcomes.add(consume(user, UUID.fromString(jwt.getSubject())));
        } else {
            return true;
        }
        Caller caller = OrganisationAccess.callerOf(request);
        if (caller != null && outcomes.getFirst().probe().isConsumed()) {
            outcomes.add(consume(organisation, caller.orgId()));
        }
        response.setHeader("RateLimit-Policy", String.join(", ", outcomes.stream()
                .map(o -> "\"" + o.policy().name() + "\";q=" + o.policy().perMinute() + ";w=60").toList()));
        response.setHeader("RateLimit", String.join(", ", outcomes.stream().map(RateLimits::remaining).toList()));
        for (Outcome o : outcomes) {
            if (!o.probe().isConsumed()) {
                throw new TooManyRequestsException("The " + o.policy().name() + " request budget of " + o.policy().perMinute()
                        + " a minute is spent.", Duration.ofNanos(o.probe().getNanosToWaitForRefill()));
            }
        }
        return true;
    }

    private Outcome consume(Policy policy, UUID subject) {
        Bucket bucket = buckets.get(policy.name() + ":" + subject, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(policy.perMinute()).refillGreedy(policy.perMinute(), Duration.ofMinutes(1)))
                .build());
        return new Outcome(policy, bucket.tryConsumeAndReturnRemaining(1));
    }

    private static String remaining(Outcome o) {
        long seconds = o.probe().isConsumed()
                ? (long) Math.ceil((o.policy().perMinute() - o.probe().getRemainingTokens()) * 60.0 / o.policy().perMinute())
                : Math.max(1, (o.probe().getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return "\"" + o.policy().name() + "\";r=" + o.probe().getRemainingTokens() + ";t=" + seconds;
    }
}
