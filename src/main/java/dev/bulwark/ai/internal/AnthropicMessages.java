package dev.bulwark.ai.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.bulwark.ai.AiProperties;
import dev.bulwark.egress.Egress;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The Anthropic Messages wire format ({@code POST <base-url>/v1/messages}, {@code anthropic-version: 2023-06-01}).
 * System messages go to the top-level {@code system} field, joined by blank lines, in their order. A streamed answer
 * is server-sent events: {@code message_start} (input tokens), {@code content_block_delta} with a {@code text_delta}
 * (the next piece of text), {@code message_delta} (output tokens so far), {@code message_stop} (the end);
 * {@code ping} is ignored and {@code error} fails the call.
 */
final class AnthropicMessages implements WireFormat {

    static final String VERSION = "2023-06-01";
    /** Anthropic requires a limit; this one applies when the provider's {@code max-tokens} is not set. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    private final ObjectMapper json;

    AnthropicMessages(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Egress.Call call(AiProperties.Provider provider, String apiKey, String model, List<Message> messages, boolean stream) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("max_tokens", provider.maxTokens() == null ? DEFAULT_MAX_TOKENS : provider.maxTokens());
        List<String> system = new ArrayList<>();
        List<Map<String, String>> wire = new ArrayList<>(messages.size());
        for (Message m : messages) {
            if (m.role().equals("system")) {
                system.add(m.content());
            } else {
                wire.add(message(m));
            }
        }
        if (!system.isEmpty()) {
            body.put("system", String.join("\n\n", system));
        }
        body.put("messages", wire);
        body.put("stream", stream);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", stream ? "text/event-stream" : "application/json");
        headers.put("x-api-key", apiKey);
        headers.put("anthropic-version", VERSION);
        return new Egress.Call("POST", provider.baseUrl() + "/v1/messages", headers, json.writeValueAsBytes(body),
                provider.timeout());
    }

    @Override
    public Usage read(InputStream body, boolean stream, Consumer<String> delta) throws InvalidAnswer {
        return stream ? readStream(body, delta) : readWhole(body, delta);
    }

    private Usage readWhole(InputStream body, Consumer<String> delta) throws InvalidAnswer {
        JsonNode answer = JsonAnswers.tree(json, body);
        if (!"message".equals(JsonAnswers.name(answer.path("type")))) {
            throw new InvalidAnswer("the answer is not a message");
        }
        JsonNode content = answer.path("content");
        if (!content.isArray()) {
            throw new InvalidAnswer("the answer has no content array");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if ("text".equals(JsonAnswers.name(block.path("type")))) {
                String piece = JsonAnswers.text(block.path("text"));
                if (piece == null) {
                    throw new InvalidAnswer("a text block has no text");
                }
                text.append(piece);
            }
        }
        delta.accept(text.toString());
        JsonNode usage = answer.path("usage");
        return new Usage(JsonAnswers.count(usage.path("input_tokens")), JsonAnswers.count(usage.path("output_tokens")));
    }

    private Usage readStream(InputStream body, Consumer<String> delta) throws InvalidAnswer {
        Integer[] tokens = {null, null};
        boolean[] stopped = {false};
        InvalidAnswer[] invalid = {null};
        try {
            ServerSentEvents.read(body, event -> {
                try {
                    JsonNode data = JsonAnswers.tree(json, event.data());
                    switch (JsonAnswers.name(data.path("type"))) {
                        case "message_start" -> {
                            JsonNode usage = data.path("message").path("usage");
                            tokens[0] = JsonAnswers.count(usage.path("input_tokens"));
                            Integer out = JsonAnswers.count(usage.path("output_tokens"));
                            tokens[1] = out == null ? tokens[1] : out;
                        }
                        case "content_block_delta" -> {
                            JsonNode d = data.path("delta");
                            if ("text_delta".equals(JsonAnswers.name(d.path("type")))) {
                                String text = JsonAnswers.text(d.path("text"));
                                if (text == null) {
                                    throw new InvalidAnswer("a text delta has no text");
                                }
                                if (!text.isEmpty()) {
                                    delta.accept(text);
                                }
                            }
                        }
                        case "message_delta" -> {
                            Integer out = JsonAnswers.count(data.path("usage").path("output_tokens"));
                            tokens[1] = out == null ? tokens[1] : out;
                        }
                        case "message_stop" -> {
                            stopped[0] = true;
                            return false;
                        }
                        case "error" -> throw new InvalidAnswer("the provider streamed an error");
                        default -> {
                            // ping, content_block_start, content_block_stop and event types added later
                        }
                    }
                    return true;
                } catch (InvalidAnswer e) {
                    invalid[0] = e;
                    return false;
                }
            });
        } catch (IOException e) {
            throw new InvalidAnswer("the stream is not UTF-8 text");
        }
        if (invalid[0] != null) {
            throw invalid[0];
        }
        if (!stopped[0]) {
            throw new InvalidAnswer("the stream ended before message_stop");
        }
        return new Usage(tokens[0], tokens[1]);
    }

    /** One message as the wire has it, role first: {@code Map.of} has no stable order, and the body's hash must be. */
    private static Map<String, String> message(Message m) {
        Map<String, String> wire = new LinkedHashMap<>();
        wire.put("role", m.role());
        wire.put("content", m.content());
        return wire;
    }
}
