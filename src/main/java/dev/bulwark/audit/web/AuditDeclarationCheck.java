package dev.bulwark.audit.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.audit.internal.CommittedEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Holds every call to an {@link Audited} endpoint to its declaration, after the response: a success committed exactly
 * one event of a declared type in each chain it wrote to (none only where {@code unless} allows), carrying the request's id, the client's IP
 * and a known actor; a failure committed none. A broken declaration is logged as an error; with
 * {@code bulwark.audit.declarations=strict} (the test suite) it is also kept in {@link #violations} for the tests to
 * fail on, so every request the suite makes checks the audit trail it leaves.
 */
@Component
public class AuditDeclarationCheck implements HandlerInterceptor, WebMvcConfigurer {

    private static final Logger log = LoggerFactory.getLogger(AuditDeclarationCheck.class);
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final boolean strict;
    private final List<String> violations = new ArrayList<>();

    AuditDeclarationCheck(@Value("${bulwark.audit.declarations:log}") String mode) {
        this.strict = mode.equals("strict");
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        if (!(handler instanceof HandlerMethod method) || !MUTATING.contains(request.getMethod())) {
            return;
        }
        Audited declared = method.getMethodAnnotation(Audited.class);
        String endpoint = request.getMethod() + " " + method.getMethod().getDeclaringClass().getSimpleName() + "."
                + method.getMethod().getName();
        if (declared == null) {
            violation(endpoint + " changes state but declares no @Audited");
            return;
        }
        var attributes = RequestContextHolder.getRequestAttributes();
        if (attributes == null) {
            return;
        }
        List<AuditType> types = Arrays.asList(declared.value());
        List<CommittedEvents.Committed> matching = CommittedEvents.of(attributes).stream()
                .filter(e -> types.contains(e.type())).toList();
        boolean success = ex == null && response.getStatus() < 400;
        // A user's own events go to the chain of every organisation the user belongs to: one per chain.
        long chains = matching.stream().map(CommittedEvents.Committed::tenant).distinct().count();
        if (!success) {
            if (!matching.isEmpty() && declared.alsoOnFailure().isEmpty()) {
                violation(endpoint + " failed with " + response.getStatus() + " but committed " + matching);
            } else if (chains < matching.size()) {
                violation(endpoint + " failed with " + response.getStatus() + " and committed " + matching.size()
                        + " events of " + types + " in " + chains + " chains, more than one a chain");
            } else {
                checkFacts(endpoint, matching);
            }
            return;
        }
        if (chains < matching.size() || matching.isEmpty() && !types.isEmpty() && declared.unless().isEmpty()) {
            violation(endpoint + " committed " + matching.size() + " events of " + types + " in " + chains
                    + " chains, not exactly one a chain");
            return;
        }
        checkFacts(endpoint, matching);
    }

    /** Each event carries the request's IP and id, and its actor's id unless anonymous. */
    private void checkFacts(String endpoint, List<CommittedEvents.Committed> matching) {
        String requestId = MDC.get("requestId");
        for (CommittedEvents.Committed e : matching) {
            if (e.ip() == null || requestId == null || !requestId.equals(e.requestId())) {
                violation(endpoint + " recorded " + e.type() + " without the request's IP or id");
            }
            // Only a person or a key has an id; nobody known (anonymous) and Bulwark itself (system) have none.
            if (e.actorId() == null && !e.actorType().equals("anonymous") && !e.actorType().equals("system")) {
                violation(endpoint + " recorded " + e.type() + " without its actor's id");
            }
        }
    }

    private void violation(String what) {
        log.error("Audit declaration broken: {}", what);
        if (strict) {
            synchronized (violations) {
                violations.add(what);
            }
        }
    }

    /** The broken declarations seen since the last call, in strict mode; clears them. */
    public List<String> takeViolations() {
        synchronized (violations) {
            List<String> seen = List.copyOf(violations);
            violations.clear();
            return seen;
        }
    }
}
