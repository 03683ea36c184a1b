package dev.bulwark.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Clients that ask for a long answer and then read (almost) nothing: a raw socket with a 4 KB receive buffer that sends
 * the request, reads the status line and stalls, so the server's writes block once the buffers between are full.
 */
public final class SlowReaders {

    private SlowReaders() {
    }

    /** Sends {@code GET path} with {@code bearer} (an Authorization value); returns the open socket. */
    public static Socket request(int port, String path, String bearer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connecting, so the advertised window stays small
        socket.connect(new InetSocketAddress("localhost", port), 10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + bearer + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The first 12 bytes of the answer, "HTTP/1.1 200" when it started: all this client ever reads. */
    public static String status(Socket socket) throws IOException {
        return new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }

    /** {@link #request} and {@link #status}: a stalled client, once its answer has begun with 200. */
    public static Socket stalled(int port, String path, String bearer) throws IOException {
        Socket socket = request(port, path, bearer);
        String status = status(socket);
        if (!status.equals("HTTP/1.1 200")) {
            socket.close();
            throw new IllegalStateException(path + " answered " + status);
        }
        return socket;
    }
}
