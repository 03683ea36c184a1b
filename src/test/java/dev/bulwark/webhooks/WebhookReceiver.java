package dev.bulwark.webhooks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook receiver on loopback, on one of the ports the test configuration lets egress reach (127.0.0.1:27801…27810):
 * records every request it gets, and answers as the test tells it (a status, after a delay, with a body of a size).
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request received: its headers (names in lower case) and its body as text. */
    record Received(Map<String, List<String>> headers, String body, Instant at) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.getFirst();
        }

        /** Verifies the request with Standard Webhooks' reference library and {@code secret}; throws if it does not verify. */
        void verify(String secret) throws Exception {
            new Webhook(secret).verify(body, headers);
        }

        boolean verifies(String secret) {
            try {
                verify(secret);
                return true;
            } catch (Exception refused) {
                return false;
            }
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private volatile Duration delay = Duration.ZERO;
    private volatile int bodyBytes = 0;

    private WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), List.copyOf(values)));
                received.add(new Received(headers, new String(body, StandardCharsets.UTF_8), Instant.now()));
                Duration wait = delay;
                if (!wait.isZero()) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                int size = bodyBytes;
                exchange.sendResponseHeaders(status, size == 0 ? -1 : size);
                if (size > 0) {
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int left = size; left > 0; left -= chunk.length) {
                            out.write(chunk, 0, Math.min(left, chunk.length));
                        }
                    } catch (IOException cutOff) {
                        // Egress stopped reading at its cap: that is the point.
                    }
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    static WebhookReceiver on(int port) {
        try {
            return new WebhookReceiver(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    WebhookReceiver answering(int status) {
        this.status = status;
        return this;
    }

    WebhookReceiver after(Duration delay) {
        this.delay = delay;
        return this;
    }

    WebhookReceiver withBodyOf(int bytes) {
        this.bodyBytes = bytes;
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /**
     * Waits for a request matching {@code which}; the bound is reached only when it never comes, so it holds on a
     * saturated machine.
     */
    Received await(String what, Predicate<Received> which) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            for (Received r : received) {
                if (which.test(r)) {
                    return r;
                }
            }
            assertThat(System.nanoTime()).as("a delivery: " + what).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
