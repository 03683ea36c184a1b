package dev.bulwark.ai.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.bulwark.ai.AiProperties;
import dev.bulwark.egress.Egress;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server-sent events reader and the two wire formats, on answers written out by hand (no network). */
class WireFormatsTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static List<ServerSentEvents.Event> events(String text) throws IOException {
        List<ServerSentEvents.Event> events = new ArrayList<>();
        ServerSentEvents.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), e -> events.add(e));
        return events;
    }

    @Test
    void eventsFollowTheFormatsLineAndFieldRules() throws IOException {
        assertThat(events("\uFEFFdata: one\r\n\r\n: a comment\nevent: named\ndata:two\ndata:  three\rid: 7\nretry: 10\n\ndata: dropped at the end"))
                .containsExactly(new ServerSentEvents.Event("message", "one"), new ServerSentEvents.Event("named", "two\n three"));
        assertThat(events("event: only a type\n\n\n\n")).isEmpty();
        assertThatThrownBy(() -> ServerSentEvents.read(new ByteArrayInputStream(new byte[] {'d', 'a', 't', 'a', ':', (byte) 0xC3, '\n', '\n'}),
                e -> true)).isInstanceOf(IOException.class);
        List<ServerSentEvents.Event> seen = new ArrayList<>();
        ServerSentEvents.read(new ByteArrayInputStream("data: a\n\ndata: b\n\n".getBytes(StandardCharsets.UTF_8)), e -> {
            seen.add(e);
            return false;
        });
        assertThat(seen).hasSize(1);
    }

    private static final AiProperties.Provider PROVIDER = new AiProperties.Provider("openai", "https://example.com/v1", "eu",
            List.of("m"), "key-0123456789abcdef", null, null, null, null);

    @Test
    void openAiCallsCarryTheKeyAndTheExactBodyAndStreamsAskForUsage() throws Exception {
        OpenAiChat format = new OpenAiChat(JSON);
        Egress.Call call = format.call(PROVIDER, "sk-xyz", "m", List.of(new WireFormat.Message("user", "hi")), true);
        assertThat(call.url()).isEqualTo("https://example.com/v1/chat/completions");
        assertThat(call.headers()).containsEntry("Authorization", "Bearer sk-xyz");
        assertThat(new String(call.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}");
        List<String> pieces = new ArrayList<>();
        WireFormat.Usage usage = format.read(stream("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other choice\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n"
                + "data: [DONE]\n\n"), true, pieces::add);
        assertThat(pieces).containsExactly("Hel", "lo");
        assertThat(usage).isEqualTo(new WireFormat.Usage(3, 2));
    }

    @Test
    void openAiAnswersThatAreNotTheFormatAreInvalidAndNeverQuoted() {
        OpenAiChat format = new OpenAiChat(JSON);
        for (String bad : new String[] {"", "secret-looking garbage", "[1,2]", "{\"choices\":[]}", "{\"error\":{\"message\":\"x\"}}",
                "{\"choices\":[{\"message\":{\"content\":5}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":-1}}"}) {
            assertThatThrownBy(() -> format.read(stream(bad), false, s -> { }))
                    .isInstanceOf(WireFormat.InvalidAnswer.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("garbage", "secret"));
        }
        assertThatThrownBy(() -> format.read(stream("data: {\"choices\":[]}\n\n"), true, s -> { }))
                .isInstanceOf(WireFormat.InvalidAnswer.class).hasMessageContaining("[DONE]");
    }

    @Test
    void anthropicSystemMessagesGoToTheTopAndItsStreamIsRead() throws Exception {
        AnthropicMessages format = new AnthropicMessages(JSON);
        Egress.Call call = format.call(PROVIDER, "ak", "m", List.of(new WireFormat.Message("system", "a"),
                new WireFormat.Message("system", "b"), new WireFormat.Message("user", "q")), false);
        assertThat(call.url()).isEqualTo("https://example.com/v1/v1/messages");
        assertThat(call.headers()).containsEntry("x-api-key", "ak").containsEntry("anthropic-version", "2023-06-01");
        assertThat(JSON.readTree(call.body()).get("system").asString()).isEqualTo("a\n\nb");
        assertThat(JSON.readTree(call.body()).get("max_tokens").asInt()).isEqualTo(AnthropicMessages.DEFAULT_MAX_TOKENS);
        List<String> pieces = new ArrayList<>();
        WireFormat.Usage usage = format.read(stream("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
                + "event: ping\ndata: {\"type\":\"ping\"}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":4}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), true, pieces::add);
        assertThat(pieces).containsExactly("Hi");
        assertThat(usage).isEqualTo(new WireFormat.Usage(9, 4));
        assertThatThrownBy(() -> format.read(stream("{\"type\":\"error\",\"error\":{}}"), false, s -> { }))
                .isInstanceOf(WireFormat.InvalidAnswer.class);
        assertThatThrownBy(() -> format.read(stream("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n"), true, s -> { }))
                .isInstanceOf(WireFormat.InvalidAnswer.class).hasMessageContaining("message_stop");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
