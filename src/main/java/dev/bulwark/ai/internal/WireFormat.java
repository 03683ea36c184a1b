package dev.bulwark.ai.internal;

import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

import dev.bulwark.ai.AiProperties;
import dev.bulwark.egress.Egress;

/**
 * One provider wire format, as thin as it can be: how a call is written (URL, headers, the exact body bytes) and how
 * its answer is read, as one piece or as the provider's stream of server-sent events. Nothing here touches the
 * network: the gateway sends the call through {@link Egress}.
 */
interface WireFormat {

    /** One message of a conversation, already sanitised: {@code system}, {@code user} or {@code assistant}. */
    record Message(String role, String content) {

        @Override
        public String toString() {
            return "Message[" + role + "]";
        }
    }

    /** The token counts the provider reported; either may be null when it reported none. */
    record Usage(Integer inputTokens, Integer outputTokens) {
    }

    /**
     * An answer that is not what the format promises (not JSON, a missing field, a stream cut short, an error the
     * provider reported inside a 200). The message is short and never quotes the answer.
     */
    final class InvalidAnswer extends Exception {

        InvalidAnswer(String message) {
            super(message, null, false, false);
        }
    }

    /** The call for {@code model} with {@code messages}, authenticated with {@code apiKey}. */
    Egress.Call call(AiProperties.Provider provider, String apiKey, String model, List<Message> messages, boolean stream);

    /**
     * Reads an answer with a 2xx status, handing each piece of output text to {@code delta} in order (the whole text at
     * once when not streamed), and returns the usage it reported.
     */
    Usage read(InputStream body, boolean stream, Consumer<String> delta) throws InvalidAnswer;
}
