package dev.bulwark.audit;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Where a request came from, as recorded with its events: client IP (after the trusted-proxy rule of the web
 * module, which wraps the request), user agent and request id. Clipped to the columns' sizes.
 */
public record RequestFacts(String ip, String userAgent, String requestId) {

    public static final RequestFacts NONE = new RequestFacts(null, null, null);

    public RequestFacts {
        ip = clip(ip, 64);
        userAgent = clip(userAgent, 512);
        requestId = clip(requestId, 64);
    }

    /** The current HTTP request's facts, or only the request id (if any) outside a request (scheduled work). */
    public static RequestFacts current() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return new RequestFacts(request.getRemoteAddr(), request.getHeader(HttpHeaders.USER_AGENT), MDC.get("requestId"));
        }
        return new RequestFacts(null, null, MDC.get("requestId"));
    }

    private static String clip(String value, int max) {
        return value == null ? null : value.length() <= max ? value : value.substring(0, max);
    }
}
