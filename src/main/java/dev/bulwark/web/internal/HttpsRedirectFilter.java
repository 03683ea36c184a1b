package dev.bulwark.web.internal;

import java.io.IOException;

import dev.bulwark.web.HttpProperties;
import dev.bulwark.web.SelfRequests;
import dev.bulwark.web.TlsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With TLS on, a plain-HTTP request gets nothing but a 308 to the same path over HTTPS (308, not 301 or 302, so a
 * POST stays a POST and its body is not silently dropped), with the security headers already set. The one exception
 * is the application's own check requests from loopback ({@link SelfRequests}). The redirect names the configured
 * public origin's host, never the request's Host header: that header is the client's to write, and a redirect built
 * from it sends a poisoned cache's next visitor, or a link's follower, wherever the attacker chose.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class HttpsRedirectFilter extends OncePerRequestFilter {

    private final TlsProperties tls;
    private final ApplicationContext context;
    private final SelfRequests self;
    private final Origin publicOrigin;

    HttpsRedirectFilter(TlsProperties tls, ApplicationContext context, SelfRequests self, HttpProperties http) {
        this.tls = tls;
        this.context = context;
        this.self = self;
        this.publicOrigin = Origin.of(http.publicOrigin());
    }

    /**
     * Where a plain-HTTP request for {@code pathAndQuery} is sent: the public origin when it is already HTTPS (its port
     * is what clients reach, whatever this connector listens on), else its host on the HTTPS connector's port.
     */
    static String location(Origin publicOrigin, int httpsPort, String pathAndQuery) {
        Origin target = publicOrigin.scheme().equals("https") ? publicOrigin : publicOrigin.https(httpsPort);
        return target + pathAndQuery;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!tls.enabled() || request.isSecure() || self.isSelf(request)) {
            chain.doFilter(request, response);
            return;
        }
        String query = request.getQueryString();
        response.setStatus(308);
        response.setHeader("Location", location(publicOrigin, httpsPort(), request.getRequestURI() + (query == null ? "" : "?" + query)));
        response.setContentLength(0);
    }

    /** The HTTPS connector's port (its actual one when configured as 0). */
    private int httpsPort() {
        if (tls.port() != 0) {
            return tls.port();
        }
        if (context instanceof WebServerApplicationContext web && web.getWebServer() instanceof org.springframework.boot.tomcat.TomcatWebServer tomcat) {
            for (var connector : tomcat.getTomcat().getService().findConnectors()) {
                if (connector.getSecure()) {
                    return connector.getLocalPort();
                }
            }
        }
        return 443;
    }
}
