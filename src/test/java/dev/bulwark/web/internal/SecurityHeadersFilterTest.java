package dev.bulwark.web.internal;

import java.time.Duration;
import java.util.List;

import dev.bulwark.web.HttpProperties;
import dev.bulwark.web.PageNonce;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/** HSTS behind a TLS-terminating proxy, and the pages' nonce policy when a response turns out to be HTML. */
class SecurityHeadersFilterTest {

    private static SecurityHeadersFilter filter(boolean hstsAlways) {
        return new SecurityHeadersFilter(new HttpProperties(DataSize.ofMegabytes(1), null, 30, List.of(), hstsAlways, List.of(),
                Duration.ofSeconds(20), Duration.ofSeconds(30), DataSize.ofKilobytes(16), 32, 1_048_576,
                java.net.URI.create("http://localhost:8080"), 64));
    }

    @Test
    void hstsOnPlainHttpOnlyWhenTheProxyInFrontTerminatesTls() throws Exception {
        MockHttpServletResponse direct = new MockHttpServletResponse();
        filter(false).doFilter(new MockHttpServletRequest("GET", "/actuator/health"), direct, new MockFilterChain());
        assertThat(direct.getHeader("Strict-Transport-Security")).isNull();

        MockHttpServletResponse proxied = new MockHttpServletResponse();
        filter(true).doFilter(new MockHttpServletRequest("GET", "/actuator/health"), proxied, new MockFilterChain());
        assertThat(proxied.getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");

        MockHttpServletRequest secure = new MockHttpServletRequest("GET", "/actuator/health");
        secure.setSecure(true);
        MockHttpServletResponse tls = new MockHttpServletResponse();
        filter(false).doFilter(secure, tls, new MockFilterChain());
        assertThat(tls.getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
    }

    @Test
    void anHtmlResponseGetsThePagesPolicyWithAFreshNonceAndAResetKeepsTheHeaders() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/trust");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter(false).doFilter(request, response, (req, res) -> {
            res.setContentType("text/html;charset=utf-8");
            res.reset();
            res.setContentType("text/html;charset=utf-8");
        });
        String nonce = PageNonce.of(request);
        assertThat(nonce).matches("[A-Za-z0-9+/]{22}==");
        assertThat(response.getHeader("Content-Security-Policy")).contains("script-src 'nonce-" + nonce + "'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");

        MockHttpServletRequest other = new MockHttpServletRequest("GET", "/trust");
        filter(false).doFilter(other, new MockHttpServletResponse(), (req, res) -> res.setContentType("text/html"));
        assertThat(PageNonce.of(other)).isNotEqualTo(nonce);
    }
}
