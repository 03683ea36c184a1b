package dev.bulwark.egress.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import dev.bulwark.egress.DestinationNotAllowedException;
import dev.bulwark.egress.Egress;
import dev.bulwark.egress.EgressFailure;
import dev.bulwark.egress.EgressProperties;
import dev.bulwark.egress.Resolver;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The egress client (docs/egress.md): parse strictly ({@link Target}), resolve once through the {@link Resolver},
 * refuse when any address is special-purpose ({@link SpecialAddresses}) unless {@code bulwark.egress.allow} names the
 * exact host and port, then connect to one of those very addresses — never resolving again — and speak HTTP/1.1 over
 * that socket ({@link Http1}), over TLS for https with SNI and certificate checks for the URL's host name.
 */
@Component
public class HttpEgress implements Egress, DisposableBean {

    private final EgressProperties properties;
    private final Resolver resolver;
    private final SSLSocketFactory tls;
    private final Allowance allowance;
    /** Closes a call's socket at its total deadline, so that a write or a TLS handshake cannot outlast it either. */
    private final ScheduledThreadPoolExecutor watchdog;

    @Autowired
    HttpEgress(EgressProperties properties, Resolver resolver) throws NoSuchAlgorithmException {
        this(properties, resolver, SSLContext.getDefault().getSocketFactory());
    }

    /**
     * An egress client trusting the certificates {@code tls} trusts (the application uses the JDK's default trust
     * store; tests pass one that trusts their own certificate).
     */
    public HttpEgress(EgressProperties properties, Resolver resolver, SSLSocketFactory tls) {
        this.properties = properties;
        this.resolver = resolver;
        this.tls = tls;
        this.allowance = new Allowance(properties.allow());
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "egress-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.watchdog.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Destination check(String url) {
        Target target = Target.parse(url);
        List<InetAddress> addresses;
        try {
            addresses = addresses(target);
        } catch (UnknownHostException e) {
            throw new DestinationNotAllowedException("the host name does not resolve");
        }
        return new Destination(target.uri(), target.host(), target.port(), addresses);
    }

    /** {@link #open} and the body read to its end: one code path for every check. */
    @Override
    public Answer send(Call call) {
        try (Streamed answer = open(call)) {
            return new Answer(answer.status(), answer.headers(), answer.body().readAllBytes());
        } catch (IOException e) {
            throw new EgressFailure("reset", "the connection broke"); // the body stream throws EgressFailure only
        }
    }

    @Override
    public Streamed open(Call call) {
        Target target = Target.parse(call.url());
        byte[] request = Http1.request(call.method(), target, call.headers(), call.body());
        Duration total = call.timeout() != null ? call.timeout() : properties.totalTimeout();
        if (total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        long readTimeoutMillis = Math.max(1, (call.readTimeout() != null ? call.readTimeout() : properties.readTimeout()).toMillis());
        long deadline = System.nanoTime() + total.toNanos();
        List<InetAddress> addresses;
        try {
            addresses = addresses(target);
        } catch (UnknownHostException e) {
            throw new EgressFailure("unresolved", "the host name does not resolve");
        }
        AtomicBoolean expired = new AtomicBoolean();
        Socket socket = null;
        ScheduledFuture<?> alarm = null;
        boolean handedOver = false;
        try {
            socket = connect(target, addresses, deadline);
            Socket toClose = socket;
            alarm = watchdog.schedule(() -> {
                expired.set(true);
                closeQuietly(toClose);
            }, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (target.https()) {
                socket = handshake(socket, target, deadline);
            }
            Http1.Head head = Http1.open(socket, request, deadline, readTimeoutMillis, properties.maxResponseBytes());
            Open open = new Open(head, socket, alarm, expired);
            handedOver = true;
            return open;
        } catch (IOException | EgressFailure e) {
            throw failure(e, expired.get());
        } finally {
            if (!handedOver) {
                if (alarm != null) {
                    alarm.cancel(false);
                }
                closeQuietly(socket);
            }
        }
    }

    /** What a failure while connecting or reading means; past the total deadline (the watchdog closed the socket) a timeout. */
    private static EgressFailure failure(Exception e, boolean expired) {
        if (e instanceof EgressFailure f) {
            return expired && !"too-large".equals(f.reason()) ? timeout() : f;
        }
        if (e instanceof SSLException) {
            return expired ? timeout() : new EgressFailure("tls", "the TLS handshake or the certificate check failed");
        }
        if (e instanceof SocketTimeoutException) {
            return timeout();
        }
        return expired ? timeout() : new EgressFailure("reset", "the connection broke");
    }

    /** An open answer: its body read under the call's deadline and cap; closing it cancels the watchdog and the socket. */
    private static final class Open implements Streamed {

        private final Http1.Head head;
        private final Socket socket;
        private final ScheduledFuture<?> alarm;
        private final AtomicBoolean expired;
        private final InputStream body;

        Open(Http1.Head head, Socket socket, ScheduledFuture<?> alarm, AtomicBoolean expired) {
            this.head = head;
            this.socket = socket;
            this.alarm = alarm;
            this.expired = expired;
            this.body = new InputStream() {
                @Override
                public int read() {
                    try {
                        return head.body().read();
                    } catch (IOException | EgressFailure e) {
                        throw failure(e, expired.get());
                    }
                }

                @Override
                public int read(byte[] into, int offset, int length) {
                    try {
                        return head.body().read(into, offset, length);
                    } catch (IOException | EgressFailure e) {
                        throw failure(e, expired.get());
                    }
                }

                @Override
                public void close() {
                    Open.this.close();
                }
            };
        }

        @Override
        public int status() {
            return head.status();
        }

        @Override
        public Map<String, List<String>> headers() {
            return head.headers();
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public void close() {
            alarm.cancel(false);
            closeQuietly(socket);
        }
    }

    /**
     * The addresses of {@code target} egress may connect to: its literal, or what its name resolves to now, every one
     * checked against the table unless the exact host and port are allowed.
     */
    private List<InetAddress> addresses(Target target) throws UnknownHostException {
        boolean allowed = allowance.allows(target);
        if (!target.isName()) {
            if (!allowed) {
                SpecialAddresses.refusal(target.literal()).ifPresent(why -> {
                    throw new DestinationNotAllowedException("the host is an address that is not publicly reachable: " + why);
                });
            }
            return List.of(target.literal());
        }
        if (!allowed && (!target.host().contains(".") || target.host().equals("localhost")
                || target.host().endsWith(".localhost"))) {
            // A single label is completed by the resolver's search domains (an internal name); localhost is loopback
            // by definition (RFC 6761).
            throw new DestinationNotAllowedException("the host name must be fully qualified and not localhost");
        }
        List<InetAddress> resolved = resolver.resolve(target.host());
        if (resolved == null || resolved.isEmpty()) {
            throw new UnknownHostException("no address");
        }
        if (!allowed) {
            for (InetAddress address : resolved) {
                Optional<String> why = SpecialAddresses.refusal(address);
                if (why.isPresent()) {
                    // The detail names the block, never the address the name resolved to.
                    throw new DestinationNotAllowedException(
                            "the host name resolves to an address that is not publicly reachable: " + why.get());
                }
            }
        }
        return List.copyOf(resolved);
    }

    /** A plain socket connected to the first of {@code addresses} that answers: no proxy, no other address. */
    private Socket connect(Target target, List<InetAddress> addresses, long deadline) {
        EgressFailure last = null;
        for (InetAddress address : addresses) {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                throw timeout();
            }
            // Proxy.NO_PROXY: a SOCKS proxy from the system properties would resolve and connect on its own.
            Socket socket = new Socket(Proxy.NO_PROXY);
            try {
                socket.connect(new InetSocketAddress(address, target.port()),
                        (int) Math.max(1, Math.min(properties.connectTimeout().toMillis(), leftMillis)));
                return socket;
            } catch (SocketTimeoutException e) {
                closeQuietly(socket);
                last = timeout();
            } catch (ConnectException | NoRouteToHostException e) {
                closeQuietly(socket);
                last = new EgressFailure("refused", "the connection was refused");
            } catch (IOException e) {
                closeQuietly(socket);
                last = new EgressFailure("refused", "the connection could not be made");
            }
        }
        throw last != null ? last : new EgressFailure("refused", "no address to connect to");
    }

    /** TLS over the connected socket, with SNI and the certificate checked for the URL's host (not the address). */
    private SSLSocket handshake(Socket plain, Target target, long deadline) throws IOException {
        SSLSocket socket = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (target.isName()) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        socket.setSSLParameters(parameters);
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw timeout();
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(properties.connectTimeout().toMillis(), leftMillis)));
        socket.startHandshake();
        return socket;
    }

    private static EgressFailure timeout() {
        return new EgressFailure("timeout", "the call took longer than allowed");
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that was asked
            }
        }
    }

    @Override
    public void destroy() {
        watchdog.shutdownNow();
    }
}
