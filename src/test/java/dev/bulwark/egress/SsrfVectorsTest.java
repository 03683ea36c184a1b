package dev.bulwark.egress;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.bulwark.egress.internal.HttpEgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.bulwark.egress.ScriptedResolver.ip;
import static dev.bulwark.egress.ScriptedResolver.ip6;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side request forgery: URLs naming loopback, private, link-local, metadata and other internal destinations —
 * spelled as numbers every parser reads differently, as IPv6 forms embedding IPv4, behind user information, other
 * schemes or encodings, and as names resolving there — are each refused by {@code check} and by {@code send} before
 * any connection, while loopback listeners on the ports they name count the connections they accept: none.
 * Ideas from the PayloadsAllTheThings SSRF list; the vectors are written here.
 */
public class SsrfVectorsTest {

    private static LoopbackReceiver v4;
    private static LoopbackReceiver v6;
    private static final ScriptedResolver RESOLVER = scripted();

    /** The names the vectors use, scripted to internal addresses (also for the webhooks' own SSRF test). */
    public static ScriptedResolver scripted() {
        return new ScriptedResolver()
                .answer("internal.example.com", List.of(ip(10, 0, 0, 5)))
                .answer("loopback.example.com", List.of(ip(127, 0, 0, 1)))
                .answer("metadata.example.com", List.of(ip(169, 254, 169, 254)))
                .answer("ipv6-loopback.example.com", List.of(ip6(0, 0, 0, 0, 0, 0, 0, 1)))
                .answer("mapped.example.com", List.of(ip(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1)))
                .answer("unique-local.example.com", List.of(ip6(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)))
                .answer("127.0.0.1.nip.io", List.of(ip(127, 0, 0, 1)))
                .answer("cgnat.example.com", List.of(ip(100, 100, 100, 200)))
                .answer("half-public.example.com", List.of(ip(8, 8, 8, 8), ip(192, 168, 1, 1)))
                .answer("private-first.example.com", List.of(ip(172, 16, 0, 1), ip(1, 1, 1, 1)));
    }

    private static Egress egress;

    @BeforeAll
    static void listen() throws IOException {
        v4 = LoopbackReceiver.counting();
        InetAddress loopback6 = ip6(0, 0, 0, 0, 0, 0, 0, 1);
        try {
            v6 = new LoopbackReceiver(loopback6, socket -> { });
        } catch (IOException noIpv6) {
            v6 = null;
        }
        // The default allow list (none), real timeouts: a vector that got through would connect and be counted.
        egress = new HttpEgress(new EgressProperties(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 1 << 20), RESOLVER, (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
    }

    @AfterAll
    static void close() throws IOException {
        v4.close();
        if (v6 != null) {
            v6.close();
        }
    }

    /** The vectors, aimed at loopback listeners on ports {@code p} (IPv4) and {@code q} (IPv6). */
    public static List<String> vectors(int p, int q) {
        String lp = ":" + p;
        String lq = ":" + q;
        return List.of(
                // loopback, canonical and not
                "http://127.0.0.1" + lp + "/",
                "http://127.0.0.2" + lp + "/",
                "http://127.255.255.254" + lp + "/",
                "HTTP://127.0.0.1" + lp + "/",
                "https://127.0.0.1" + lp + "/",
                "http://0.0.0.0" + lp + "/",
                "http://0" + lp + "/",
                // ambiguous numbers: JDK, curl and glibc read these differently
                "http://0177.0.0.1" + lp + "/",
                "http://0177.0000.0000.0001" + lp + "/",
                "http://0x7f.0.0.1" + lp + "/",
                "http://0x7f.0x0.0x0.0x1" + lp + "/",
                "http://0x7f000001" + lp + "/",
                "http://2130706433" + lp + "/",
                "http://017700000001" + lp + "/",
                "http://127.1" + lp + "/",
                "http://127.0.1" + lp + "/",
                "http://0x7f.1" + lp + "/",
                "http://127.000.000.001" + lp + "/",
                "http://127.0.0.01" + lp + "/",
                "http://127.0.0.1." + lp + "/",
                "http://1.1.1.1.1" + lp + "/",
                // IPv6 loopback and forms embedding IPv4 loopback
                "http://[::1]" + lq + "/",
                "http://[0:0:0:0:0:0:0:1]" + lq + "/",
                "http://[0000:0000:0000:0000:0000:0000:0000:0001]" + lq + "/",
                "http://[::]" + lp + "/",
                "http://[::ffff:127.0.0.1]" + lp + "/",
                "http://[::ffff:7f00:1]" + lp + "/",
                "http://[0:0:0:0:0:ffff:127.0.0.1]" + lp + "/",
                "http://[::ffff:0177.0.0.1]" + lp + "/",
                "http://[::127.0.0.1]" + lp + "/",
                "http://[::ffff:0:127.0.0.1]" + lp + "/",
                "http://[64:ff9b::127.0.0.1]" + lp + "/",
                "http://[64:ff9b:1::7f00:1]" + lp + "/",
                "http://[2002:7f00:1::1]" + lp + "/",
                "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]" + lp + "/",
                "http://[::1%25lo]" + lq + "/",
                "http://[fe80::1%25eth0]" + lp + "/",
                "http://[::1]]" + lq + "/",
                // cloud metadata
                "http://169.254.169.254/latest/meta-data/",
                "http://[::ffff:169.254.169.254]/latest/meta-data/",
                "http://[fd00:ec2::254]/latest/meta-data/",
                "http://100.100.100.200/latest/meta-data/",
                "http://169.254.170.2/v2/credentials",
                // private and other special-purpose ranges
                "http://10.0.0.1" + lp + "/",
                "http://172.16.0.1" + lp + "/",
                "http://172.31.255.255" + lp + "/",
                "http://192.168.0.1" + lp + "/",
                "http://100.64.0.1" + lp + "/",
                "http://192.0.0.8" + lp + "/",
                "http://198.18.0.1" + lp + "/",
                "http://224.0.0.1" + lp + "/",
                "http://240.0.0.1" + lp + "/",
                "http://255.255.255.255" + lp + "/",
                "http://[fc00::1]" + lp + "/",
                "http://[fec0::1]" + lp + "/",
                "http://[fe80::1]" + lp + "/",
                "http://[ff02::1]" + lp + "/",
                "http://[100::1]" + lp + "/",
                "http://[2001:db8::1]" + lp + "/",
                "http://[5f00::1]" + lp + "/",
                // names: localhost, and names resolving to internal addresses
                "http://localhost" + lp + "/",
                "http://LOCALHOST" + lp + "/",
                "http://api.localhost" + lp + "/",
                "http://intranet" + lp + "/",
                "http://internal.example.com" + lp + "/",
                "http://loopback.example.com" + lp + "/",
                "http://metadata.example.com/latest/meta-data/",
                "http://ipv6-loopback.example.com" + lq + "/",
                "http://mapped.example.com" + lp + "/",
                "http://unique-local.example.com/latest/meta-data/",
                "http://127.0.0.1.nip.io" + lp + "/",
                "http://cgnat.example.com/",
                "http://half-public.example.com" + lp + "/",
                "http://private-first.example.com" + lp + "/",
                // parser confusion: user information, backslashes, encodings, whitespace, other schemes
                "http://user@127.0.0.1" + lp + "/",
                "http://example.com@127.0.0.1" + lp + "/",
                "http://example.com:80@127.0.0.1" + lp + "/",
                "http://127.0.0.1" + lp + "\\@example.com/",
                "http:\\\\127.0.0.1" + lp + "\\",
                "http:/127.0.0.1" + lp + "/",
                "http://127.0.0.1" + lp + ":80/",
                "http://%31%32%37.0.0.1" + lp + "/",
                "http://127%2e0.0.1" + lp + "/",
                "http://127\u30020\u30020\u30021" + lp + "/",
                "http://\u2460\u2461\u2466.0.0.1" + lp + "/",
                "http://127.0.0.1" + lp + "/ HTTP/1.1\r\nHost: x",
                "http://127.0.0.1\t" + lp + "/",
                "http:// 127.0.0.1" + lp + "/",
                "file:///etc/passwd",
                "gopher://127.0.0.1" + lp + "/_GET",
                "dict://127.0.0.1" + lp + "/info",
                "ftp://127.0.0.1" + lp + "/",
                "jar:http://127.0.0.1" + lp + "!/",
                "//127.0.0.1" + lp + "/",
                "http://" + "a".repeat(2000) + ".com/");
    }

    @Test
    void everyVectorIsRefusedAtCheckTimeAndNoListenerSeesAConnection() {
        int q = v6 == null ? v4.port() : v6.port();
        List<String> vectors = vectors(v4.port(), q);
        List<String> notRefused = new ArrayList<>();
        for (String url : vectors) {
            if (!refusedBoth(url)) {
                notRefused.add(url);
            }
        }
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(40);
        assertThat(notRefused).as("vectors not refused as destination-not-allowed").isEmpty();
        assertThat(v4.connections()).as("connections to the IPv4 loopback listener").isZero();
        if (v6 != null) {
            assertThat(v6.connections()).as("connections to the IPv6 loopback listener").isZero();
        }
    }

    /** {@code check} and {@code send} both refuse {@code url} with 400 destination-not-allowed. */
    private static boolean refusedBoth(String url) {
        try {
            egress.check(url);
            return false;
        } catch (DestinationNotAllowedException e) {
            if (e.status() != 400 || !e.slug().equals("destination-not-allowed")) {
                return false;
            }
        } catch (RuntimeException e) {
            return false;
        }
        try {
            egress.send(new Egress.Call("GET", url, Map.of(), null, Duration.ofSeconds(3)));
            return false;
        } catch (DestinationNotAllowedException e) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
