package dev.bulwark.web.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTPS redirect's target is built from the configured public origin, IPv6 literals in brackets. */
class HttpsRedirectFilterTest {

    private static String location(String publicOrigin, int httpsPort) {
        return HttpsRedirectFilter.location(Origin.parse(publicOrigin).orElseThrow(), httpsPort, "/api/v1/me?x=1");
    }

    @Test
    void anIpv6PublicOriginIsWrittenInBrackets() {
        assertThat(location("http://[::1]:8080", 8443)).isEqualTo("https://[::1]:8443/api/v1/me?x=1");
        assertThat(location("http://[0:0:0:0:0:0:0:1]", 443)).isEqualTo("https://[0:0:0:0:0:0:0:1]/api/v1/me?x=1");
        assertThat(location("https://[2001:DB8::1]", 8443)).as("already HTTPS: its own port").isEqualTo("https://[2001:db8::1]/api/v1/me?x=1");
        assertThat(location("https://[2001:db8::1]:9443", 8443)).isEqualTo("https://[2001:db8::1]:9443/api/v1/me?x=1");
    }

    @Test
    void anHttpsPublicOriginKeepsItsPortAndAnHttpOneGetsTheConnectors() {
        assertThat(location("https://bulwark.example", 8443)).isEqualTo("https://bulwark.example/api/v1/me?x=1");
        assertThat(location("https://bulwark.example:8443", 9999)).isEqualTo("https://bulwark.example:8443/api/v1/me?x=1");
        assertThat(location("http://localhost:8080", 8443)).isEqualTo("https://localhost:8443/api/v1/me?x=1");
        assertThat(location("http://localhost:8080", 443)).isEqualTo("https://localhost/api/v1/me?x=1");
    }

    @Test
    void originsCompareInOneNormalForm() {
        assertThat(Origin.parse("HTTP://LocalHost:80")).contains(new Origin("http", "localhost", 80));
        assertThat(Origin.parse("https://example.com/login?x")).contains(new Origin("https", "example.com", 443));
        assertThat(Origin.parse("http://[::1]:8080")).contains(new Origin("http", "::1", 8080));
        assertThat(Origin.parse("null")).isEmpty();
        assertThat(Origin.parse("ftp://example.com")).isEmpty();
        assertThat(Origin.parse("https://user@example.com")).isEmpty();
        assertThat(Origin.parse("https://exa mple.com")).isEmpty();
    }
}
