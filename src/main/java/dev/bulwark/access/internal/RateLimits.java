package dev.bulwark.access.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.bulwark.access.ApiKeyPrincipal;
import dev.bulwark.access.Budget;
import dev.bulwark.access.Caller;
import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.access.RateLimitStore;
import dev.bulwark.shared.TooManyRequestsException;
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
 * empty budget answers 429 with Retry-After. Buckets live in the configured {@link RateLimitStore}.
 */
@Component
class RateLimits implements HandlerInterceptor {

    private record Outcome(Budget budget, ConsumptionProbe probe) {
    }

    private final Budget user;
    private final Budget apiKey;
    private final Budget organisation;
    private final RateLimitStore store;

    RateLimits(RateLimitProperties properties, RateLimitStore store) {
        this.user = new Budget("user", properties.userPerMinute());
        this.apiKey = new Budget("apikey", properties.apiKeyPerMinute());
        this.organisation = new Budget("org", properties.organisationPerMinute());
        this.store = store;
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
        response.setHeader("RateLimit-Policy", String.join(", ", outcomes.stream().map(o -> o.budget().policy()).toList()));
        response.setHeader("RateLimit", String.join(", ", outcomes.stream().map(o -> o.budget().state(o.probe())).toList()));
        for (Outcome o : outcomes) {
            if (!o.probe().isConsumed()) {
                throw new TooManyRequestsException("The " + o.budget().name() + " request budget of " + o.budget().perMinute()
                        + " a minute is spent.", Duration.ofNanos(o.probe().getNanosToWaitForRefill()));
            }
        }
        return true;
    }

    private Outcome consume(Budget budget, UUID subject) {
        return new Outcome(budget, store.take(budget, subject.toString()));
    }
}
