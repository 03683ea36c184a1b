package dev.bulwark.egress;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one way Bulwark code opens an outbound connection (docs/egress.md). A Spring bean.
 */
public interface Egress {

    /**
     * Checks a destination as registration does: parses {@code url} strictly, resolves its host, checks every address.
     *
     * @return the checked destination
     * @throws DestinationNotAllowedException when the URL is malformed or any address is not allowed
     */
    Destination check(String url);

    /**
     * Checks {@code call.url()} again (a fresh resolution), connects only to the checked address, sends, and never
     * follows a redirect (a 3xx is the answer).
     *
     * @throws DestinationNotAllowedException when the destination is refused
     * @throws EgressFailure                  when no complete answer came: connect or read timeout, total timeout, an
     *                                        answer larger than the cap, connection refused or reset
     */
    Answer send(Call call);

    /** A checked destination: the URL as parsed, its host (lower case; an IPv6 literal without brackets), its port and
     *  every address its host resolved to (all of them allowed). */
    record Destination(URI uri, String host, int port, List<InetAddress> addresses) {

        public Destination {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * One request.
     *
     * @param method  "GET" or "POST"
     * @param url     the destination
     * @param headers request headers, without Host and Content-Length (egress sets those)
     * @param body    the request body; null or empty for none
     * @param timeout the total time allowed; null for the configured default
     */
    record Call(String method, String url, Map<String, String> headers, byte[] body, Duration timeout) {
    }

    /** A complete answer: its status, its headers (names in lower case) and its body (at most the configured cap). */
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    }
}
