package dev.bulwark.access.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * Per-principal and per-organisation budgets (Bucket4j token buckets, refilled greedily over a minute): a user's or
 * key's own budget before anything else of the request, then, for an organisation's endpoint, the organisation's
 * shared one once the gate has admitted the caller. Every such response carries the IETF RateLimit-Policy / RateLimit headers of the policies applied; an
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

    private static final String SUBJECT = RateLimits.class.getName() + ".subject";

    /**
     * The user's or key's own budget, before any connection is taken: an empty budget answers 429 before the
     * organisation's gate runs. The organisation's budget comes after the gate ({@link #organisation}).
     */
    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        Outcome outcome;
        if (authentication != null && authentication.getPrincipal() instanceof ApiKeyPrincipal key) {
            outcome = consume(apiKey, key.budgetSubject());
        } else if (authentication != null && authentication.getPrincipal() instanceof Jwt jwt) {
            outcome = consume(user, jwt.getSubject());
        } else {
            return true;
        }
        request.setAttribute(SUBJECT, outcome);
        enforce(response, List.of(outcome));
        return true;
    }

    /**
     * The organisation's shared budget, spent only by a caller the gate admitted (a non-member's 404 spends none of
     * it), after the caller's own budget.
     */
    void organisation(HttpServletRequest request, HttpServletResponse response, Caller caller) {
        List<Outcome> outcomes = new ArrayList<>();
        if (request.getAttribute(SUBJECT) instanceof Outcome subject) {
            outcomes.add(subject);
        }
        outcomes.add(consume(organisation, caller.orgId().toString()));
        enforce(response, outcomes);
    }

    private static void enforce(HttpServletResponse response, List<Outcome> outcomes) {
        response.setHeader("RateLimit-Policy", String.join(", ", outcomes.stream().map(o -> o.budget().policy()).toList()));
        response.setHeader("RateLimit", String.join(", ", outcomes.stream().map(o -> o.budget().state(o.probe())).toList()));
        for (Outcome o : outcomes) {
            if (!o.probe().isConsumed()) {
                throw new TooManyRequestsException("The " + o.budget().name() + " request budget of " + o.budget().perMinute()
                        + " a minute is spent.", Duration.ofNanos(o.probe().getNanosToWaitForRefill()));
            }
        }
    }

    private Outcome consume(Budget budget, String subject) {
        return new Outcome(budget, store.take(budget, subject));
    }
}
