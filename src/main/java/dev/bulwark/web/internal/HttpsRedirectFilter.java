package dev.bulwark.web.internal;

import java.io.IOException;

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
 * is the application's own check requests from loopback ({@link SelfRequests}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class HttpsRedirectFilter extends OncePerRequestFilter {

    private final TlsProperties tls;
    private final ApplicationContext context;
    private final SelfRequests self;

    HttpsRedirectFilter(TlsProperties tls, ApplicationContext context, SelfRequests self) {
        this.tls = tls;
        this.context = context;
        this.self = self;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!tls.enabled() || request.isSecure() || self.isSelf(request)) {
            chain.doFilter(request, response);
            return;
        }
        String host = request.getServerName();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        int port = httpsPort();
        String query = request.getQueryString();
        response.setStatus(308);
        response.setHeader("Location", "https://" + host + (port == 443 ? "" : ":" + port) + request.getRequestURI()
                + (query == null ? "" : "?" + query));
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
