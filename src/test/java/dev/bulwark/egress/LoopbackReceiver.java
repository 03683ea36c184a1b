package dev.bulwark.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener on 127.0.0.1 (or another loopback address) that counts every connection it accepts and hands each to a
 * handler: the receivers of the egress tests, and the proof that a refused call never connected. It takes an ephemeral
 * port outside 27801-27810 and 27813, the ports the test configuration allows (docs/egress.md), so it is never allowed by
 * accident and never takes a port another test means to bind.
 */
public final class LoopbackReceiver implements AutoCloseable {

    /** What a receiver does with one accepted connection. */
    public interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public LoopbackReceiver(Handler handler) throws IOException {
        this(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), handler);
    }

    public LoopbackReceiver(InetAddress address, Handler handler) throws IOException {
        ServerSocket s;
        do {
            s = new ServerSocket();
            s.bind(new InetSocketAddress(address, 0), 100);
            if (s.getLocalPort() >= 27801 && s.getLocalPort() <= 27810 || s.getLocalPort() == 27813) {
                s.close();
                s = null;
            }
        } while (s == null);
        server = s;
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            handler.handle(socket);
                        } catch (IOException e) {
                            // the client went away: what the test looks at is on its side
                        }
                    });
                } catch (IOException e) {
                    // closed
                }
            }
        });
    }

    /** A receiver that reads each request head and answers {@code answer} (raw bytes: status line, headers, body). */
    public static LoopbackReceiver answering(String answer) throws IOException {
        LoopbackReceiver[] self = new LoopbackReceiver[1];
        self[0] = new LoopbackReceiver(socket -> {
            self[0].requests.add(readHead(socket.getInputStream()));
            socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        });
        return self[0];
    }

    /** A receiver that answers a refused call's attempt, if any, with 200: it only counts. */
    public static LoopbackReceiver counting() throws IOException {
        return answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    }

    /** The request head (request line and header fields, up to the empty line) as text. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** The request heads read by a receiver made with {@link #answering}. */
    public List<String> requests() {
        return requests;
    }

    /** Records a request head read by a custom handler. */
    public void record(String head) {
        requests.add(head);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
