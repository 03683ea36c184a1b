package dev.bulwark.web.internal;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.bulwark.web.OverloadProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Fails fast under overload, in front of the database pool: each route class (API, pages, actuator) runs a bounded
 * number of requests at once, lets a few more wait briefly, and answers the rest 503 {@code service-unavailable} with
 * {@code Retry-After} at once, so a flood never queues without bound and the probes always have room of their own. A
 * request that finds the database unavailable further down (no pooled connection in time, server gone) answers the
 * same 503 here, whichever filter or controller it reached. Right after the request id and the security headers, so a
 * refusal carries both.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
class OverloadFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(OverloadFilter.class);

    /**
     * Requests that share a limit: what one class does to the server never takes the others' room. {@code AI} is the
     * API calls that wait on an AI provider for seconds (a completion, an AI draft): held in the API class they would
     * take the slots sized for the database pool while using none of it.
     */
    enum RouteClass {
        API, AI, PAGES, HEALTH;

        private static final Pattern AI_CALLS =
                Pattern.compile("/api/v1/orgs/[^/]+/(ai/completions|projects/[^/]+/documents/ai-draft)");

        static RouteClass of(String path) {
            if (path.startsWith("/api/")) {
                return AI_CALLS.matcher(path).matches() ? AI : API;
            }
            return path.startsWith("/actuator/") ? HEALTH : PAGES;
        }
    }

    private final Gate api;
    private final Gate ai;
    private final Gate pages;
    private final Gate health;
    private final long waitNanos;
    private final String retryAfter;
    private final ProblemWriter problems;

    OverloadFilter(OverloadProperties properties, ProblemWriter problems) {
        this.api = new Gate(properties.api(), properties.apiQueue());
        this.ai = new Gate(properties.ai(), properties.aiQueue());
        this.pages = new Gate(properties.pages(), properties.pagesQueue());
        this.health = new Gate(properties.health(), properties.healthQueue());
        this.waitNanos = properties.queueWait().toNanos();
        this.retryAfter = Long.toString(properties.retryAfter().toSeconds());
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Gate gate = switch (RouteClass.of(request.getRequestURI())) {
            case API -> api;
            case AI -> ai;
            case PAGES -> pages;
            case HEALTH -> health;
        };
        if (!gate.enter(waitNanos)) {
            refuse(request, response, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
                    "Too many requests are in progress. Retry after the time in Retry-After."));
            return;
        }
        RequestSlot slot = new RequestSlot(gate::leave);
        request.setAttribute(RequestSlot.ATTRIBUTE, slot);
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!DatabaseUnavailable.causes(e) || response.isCommitted()) {
                throw e;
            }
            log.warn("Database unavailable for {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            refuse(request, response, DatabaseUnavailable.problem(e));
        } finally {
            slot.leave();
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, org.springframework.http.ProblemDetail problem)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter);
        problems.write(request, response, problem);
    }

    /** A class's slots and its short queue. */
    private static final class Gate {
        private final Semaphore slots;
        private final int queue;
        private final AtomicInteger waiting = new AtomicInteger();

        Gate(int concurrency, int queue) {
            this.slots = new Semaphore(concurrency, true);
            this.queue = queue;
        }

        boolean enter(long waitNanos) throws IOException {
            if (slots.tryAcquire()) {
                return true;
            }
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                return false;
            }
            try {
                return slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for a request slot");
            } finally {
                waiting.decrementAndGet();
            }
        }

        void leave() {
            slots.release();
        }
    }
}
