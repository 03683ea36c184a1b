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
 * The OpenAI Chat Completions wire format ({@code POST <base-url>/chat/completions}), which Mistral, Ollama, vLLM and
 * LiteLLM speak too. A streamed answer is server-sent events, each {@code data:} a chunk whose
 * {@code choices[0].delta.content} is the next piece of text, ending with {@code data: [DONE]}; the token counts come in
 * a last chunk because the call asks for them ({@code stream_options.include_usage}).
 */
final class OpenAiChat implements WireFormat {

    private static final String DONE = "[DONE]";

    private final ObjectMapper json;

    OpenAiChat(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Egress.Call call(AiProperties.Provider provider, String apiKey, String model, List<Message> messages, boolean stream) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        List<Map<String, String>> wire = new ArrayList<>(messages.size());
        for (Message m : messages) {
            wire.add(message(m));
        }
        body.put("messages", wire);
        if (provider.maxTokens() != null) {
            body.put("max_tokens", provider.maxTokens());
        }
        body.put("stream", stream);
        if (stream) {
            body.put("stream_options", Map.of("include_usage", true));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", stream ? "text/event-stream" : "application/json");
        headers.put("Authorization", "Bearer " + apiKey);
        return new Egress.Call("POST", provider.baseUrl() + "/chat/completions", headers, json.writeValueAsBytes(body),
                provider.timeout());
    }

    @Override
    public Usage read(InputStream body, boolean stream, Consumer<String> delta) throws InvalidAnswer {
        return stream ? readStream(body, delta) : readWhole(body, delta);
    }

    private Usage readWhole(InputStream body, Consumer<String> delta) throws InvalidAnswer {
        JsonNode answer = JsonAnswers.tree(json, body);
        if (answer.has("error")) {
            throw new InvalidAnswer("the provider answered an error");
        }
        JsonNode choices = answer.path("choices");
        if (!choices.isArray() || choices.isEmpty() || !choices.get(0).path("message").isObject()) {
            throw new InvalidAnswer("the answer has no choices[0].message");
        }
        String content = JsonAnswers.text(choices.get(0).path("message").path("content"));
        delta.accept(content == null ? "" : content);
        return usage(answer.path("usage"));
    }

    private Usage readStream(InputStream body, Consumer<String> delta) throws InvalidAnswer {
        Usage[] usage = {new Usage(null, null)};
        boolean[] done = {false};
        InvalidAnswer[] invalid = {null};
        try {
            ServerSentEvents.read(body, event -> {
                if (event.data().equals(DONE)) {
                    done[0] = true;
                    return false;
                }
                try {
                    JsonNode chunk = JsonAnswers.tree(json, event.data());
                    if (chunk.has("error")) {
                        throw new InvalidAnswer("the provider streamed an error");
                    }
                    JsonNode choices = chunk.path("choices");
                    if (!choices.isMissingNode() && !choices.isArray()) {
                        throw new InvalidAnswer("a chunk's choices is not an array");
                    }
                    for (JsonNode choice : choices) {
                        if (!choice.path("index").isIntegralNumber() || choice.path("index").intValue() == 0) {
                            String text = JsonAnswers.text(choice.path("delta").path("content"));
                            if (text != null && !text.isEmpty()) {
                                delta.accept(text);
                            }
                        }
                    }
                    if (chunk.path("usage").isObject()) {
                        usage[0] = usage(chunk.path("usage"));
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
        if (!done[0]) {
            throw new InvalidAnswer("the stream ended before [DONE]");
        }
        return usage[0];
    }

    private static Usage usage(JsonNode usage) throws InvalidAnswer {
        if (usage == null || usage.isMissingNode() || usage.isNull()) {
            return new Usage(null, null);
        }
        if (!usage.isObject()) {
            throw new InvalidAnswer("usage is not an object");
        }
        return new Usage(JsonAnswers.count(usage.path("prompt_tokens")), JsonAnswers.count(usage.path("completion_tokens")));
    }

    /** One message as the wire has it, role first: {@code Map.of} has no stable order, and the body's hash must be. */
    private static Map<String, String> message(Message m) {
        Map<String, String> wire = new LinkedHashMap<>();
        wire.put("role", m.role());
        wire.put("content", m.content());
        return wire;
    }
}
