package dev.bulwark.egress;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.bulwark.egress.internal.Allowance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The live check behind the trust center's "outbound calls cannot reach internal addresses" (docs/egress.md#the-live-check):
 * listens on loopback on a port no {@code bulwark.egress.allow} entry names, asks egress to send to that listener
 * under many spellings of loopback (and to the cloud metadata addresses), and counts what was refused and how many
 * connections the listener saw.
 */
@Component
public class EgressProbe {

    /** Each vector's call may take this long before it counts as not refused. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    private final Egress egress;
    private final Allowance allowance;

    @Autowired
    EgressProbe(Egress egress, EgressProperties properties) {
        this(egress, properties.allow());
    }

    /** A probe of {@code egress}, keeping its listeners off the ports {@code allow} names (as bulwark.egress.allow). */
    public EgressProbe(Egress egress, List<String> allow) {
        this.egress = egress;
        this.allowance = new Allowance(allow);
    }

    /**
     * What a probe found.
     *
     * @param vectors         the URLs tried, by what each spells (no port: it changes every run)
     * @param notRefused      the vectors egress did not refuse at check time
     * @param connectionsSeen connections the loopback listeners accepted while the vectors were sent
     * @param allowEntries    the number of {@code bulwark.egress.allow} entries (destinations that skip the table)
     */
    public record Observed(List<String> vectors, List<String> notRefused, int connectionsSeen, int allowEntries) {

        public Map<String, Object> evidence() {
            return Map.of("vectorsTried", vectors.size(), "vectorsRefused", vectors.size() - notRefused.size(),
                    "notRefused", notRefused, "connectionsSeen", connectionsSeen, "allowListEntries", allowEntries);
        }
    }

    /** One way to write an internal destination: a label and the URL with {@code {v4}} or {@code {v6}} for the ports. */
    private record Vector(String label, String url) {
    }

    private static final List<Vector> VECTORS = List.of(
            new Vector("IPv4 loopback", "http://127.0.0.1:{v4}/"),
            new Vector("localhost", "http://localhost:{v4}/"),
            new Vector("unspecified 0.0.0.0 (reaches loopback)", "http://0.0.0.0:{v4}/"),
            new Vector("octal 0177.0.0.1", "http://0177.0.0.1:{v4}/"),
            new Vector("hexadecimal 0x7f.0.0.1", "http://0x7f.0.0.1:{v4}/"),
            new Vector("single integer 2130706433", "http://2130706433:{v4}/"),
            new Vector("shortened 127.1", "http://127.1:{v4}/"),
            new Vector("trailing dot 127.0.0.1.", "http://127.0.0.1.:{v4}/"),
            new Vector("IPv4-mapped [::ffff:127.0.0.1]", "http://[::ffff:127.0.0.1]:{v4}/"),
            new Vector("IPv4-mapped hex [::ffff:7f00:1]", "http://[::ffff:7f00:1]:{v4}/"),
            new Vector("IPv4-compatible [::127.0.0.1]", "http://[::127.0.0.1]:{v4}/"),
            new Vector("NAT64 of loopback [64:ff9b::7f00:1]", "http://[64:ff9b::7f00:1]:{v4}/"),
            new Vector("6to4 of loopback [2002:7f00:1::]", "http://[2002:7f00:1::]:{v4}/"),
            new Vector("IPv6 loopback [::1]", "http://[::1]:{v6}/"),
            new Vector("IPv6 loopback in full [0:0:0:0:0:0:0:1]", "http://[0:0:0:0:0:0:0:1]:{v6}/"),
            new Vector("IPv6 unspecified [::]", "http://[::]:{v6}/"),
            new Vector("cloud metadata 169.254.169.254", "http://169.254.169.254/latest/meta-data/"),
            new Vector("AWS IPv6 metadata [fd00:ec2::254]", "http://[fd00:ec2::254]/latest/meta-data/"));

    /** Runs every vector once; {@link IOException} when no loopback listener can be opened. */
    public Observed observe() throws IOException {
        try (ServerSocket v4 = listener(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
             ServerSocket v6 = ipv6Listener()) {
            List<String> notRefused = new ArrayList<>();
            for (Vector vector : VECTORS) {
                // Without IPv6 loopback on this host, nothing listens there, and egress is still asked (port 1).
                String url = vector.url().replace("{v4}", Integer.toString(v4.getLocalPort()))
                        .replace("{v6}", v6 == null ? "1" : Integer.toString(v6.getLocalPort()));
                try {
                    egress.send(new Egress.Call("GET", url, Map.of(), null, CALL_TIMEOUT));
                    notRefused.add(vector.label());
                } catch (DestinationNotAllowedException refused) {
                    // what is claimed
                } catch (RuntimeException other) {
                    notRefused.add(vector.label());
                }
            }
            int seen = drain(v4) + (v6 == null ? 0 : drain(v6));
            return new Observed(VECTORS.stream().map(Vector::label).toList(), List.copyOf(notRefused), seen, allowance.size());
        }
    }

    /** A listener on {@code address}, on an ephemeral port that no allow entry names under any spelling probed. */
    private ServerSocket listener(InetAddress address) throws IOException {
        for (int attempt = 0; ; attempt++) {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(address, 0), 50);
            int port = socket.getLocalPort();
            boolean allowed = VECTORS.stream().anyMatch(v -> allowedAt(v.url(), port));
            if (!allowed) {
                return socket;
            }
            socket.close();
            if (attempt == 20) {
                throw new IOException("no free loopback port outside bulwark.egress.allow");
            }
        }
    }

    private boolean allowedAt(String url, int port) {
        String authority = url.substring("http://".length(), url.indexOf('/', "http://".length()));
        if (!authority.endsWith(":{v4}") && !authority.endsWith(":{v6}")) {
            return false;
        }
        return allowance.allows(authority.substring(0, authority.lastIndexOf(':')), port);
    }

    private ServerSocket ipv6Listener() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        if (!(loopback instanceof Inet6Address)) {
            return null;
        }
        try {
            return listener(loopback);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The connections that reached {@code listener}: every one is in its accept queue by now (the kernel completes the
     * handshake whether or not the application accepts), even one its client has closed since.
     */
    private static int drain(ServerSocket listener) throws IOException {
        listener.setSoTimeout(200);
        int seen = 0;
        while (true) {
            try (Socket ignored = listener.accept()) {
                seen++;
            } catch (SocketTimeoutException e) {
                return seen;
            }
        }
    }
}
