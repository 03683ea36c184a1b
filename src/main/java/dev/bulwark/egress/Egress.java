package dev.bulwark.egress;

import java.io.InputStream;
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

    /**
     * Like {@link #send}, under the same checks (strict parsing, one fresh resolution, a connection to the checked
     * address only, no redirect, the connect and read timeouts, the total deadline), but answers as soon as the status
     * and the header have come: the body is read from {@link Streamed#body()} as it arrives. Each read of the body
     * waits at most the read timeout and never past the total deadline; the size cap is counted over the stream, so a
     * read past it throws {@code EgressFailure("too-large")}. A body read that fails throws {@link EgressFailure}
     * (reason {@code timeout}, {@code too-large}, {@code reset} or {@code protocol}). The caller must close it.
     *
     * @throws DestinationNotAllowedException when the destination is refused
     * @throws EgressFailure                  when no status and header came
     */
    Streamed open(Call call);

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
     * @param method  "GET", "POST" or "PUT" (PUT: an object store's upload, docs/egress.md)
     * @param url     the destination
     * @param headers request headers, without Host and Content-Length (egress sets those)
     * @param body    the request body; null or empty for none
     * @param timeout the total time allowed; null for the configured default
     * @param readTimeout the longest one read of the answer may wait (a provider thinking before its first byte);
     *                    null for the configured {@code read-timeout}. Never past the total deadline.
     */
    record Call(String method, String url, Map<String, String> headers, byte[] body, Duration timeout,
                Duration readTimeout) {

        public Call {
            if (readTimeout != null && (readTimeout.isNegative() || readTimeout.isZero())) {
                throw new IllegalArgumentException("the read timeout must be positive");
            }
        }

        /** A call with the configured read timeout. */
        public Call(String method, String url, Map<String, String> headers, byte[] body, Duration timeout) {
            this(method, url, headers, body, timeout, null);
        }
    }

    /**
     * An answer whose body is still arriving: its status, its headers (names in lower case), and the body as a stream
     * (after the transfer coding; at most the configured cap). Closing it closes the connection.
     */
    interface Streamed extends AutoCloseable {

        int status();

        Map<String, List<String>> headers();

        InputStream body();

        @Override
        void close();
    }

    /** A complete answer: its status, its headers (names in lower case) and its body (at most the configured cap). */
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    }
}
