package dev.bulwark.web.internal;

import java.io.IOException;
import java.util.List;

import dev.bulwark.web.HttpProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The client's address, for rate limits, sessions and the audit trail. {@code X-Forwarded-For} is read only when the
 * direct peer is a configured trusted proxy ({@code bulwark.http.trusted-proxies}); then the client is the right-most
 * address in the chain that is not itself a trusted proxy (the left part is whatever the client chose to send). From
 * any other peer the header is ignored, so nobody picks their own address. Spring's ForwardedHeaderFilter and
 * Tomcat's RemoteIpValve trust by default or by private-network regex; this one trusts only what is configured.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class ClientAddressFilter extends OncePerRequestFilter {

    private final List<IpAddressMatcher> trusted;

    ClientAddressFilter(HttpProperties properties) {
        this.trusted = properties.trustedProxies().stream().map(IpAddressMatcher::new).toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String client = clientOf(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"));
        if (client.equals(request.getRemoteAddr())) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteAddr() {
                return client;
            }

            @Override
            public String getRemoteHost() {
                return client;
            }
        }, response);
    }

    String clientOf(String peer, java.util.Enumeration<String> forwardedHeaders) {
        if (!isTrusted(peer) || forwardedHeaders == null) {
            return peer;
        }
        List<String> chain = new java.util.ArrayList<>();
        for (String header : java.util.Collections.list(forwardedHeaders)) {
            for (String hop : header.split(",")) {
                chain.add(hop.strip());
            }
        }
        String client = peer;
        for (int i = chain.size() - 1; i >= 0; i--) {
            String hop = chain.get(i);
            if (!isAddress(hop)) {
                break;
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        return isAddress(address) && trusted.stream().anyMatch(m -> m.matches(address));
    }

    /** An IPv4 or IPv6 literal, never a name (a name would make the matcher resolve it). */
    private static boolean isAddress(String value) {
        return value.matches("[0-9.]{7,15}") || (value.contains(":") && value.matches("[0-9A-Fa-f:.]{2,45}"));
    }
}
