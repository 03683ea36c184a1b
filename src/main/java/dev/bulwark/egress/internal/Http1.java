package dev.bulwark.egress.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.bulwark.egress.EgressFailure;

/**
 * One HTTP/1.1 request and its answer over a socket egress connected itself (RFC 9112), then the connection is closed.
 *
 * <p>Why by hand: the JDK's {@code HttpClient} resolves the host itself (a second resolution after the check is
 * exactly what DNS rebinding exploits) and offers no way to connect to a given address while keeping the name for
 * {@code Host}, SNI and certificate checks. Apache HttpClient 5 could (a custom {@code DnsResolver}), but it is not a
 * dependency of Bulwark, and it would bring a connection pool, retries, proxies, cookie and authentication state and
 * transparent decompression that would each have to be switched off, and a total deadline that needs a second thread
 * to abort a read. The client side of HTTP/1.1 that egress needs is small: one request with {@code Connection: close},
 * a status line, header fields and a body delimited by {@code Content-Length}, chunked coding or the end of the
 * connection. Here every read has a deadline (the read timeout, never past the total deadline), the body has a cap,
 * nothing is decompressed and nothing is followed.
 */
final class Http1 {

    /** The longest status or header line, and the most header bytes and fields, an answer may have. */
    static final int MAX_LINE = 8 * 1024;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_HEADER_FIELDS = 200;

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([1-9][0-9]{2})(?: .*)?");
    /** Set by egress itself, or hop-by-hop: a caller may not send these. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect");

    private Http1() {
    }

    /** The request's bytes; {@link IllegalArgumentException} for a method, header name or value egress will not send. */
    static byte[] request(String method, Target target, Map<String, String> headers, byte[] body) {
        if (!"GET".equals(method) && !"POST".equals(method) && !"PUT".equals(method)) {
            throw new IllegalArgumentException("egress sends GET, POST or PUT only");
        }
        boolean hasBody = body != null && body.length > 0;
        if (hasBody && "GET".equals(method)) {
            throw new IllegalArgumentException("a GET carries no body");
        }
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target.requestTarget()).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(target.hostHeader()).append("\r\n");
        boolean userAgent = false;
        if (headers != null) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                String name = h.getKey();
                String value = h.getValue();
                if (name == null || !TOKEN.matcher(name).matches()) {
                    throw new IllegalArgumentException("a header name must be an HTTP token");
                }
                if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("egress sets the header " + name + " itself");
                }
                if (value == null || !value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f))) {
                    throw new IllegalArgumentException("the value of header " + name + " must be printable ASCII");
                }
                userAgent |= name.equalsIgnoreCase("user-agent");
                head.append(name).append(": ").append(value.strip()).append("\r\n");
            }
        }
        if (!userAgent) {
            head.append("User-Agent: Bulwark\r\n");
        }
        if ("POST".equals(method) || "PUT".equals(method)) {
            head.append("Content-Length: ").append(hasBody ? body.length : 0).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (!hasBody) {
            return start;
        }
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    /** The status and header of an answer, and its body as a stream that enforces the cap and ends where the body does. */
    record Head(int status, Map<String, List<String>> headers, InputStream body) {
    }

    /**
     * Sends {@code request} and reads the status and the header, every read bounded by {@code readTimeoutMillis} and
     * {@code deadline}; the body is left to be read from {@link Head#body()}, under the same bounds and the cap.
     */
    static Head open(Socket socket, byte[] request, long deadlineNanos, long readTimeoutMillis, long maxBodyBytes)
            throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        Reader in = new Reader(socket, deadlineNanos, readTimeoutMillis);
        for (int informational = 0; ; informational++) {
            String statusLine = in.line();
            if (statusLine == null) {
                throw new EgressFailure("reset", "the connection closed before an answer");
            }
            var m = STATUS_LINE.matcher(statusLine);
            if (!m.matches()) {
                throw new EgressFailure("protocol", "the answer is not HTTP/1.x");
            }
            int status = Integer.parseInt(m.group(1));
            Map<String, List<String>> headers = headers(in);
            if (status >= 100 && status < 200) {
                if (status == 101 || informational >= 5) {
                    throw new EgressFailure("protocol", "unexpected informational answers");
                }
                continue;
            }
            InputStream body = status == 204 || status == 304 ? InputStream.nullInputStream() : body(in, headers, maxBodyBytes);
            return new Head(status, Collections.unmodifiableMap(headers), body);
        }
    }

    private static Map<String, List<String>> headers(Reader in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int fields = 0;
        int bytes = 0;
        while (true) {
            String line = in.line();
            if (line == null) {
                throw new EgressFailure("reset", "the connection closed within the header");
            }
            if (line.isEmpty()) {
                return headers;
            }
            bytes += line.length() + 2;
            if (++fields > MAX_HEADER_FIELDS || bytes > MAX_HEADER_BYTES) {
                throw new EgressFailure("too-large", "the answer's header is too large");
            }
            int colon = line.indexOf(':');
            // A line starting with white space continues the last one (obsolete folding, RFC 9112 §5.2): refused.
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw new EgressFailure("protocol", "a header field is malformed");
            }
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
    }

    /** The body as the header delimits it: chunked, by {@code Content-Length}, or until the connection closes. */
    private static InputStream body(Reader in, Map<String, List<String>> headers, long max) {
        List<String> transferEncoding = headers.get("transfer-encoding");
        if (transferEncoding != null) {
            String all = String.join(",", transferEncoding).toLowerCase(Locale.ROOT);
            String[] codings = all.split(",");
            if (codings[codings.length - 1].strip().equals("chunked")) {
                return new Body(in, Body.CHUNKED, max);
            }
            return new Body(in, Body.UNTIL_CLOSE, max);
        }
        List<String> contentLength = headers.get("content-length");
        if (contentLength != null) {
            String first = null;
            for (String value : String.join(",", contentLength).split(",")) {
                String v = value.strip();
                if (!v.matches("[0-9]{1,18}") || (first != null && !first.equals(v))) {
                    throw new EgressFailure("protocol", "the Content-Length is malformed");
                }
                first = v;
            }
            long length = Long.parseLong(first);
            if (length > max) {
                throw new EgressFailure("too-large", "the answer is larger than the cap");
            }
            return new Body(in, length, max);
        }
        return new Body(in, Body.UNTIL_CLOSE, max);
    }

    /**
     * A body as it arrives: a known length, chunked coding (chunk sizes and trailer parsed and dropped) or up to the
     * end of the connection. The count of body bytes is checked against the cap before the bytes are handed on, so a
     * read past the cap fails {@code too-large}; the end of the connection inside a delimited body fails {@code reset}.
     */
    private static final class Body extends InputStream {

        static final long CHUNKED = -1;
        static final long UNTIL_CLOSE = -2;

        private final Reader in;
        private final long max;
        private final long mode;
        /** Bytes left in the body (known length) or in the current chunk; for chunked, -1 before the first size line. */
        private long left;
        private long count;
        private boolean ended;

        Body(Reader in, long mode, long max) {
            this.in = in;
            this.mode = mode;
            this.max = max;
            this.left = mode >= 0 ? mode : (mode == CHUNKED ? -1 : Long.MAX_VALUE);
            this.ended = mode == 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, into.length);
            if (length == 0) {
                return 0;
            }
            if (ended) {
                return -1;
            }
            if (mode == CHUNKED && left <= 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(into, offset, (int) Math.min(length, left));
            if (n < 0) {
                if (mode == UNTIL_CLOSE) {
                    ended = true;
                    return -1;
                }
                throw new EgressFailure("reset", "the connection closed within the body");
            }
            if (count + n > max) {
                throw new EgressFailure("too-large", "the answer is larger than the cap");
            }
            count += n;
            if (mode != UNTIL_CLOSE) {
                left -= n;
                if (mode >= 0 && left == 0) {
                    ended = true;
                }
            }
            return n;
        }

        /** Reads the end of the last chunk and the next size line; false (and the trailer read) at the last chunk. */
        private boolean nextChunk() throws IOException {
            if (left == 0) {
                String end = in.line();
                if (end == null) {
                    throw new EgressFailure("reset", "the connection closed within the body");
                }
                if (!end.isEmpty()) {
                    throw new EgressFailure("protocol", "a chunk is longer than its size");
                }
            }
            String sizeLine = in.line();
            if (sizeLine == null) {
                throw new EgressFailure("reset", "the connection closed within the body");
            }
            int semicolon = sizeLine.indexOf(';');
            String size = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
            if (!size.matches("[0-9a-fA-F]{1,8}")) {
                throw new EgressFailure("protocol", "a chunk size is malformed");
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                headers(in); // trailer fields, read and dropped
                ended = true;
                return false;
            }
            if (count + n > max) {
                throw new EgressFailure("too-large", "the answer is larger than the cap");
            }
            left = n;
            return true;
        }
    }

    /** Reads from the socket, each read given at most the read timeout and never past the deadline. */
    private static final class Reader {

        private final Socket socket;
        private final InputStream in;
        private final long deadlineNanos;
        private final long readTimeoutMillis;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        Reader(Socket socket, long deadlineNanos, long readTimeoutMillis) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadlineNanos = deadlineNanos;
            this.readTimeoutMillis = readTimeoutMillis;
        }

        /** Refills the buffer; false at the end of the stream. */
        private boolean fill() throws IOException {
            long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                throw new EgressFailure("timeout", "the call took longer than its total timeout");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(readTimeoutMillis, leftMillis)));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                throw new EgressFailure("timeout", "the answer did not come in time");
            }
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        /** One line without its CR LF (a bare LF ends one too); null at the end of the stream before any byte. */
        String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (position == limit && !fill()) {
                    return line.isEmpty() ? null : line.toString();
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= MAX_LINE) {
                    throw new EgressFailure("too-large", "a line of the answer's header is too long");
                }
                line.append((char) (b & 0xff));
            }
        }

        /** Up to {@code length} bytes into {@code into} at {@code offset}; -1 at the end of the stream. */
        int read(byte[] into, int offset, int length) throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            int take = Math.min(length, limit - position);
            System.arraycopy(buffer, position, into, offset, take);
            position += take;
            return take;
        }
    }
}
