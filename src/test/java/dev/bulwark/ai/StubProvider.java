package dev.bulwark.ai;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An AI provider on a loopback port for the gateway's tests: it counts every TCP connection it accepts (so a test can
 * assert that a refused call reached no provider at all), records each request (path, headers, exact body) and answers
 * as told. Written on a plain server socket rather than an HTTP server library so that connections, not only
 * requests, are counted. HTTP/1.1 with a {@code Content-Length} body, one request a connection, closed after the
 * answer.
 */
final class StubProvider implements AutoCloseable {

    /** One request as received. */
    record Received(String method, String path, Map<String, String> headers, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * An answer: status, content type, body; {@code hold} true to wait (for {@link #release()}) before answering;
     * {@code pauseAt} > 0 to send the header and the body's first {@code pauseAt} bytes, then wait for
     * {@link #release()} before the rest.
     */
    record Reply(int status, String contentType, byte[] body, boolean hold, int pauseAt) {

        Reply(int status, String contentType, byte[] body, boolean hold) {
            this(status, contentType, body, hold, 0);
        }

        /** This answer, paused after the first {@code bytes} bytes of its body until {@link #release()}. */
        Reply pausedAfter(int bytes) {
            return new Reply(status, contentType, body, hold, bytes);
        }

        static Reply json(String body) {
            return new Reply(200, "application/json", body.getBytes(StandardCharsets.UTF_8), false);
        }

        static Reply events(String body) {
            return new Reply(200, "text/event-stream", body.getBytes(StandardCharsets.UTF_8), false);
        }

        static Reply of(int status, String contentType, String body) {
            return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), false);
        }

        static Reply held() {
            return new Reply(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), true);
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> answer;
    private volatile CountDownLatch release = new CountDownLatch(1);

    private StubProvider(int port, Function<Received, Reply> answer) throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        this.answer = answer;
        this.acceptor = Thread.ofPlatform().daemon().name("stub-provider-" + port).start(this::accept);
    }

    /**
     * Starts a stub on {@code port}, waiting for it while another test JVM on the same machine (the gateway's own tests,
     * another checkout) holds the port, up to a generous deadline, rather than failing by chance.
     */
    static StubProvider startWhenFree(int port, Function<Received, Reply> answer) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(15);
        while (true) {
            try {
                return start(port, answer);
            } catch (java.net.BindException busy) {
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                Thread.sleep(500);
            }
        }
    }

    static StubProvider start(int port, Function<Received, Reply> answer) throws IOException {
        return new StubProvider(port, answer);
    }

    /** Forgets what was received and counted, answers with {@code next} from now on, and re-arms {@link #release()}. */
    void reset(Function<Received, Reply> next) {
        release.countDown();
        release = new CountDownLatch(1);
        connections.set(0);
        received.clear();
        answer = next;
    }

    int connections() {
        return connections.get();
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Lets every held answer go. */
    void release() {
        release.countDown();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            Received request = new Received(requestLine[0], requestLine[1], headers, body);
            received.add(request);
            Reply reply = answer.apply(request);
            if (reply.hold()) {
                release.await(60, TimeUnit.SECONDS);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 " + reply.status() + " " + (reply.status() == 200 ? "OK" : "Status") + "\r\n"
                    + "Content-Type: " + reply.contentType() + "\r\n"
                    + "Content-Length: " + reply.body().length + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (reply.pauseAt() > 0) {
                out.write(reply.body(), 0, reply.pauseAt());
                out.flush();
                release.await(60, TimeUnit.SECONDS);
                out.write(reply.body(), reply.pauseAt(), reply.body().length - reply.pauseAt());
            } else {
                out.write(reply.body());
            }
            out.flush();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The client went away (a timeout on its side): nothing to answer.
        }
    }

    /** The request line and headers, up to the blank line; null if the connection closed first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 64 * 1024) {
                throw new IOException("head too large");
            }
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.length() - 4);
    }

    @Override
    public void close() throws IOException {
        release.countDown();
        server.close();
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- Answers in the providers' formats: the output is the text of the last user message, as received. ----

    /** The last user message's content in an OpenAI or Anthropic request body. */
    static String lastUserText(ObjectMapper json, Received request) {
        JsonNode body = json.readTree(request.body());
        String text = null;
        for (JsonNode message : body.path("messages")) {
            if ("user".equals(message.path("role").asString())) {
                text = message.path("content").asString();
            }
        }
        return text;
    }

    static boolean streamed(ObjectMapper json, Received request) {
        return json.readTree(request.body()).path("stream").asBoolean(false);
    }

    /** OpenAI Chat Completions: {@code output} whole, or streamed in pieces of {@code piece} characters. */
    static Reply openAi(ObjectMapper json, Received request, String output, int piece, int inputTokens, int outputTokens) {
        if (!streamed(json, request)) {
            return Reply.json(json.writeValueAsString(Map.of(
                    "id", "chatcmpl-stub", "object", "chat.completion",
                    "choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", output),
                            "finish_reason", "stop")),
                    "usage", Map.of("prompt_tokens", inputTokens, "completion_tokens", outputTokens,
                            "total_tokens", inputTokens + outputTokens))));
        }
        StringBuilder sse = new StringBuilder(": a comment the reader must skip\n\n");
        for (String p : split(output, piece)) {
            sse.append("data: ").append(json.writeValueAsString(Map.of("id", "chatcmpl-stub", "object", "chat.completion.chunk",
                    "choices", List.of(Map.of("index", 0, "delta", Map.of("content", p)))))).append("\n\n");
        }
        sse.append("data: ").append(json.writeValueAsString(Map.of("id", "chatcmpl-stub", "choices", List.of(),
                "usage", Map.of("prompt_tokens", inputTokens, "completion_tokens", outputTokens)))).append("\r\n\r\n");
        sse.append("data: [DONE]\n\n");
        return Reply.events(sse.toString());
    }

    /** Anthropic Messages: {@code output} whole, or streamed in pieces of {@code piece} characters. */
    static Reply anthropic(ObjectMapper json, Received request, String output, int piece, int inputTokens, int outputTokens) {
        if (!streamed(json, request)) {
            return Reply.json(json.writeValueAsString(Map.of(
                    "id", "msg_stub", "type", "message", "role", "assistant",
                    "content", List.of(Map.of("type", "text", "text", output)),
                    "stop_reason", "end_turn",
                    "usage", Map.of("input_tokens", inputTokens, "output_tokens", outputTokens))));
        }
        StringBuilder sse = new StringBuilder();
        event(sse, json, "message_start", Map.of("type", "message_start", "message", Map.of("id", "msg_stub", "type", "message",
                "usage", Map.of("input_tokens", inputTokens, "output_tokens", 1))));
        event(sse, json, "content_block_start", Map.of("type", "content_block_start", "index", 0,
                "content_block", Map.of("type", "text", "text", "")));
        event(sse, json, "ping", Map.of("type", "ping"));
        for (String p : split(output, piece)) {
            event(sse, json, "content_block_delta", Map.of("type", "content_block_delta", "index", 0,
                    "delta", Map.of("type", "text_delta", "text", p)));
        }
        event(sse, json, "content_block_stop", Map.of("type", "content_block_stop", "index", 0));
        event(sse, json, "message_delta", Map.of("type", "message_delta", "delta", Map.of("stop_reason", "end_turn"),
                "usage", Map.of("output_tokens", outputTokens)));
        event(sse, json, "message_stop", Map.of("type", "message_stop"));
        return Reply.events(sse.toString());
    }

    private static void event(StringBuilder sse, ObjectMapper json, String type, Object data) {
        sse.append("event: ").append(type).append('\n').append("data: ").append(json.writeValueAsString(data)).append("\n\n");
    }

    private static List<String> split(String text, int piece) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += piece) {
            pieces.add(text.substring(i, Math.min(text.length(), i + piece)));
        }
        return pieces;
    }
}
