package dev.bulwark.web.internal;

import java.util.Collections;
import java.util.List;

import dev.bulwark.web.HttpProperties;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** X-Forwarded-For is believed from configured proxies only, and only as far as the chain stays trusted. */
class ClientAddressFilterTest {

    private final ClientAddressFilter filter = new ClientAddressFilter(
            new HttpProperties(DataSize.ofMegabytes(1), null, 30, List.of("10.0.0.0/8", "2001:db8::/32"), false, List.of(), java.time.Duration.ofSeconds(20), java.time.Duration.ofSeconds(30), DataSize.ofKilobytes(16), 32, 1048576,
                    java.net.URI.create("http://localhost:8080"), 64));

    private String client(String peer, String... headers) {
        return filter.clientOf(peer, Collections.enumeration(List.of(headers)));
    }

    @Test
    void aTrustedProxysHeaderIsHonoured() {
        assertThat(client("10.0.0.1", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(client("2001:db8::1", "198.51.100.4")).isEqualTo("198.51.100.4");
        assertThat(client("10.0.0.1", "203.0.113.9, 10.0.0.2")).as("through two proxies").isEqualTo("203.0.113.9");
        assertThat(client("10.0.0.1", "203.0.113.9", "10.0.0.3")).as("several headers").isEqualTo("203.0.113.9");
    }

    @Test
    void anUntrustedPeersHeaderIsIgnored() {
        assertThat(client("198.51.100.7", "203.0.113.9")).isEqualTo("198.51.100.7");
        assertThat(client("127.0.0.1", "203.0.113.9")).isEqualTo("127.0.0.1");
    }

    @Test
    void whatTheClientPrependsIsNotBelieved() {
        assertThat(client("10.0.0.1", "1.2.3.4, 203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(client("10.0.0.1", "not-an-ip, 203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(client("10.0.0.1", "evil.example")).as("a name is never resolved").isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1")).isEqualTo("10.0.0.1");
    }

    @Test
    void aProxyThatIsNotAnAddressIsRefusedAtStart() {
        assertThatThrownBy(() -> new HttpProperties(DataSize.ofMegabytes(1), null, 30, List.of("proxy.internal"), false, List.of(), java.time.Duration.ofSeconds(20), java.time.Duration.ofSeconds(30), DataSize.ofKilobytes(16), 32, 1048576,
                    java.net.URI.create("http://localhost:8080"), 64))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
