package dev.bulwark.ai.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} (the WHATWG HTML "server-sent events" format) as providers send their streamed
 * answers, event by event, as the bytes arrive. Written here because the format is a dozen lines of rules and the
 * libraries that parse it come with an HTTP client of their own, while Bulwark's calls must go through its egress
 * client. Lines end in LF, CR or CRLF; {@code data} lines of one event are joined with LF; a comment (a line beginning
 * with a colon) and unknown fields are ignored; an event is dispatched at a blank line, and one left incomplete at the
 * end of the stream is dropped, as the format says. Bytes that are not UTF-8 fail the read.
 */
final class ServerSentEvents {

    /** One event: its type ({@code message} unless named) and its data. */
    record Event(String type, String data) {
    }

    /** Receives each event in order; may throw to stop reading. */
    @FunctionalInterface
    interface Listener {
        /** @return false to stop reading (the stream's end marker was seen) */
        boolean on(Event event);
    }

    private ServerSentEvents() {
    }

    /** Reads {@code in} to its end, or until {@code listener} says stop. */
    static void read(InputStream in, Listener listener) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, decoder));
        String type = null;
        StringBuilder data = null;
        boolean first = true;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (first) {
                first = false;
                if (line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
            }
            if (line.isEmpty()) {
                if (data != null) {
                    String joined = data.length() > 0 && data.charAt(data.length() - 1) == '\n'
                            ? data.substring(0, data.length() - 1) : data.toString();
                    if (!listener.on(new Event(type == null ? "message" : type, joined))) {
                        return;
                    }
                }
                type = null;
                data = null;
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "data" -> (data == null ? data = new StringBuilder() : data).append(value).append('\n');
                default -> {
                    // id, retry and unknown fields mean nothing to a single answer.
                }
            }
        }
    }
}
