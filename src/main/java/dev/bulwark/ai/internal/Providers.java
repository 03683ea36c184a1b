package dev.bulwark.ai.internal;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.bulwark.ai.AiProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/** The providers the operator configured ({@code bulwark.ai.providers}), and the wire format each speaks. */
@Component
public class Providers {

    private final AiProperties properties;
    private final OpenAiChat openAi;
    private final AnthropicMessages anthropic;

    Providers(AiProperties properties, ObjectMapper json) {
        this.properties = properties;
        this.openAi = new OpenAiChat(json);
        this.anthropic = new AnthropicMessages(json);
    }

    public Optional<AiProperties.Provider> find(String id) {
        return Optional.ofNullable(id == null ? null : properties.providers().get(id));
    }

    /** Every provider, by id in id order. */
    public Map<String, AiProperties.Provider> all() {
        return properties.providers();
    }

    public Set<String> ids() {
        return properties.providers().keySet();
    }

    WireFormat format(AiProperties.Provider provider) {
        return switch (provider.wireKind()) {
            case OPENAI -> openAi;
            case ANTHROPIC -> anthropic;
        };
    }
}
