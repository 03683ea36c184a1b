package dev.bulwark.web.internal;

import java.io.IOException;
import java.util.Locale;

import dev.bulwark.web.HttpProperties;
import dev.bulwark.web.PageNonce;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The security headers of every response — API, pages, errors, actuator, anything static — set before anything else
 * runs and set again if the response is reset (an error page resets it), also on the error dispatch
 * (docs/http-hardening.md lists each header and why). An HTML response gets the pages' policy instead of the API's:
 * same-origin only, scripts and styles only with this request's nonce ({@link PageNonce}), never {@code unsafe-inline}.
 * Spring Security's own header writing is off, so each header is written once, here.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class SecurityHeadersFilter extends OncePerRequestFilter {


    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    static final String PERMISSIONS = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
            + "microphone=(), payment=(), usb=()";
    static final String HSTS = "max-age=31536000; includeSubDomains";

    private final HttpProperties properties;

    SecurityHeadersFilter(HttpProperties properties) {
        this.properties = properties;
    }

    /** The pages' policy for a nonce: everything from this origin only, inline code only with the nonce. */
    static String pagePolicy(String nonce) {
        return "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce + "'; img-src 'self' data:; "
                + "font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                + "form-action 'self'; upgrade-insecure-requests";
    }

    /** Every header, with {@code policy} as the CSP; also for answers written where no filter runs (ContainerErrors). */
    static void write(HttpServletResponse r, String policy, boolean hsts) {
        r.setHeader("Content-Security-Policy", policy);
        r.setHeader("X-Frame-Options", "DENY");
        r.setHeader("X-Content-Type-Options", "nosniff");
        r.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
        r.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        r.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        r.setHeader("Permissions-Policy", PERMISSIONS);
        // Every answer is about someone's data or state: never stored by a browser or a shared cache.
        r.setHeader("Cache-Control", "no-store");
        if (hsts) {
            r.setHeader("Strict-Transport-Security", HSTS);
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Headed headed = new Headed(request, response);
        headed.apply();
        chain.doFilter(request, headed);
    }

    @Override
    protected void doFilterNestedErrorDispatch(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        doFilterInternal(request, response, chain);
    }

    /** The response, headed; a reset (error pages) or an HTML content type re-applies the right headers. */
    private final class Headed extends HttpServletResponseWrapper {
        private final HttpServletRequest request;

        Headed(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
        }

        void apply() {
            HttpServletResponse r = (HttpServletResponse) getResponse();
            write(r, html(r.getContentType()) ? pagePolicy(PageNonce.of(request)) : API_POLICY, request.isSecure() || properties.hstsAlways());
        }

        private static boolean html(String contentType) {
            return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/html");
        }

        @Override
        public void reset() {
            super.reset();
            apply();
        }

        @Override
        public void setContentType(String type) {
            super.setContentType(type);
            if (html(type)) {
                ((HttpServletResponse) getResponse()).setHeader("Content-Security-Policy", pagePolicy(PageNonce.of(request)));
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                setContentType(value);
                return;
            }
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                setContentType(value);
                return;
            }
            super.addHeader(name, value);
        }
    }
}
