package dev.bulwark.web.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * reset — with the IETF draft's {@code RateLimit-Policy} and {@code RateLimit} headers, and 429 with
 * {@code Retry-After} past it. An IPv6 client is counted by its network prefix ({@code bulwark.http.ipv6-budget-prefix},
 * a /64 by default), since one host is routinely given a whole /64. Buckets live in the configured {@link RateLimitStore}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AuthRateLimitFilter extends OncePerRequestFilter {

    static final String POLICY = "auth";
    private static final Set<String> GUARDED = Set.of("/api/v1/signup", "/api/v1/auth/login", "/api/v1/auth/login/mfa",
            "/api/v1/auth/step-up", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm",
            "/api/v1/auth/passkey/options", "/api/v1/auth/passkey", "/api/v1/auth/login/mfa/passkey",
            "/api/v1/auth/step-up/passkey", "/api/v1/api-keys/report-leak",
            // The guest portal's magic link: its page and its sign-in (guests/web/PortalController).
            "/portal/magic",
            // The console's sign-in forms, which call the sign-in endpoints inside the process (docs/console.md).
            "/console/sign-in", "/console/sign-in/code", "/console/step-up");

    private final Budget budget;
    private final RateLimitStore store;
    private final ProblemWriter problems;
    private final int ipv6Prefix;

    AuthRateLimitFilter(HttpProperties properties, RateLimitStore store, ProblemWriter problems) {
        this.budget = new Budget(POLICY, properties.authRequestsPerMinute());
        this.store = store;
        this.problems = problems;
        this.ipv6Prefix = properties.ipv6BudgetPrefix();
    }

    /**
     * Whose budget a request from {@code address} spends: an IPv4 address itself (an IPv4-mapped IPv6 one included), an
     * IPv6 address's first {@code ipv6Prefix} bits as {@code network/prefix}. Anything that is not an address literal
     * (never the case for a connection's peer) stands for itself and is never resolved.
     */
    static String budgetSubject(String address, int ipv6Prefix) {
        if (!address.matches("[0-9A-Fa-f:.]+(%[0-9A-Za-z._-]+)?") || !address.contains(":")) {
            return address;
        }
        byte[] bytes;
        try {
            // A literal with a colon is parsed, never looked up; an IPv4-mapped one comes back as the IPv4 address.
            // The zone (fe80::1%eth0) names the host's own interface, not the client: dropped.
            InetAddress parsed = InetAddress.getByName(address.replaceFirst("%.*", ""));
            if (parsed instanceof Inet4Address v4) {
                return v4.getHostAddress();
            }
            bytes = parsed.getAddress();
        } catch (UnknownHostException malformed) {
            return address;
        }
        for (int bit = ipv6Prefix; bit < 128; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + ipv6Prefix;
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Whether {@code path} is one of the guarded endpoints (each answers 429 past the budget). */
    static boolean guards(String path) {
        return GUARDED.contains(path);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && (GUARDED.contains(request.getRequestURI()) || consoleStepUp(request)));
    }

    /** A console form carrying a step-up password (asked in place): it guesses at a credential like step-up itself. */
    private static boolean consoleStepUp(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/console/") && request.getParameter("stepUpPassword") != null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ConsumptionProbe probe = store.take(budget, budgetSubject(request.getRemoteAddr(), ipv6Prefix));
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
