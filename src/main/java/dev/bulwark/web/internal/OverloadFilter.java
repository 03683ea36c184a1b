package dev.bulwark.web.internal;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.bulwark.shared.RequestDeadline;
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
 * same 503 here, whichever filter or controller it reached. A request that entered its class at the limit — it waited
 * for a slot, took the last one, or came within a deadline's length of the class being full — runs under pressure with
 * a {@link RequestDeadline}: its slow waits (a password hash on a starved core) give up there with the same 503, so
 * what is served under overload is served quickly. Right after the request id and the security headers, so a refusal
 * carries both.
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
    private final long deadlineNanos;
    private final String retryAfter;
    private final ProblemWriter problems;

    OverloadFilter(OverloadProperties properties, ProblemWriter problems) {
        this.api = new Gate(properties.api(), properties.apiQueue(), properties.deadline().toNanos());
        this.ai = new Gate(properties.ai(), properties.aiQueue(), properties.deadline().toNanos());
        this.pages = new Gate(properties.pages(), properties.pagesQueue(), properties.deadline().toNanos());
        this.health = new Gate(properties.health(), properties.healthQueue(), properties.deadline().toNanos());
        this.waitNanos = properties.queueWait().toNanos();
        this.deadlineNanos = properties.deadline().toNanos();
        this.retryAfter = Long.toString(properties.retryAfter().toSeconds());
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Gate gate = gate(RouteClass.of(request.getRequestURI()));
        long arrived = System.nanoTime();
        Entry entry = gate.enter(waitNanos);
        if (entry == Entry.REFUSED) {
            refuse(request, response, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
                    "Too many requests are in progress. Retry after the time in Retry-After."));
            return;
        }
        RequestSlot slot = new RequestSlot(gate::leave);
        request.setAttribute(RequestSlot.ATTRIBUTE, slot);
        if (entry == Entry.AT_LIMIT) {
            RequestDeadline.set(arrived + deadlineNanos);
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!DatabaseUnavailable.causes(e) || response.isCommitted()) {
                throw e;
            }
            log.warn("Database unavailable for {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            refuse(request, response, DatabaseUnavailable.problem(e));
        } finally {
            RequestDeadline.clear();
            slot.leave();
        }
    }

    /** Requests waiting for a slot of a class now. */
    int waiting(RouteClass routeClass) {
        return gate(routeClass).waiting.get();
    }

    private Gate gate(RouteClass routeClass) {
        return switch (routeClass) {
            case API -> api;
            case AI -> ai;
            case PAGES -> pages;
            case HEALTH -> health;
        };
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, org.springframework.http.ProblemDetail problem)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter);
        problems.write(request, response, problem);
    }

    /** How a request entered its class. */
    enum Entry {
        /** A slot was free, others remain, and the class has not been at its limit lately. */
        ROOM,
        /**
         * It waited for its slot, took the last one, or found the class at its limit within the last deadline's length
         * (a flood comes in waves: the request that finds room between two of them meets the next).
         */
        AT_LIMIT,
        /** No slot in time, or the queue was full. */
        REFUSED
    }

    /** A class's slots and its short queue. */
    private static final class Gate {
        private final Semaphore slots;
        private final int queue;
        private final long pressureNanos;
        private final AtomicInteger waiting = new AtomicInteger();
        /** When the class was last seen at its limit ({@link System#nanoTime()}). */
        private volatile long atLimit;

        Gate(int concurrency, int queue, long pressureNanos) {
            this.slots = new Semaphore(concurrency, true);
            this.queue = queue;
            this.pressureNanos = pressureNanos;
            this.atLimit = System.nanoTime() - 2 * pressureNanos;
        }

        Entry enter(long waitNanos) throws IOException {
            if (slots.tryAcquire()) {
                if (slots.availablePermits() == 0) {
                    return pressed();
                }
                return System.nanoTime() - atLimit < pressureNanos ? Entry.AT_LIMIT : Entry.ROOM;
            }
            atLimit = System.nanoTime();
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                return Entry.REFUSED;
            }
            try {
                return slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS) ? pressed() : Entry.REFUSED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for a request slot");
            } finally {
                waiting.decrementAndGet();
            }
        }

        private Entry pressed() {
            atLimit = System.nanoTime();
            return Entry.AT_LIMIT;
        }

        void leave() {
            if (slots.availablePermits() == 0) {
                atLimit = System.nanoTime();
            }
            slots.release();
        }
    }
}
