package dev.bulwark.web.internal;

import java.io.IOException;
import java.util.regex.Pattern;

import dev.bulwark.shared.Ids;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id, echoed in {@code X-Request-Id}, in every log line written while it is served (the
 * {@code requestId} MDC key, in {@code logging.pattern.correlation}), in problem details and in its audit events. A
 * caller's id is kept only when it is 8–64 characters of {@code [A-Za-z0-9._-]}; any other (a line break, markup, 10 kB)
 * is replaced by a fresh one, never refused, so a client's bad header costs it nothing but its own correlation. The
 * error dispatch of the same request (a container error rendered at /error) and its async dispatch (the end of a
 * streamed answer) keep the same id.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    static final String ATTRIBUTE = RequestIdFilter.class.getName();

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    /** A streamed answer (an export) ends in an async dispatch: what is logged or checked there names the same id. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = (String) request.getAttribute(ATTRIBUTE);
        if (id == null) {
            String given = request.getHeader(HEADER);
            id = given != null && ACCEPTABLE.matcher(given).matches() ? given : Ids.newId().toString();
            request.setAttribute(ATTRIBUTE, id);
        }
        String outer = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, id);
        response.setHeader(HEADER, id);
        try {
            chain.doFilter(request, response);
        } finally {
            if (outer == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, outer);
            }
        }
    }
}
