package dev.bulwark.ai;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The AI gateway (docs/ai-gateway.md): the providers the operator offers, keyed by provider id, and the gateway's
 * limits. A setting that makes no sense refuses the start with its name.
 *
 * @param providers        the providers, by id ({@code [a-z0-9][a-z0-9-]*}, at most 64 characters)
 * @param maxPromptBytes   the largest prompt a call may send: the UTF-8 bytes of all its messages' contents
 * @param knownPeopleTtl   how long the matcher of an organisation's contacts is reused before it is built again (a
 *                         change of a contact on this instance drops it at once)
 * @param maxMessages      the most messages one call may carry
 */
@ConfigurationProperties("bulwark.ai")
public record AiProperties(
        Map<String, Provider> providers,
        @DefaultValue("256KB") DataSize maxPromptBytes,
        @DefaultValue("60s") Duration knownPeopleTtl,
        @DefaultValue("200") int maxMessages) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    /** The wire formats Bulwark speaks. */
    public enum Kind {
        /** OpenAI Chat Completions, also spoken by Mistral, Ollama, vLLM and LiteLLM. */
        OPENAI("openai"),
        /** Anthropic Messages. */
        ANTHROPIC("anthropic");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Kind of(String id, String wire) {
            for (Kind kind : values()) {
                if (kind.wire.equals(wire)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("bulwark.ai.providers." + id + ".kind must be openai or anthropic");
        }
    }

    /**
     * One provider as the operator configures it.
     *
     * @param kind               {@code openai} or {@code anthropic}
     * @param baseUrl            where its API is: for {@code openai} the URL that {@code /chat/completions} follows
     *                           (e.g. {@code https://api.openai.com/v1}), for {@code anthropic} the one {@code /v1/messages}
     *                           follows ({@code https://api.anthropic.com})
     * @param region             where it processes data, free text such as {@code eu} or {@code us}
     * @param models             the models offered (comma-separated)
     * @param apiKey             the platform's key; optional when organisations bring their own
     * @param priceInputPerMtok  USD per million input tokens, optional
     * @param priceOutputPerMtok USD per million output tokens, optional
     * @param timeout            the longest a call may take, answer included
     * @param maxTokens          the most output tokens asked for (Anthropic requires a number; sent to OpenAI-style
     *                           providers only when set there explicitly)
     */
    public record Provider(String kind, String baseUrl, String region, List<String> models, String apiKey,
                           BigDecimal priceInputPerMtok, BigDecimal priceOutputPerMtok,
                           @DefaultValue("60s") Duration timeout, Integer maxTokens) {

        public Provider {
            models = models == null ? List.of() : models.stream().map(String::trim).filter(m -> !m.isEmpty()).distinct().toList();
            apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
            region = region == null ? null : region.trim();
            baseUrl = baseUrl == null ? null : baseUrl.trim().replaceAll("/+$", "");
            timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        }

        public Kind wireKind() {
            return Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
        }

        @Override
        public String toString() {
            // Never the key.
            return "Provider[kind=" + kind + ", baseUrl=" + baseUrl + ", region=" + region + ", models=" + models
                    + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
        }

        private void check(String id) {
            String at = "bulwark.ai.providers." + id + ".";
            Kind.of(id, kind);
            if (baseUrl == null || baseUrl.isEmpty()) {
                throw new IllegalArgumentException(at + "base-url is required");
            }
            URI uri;
            try {
                uri = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + "base-url is not a URL");
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(at + "base-url must be an http(s) URL without user, query or fragment");
            }
            if (region == null || region.isEmpty() || region.length() > 64) {
                throw new IllegalArgumentException(at + "region is required (at most 64 characters)");
            }
            if (models.isEmpty() || models.stream().anyMatch(m -> m.length() > 100)) {
                throw new IllegalArgumentException(at + "models must name at least one model (each at most 100 characters)");
            }
            if (apiKey != null && !apiKey.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException(at + "api-key must be printable ASCII without spaces");
            }
            if (priceInputPerMtok != null && priceInputPerMtok.signum() < 0
                    || priceOutputPerMtok != null && priceOutputPerMtok.signum() < 0) {
                throw new IllegalArgumentException(at + "prices must not be negative");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(at + "timeout must be positive");
            }
            if (maxTokens != null && (maxTokens < 1 || maxTokens > 1_000_000)) {
                throw new IllegalArgumentException(at + "max-tokens must be 1-1000000");
            }
        }
    }

    public AiProperties {
        providers = providers == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(providers));
        providers.forEach((id, provider) -> {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("bulwark.ai.providers: a provider id must be [a-z0-9][a-z0-9-]*, at most 64 characters");
            }
            provider.check(id);
        });
        if (maxPromptBytes.toBytes() < 1 || maxPromptBytes.toBytes() > 64L << 20) {
            throw new IllegalArgumentException("bulwark.ai.max-prompt-bytes must be 1B-64MB");
        }
        if (knownPeopleTtl.isNegative() || knownPeopleTtl.isZero()) {
            throw new IllegalArgumentException("bulwark.ai.known-people-ttl must be positive");
        }
        if (maxMessages < 1 || maxMessages > 10_000) {
            throw new IllegalArgumentException("bulwark.ai.max-messages must be 1-10000");
        }
    }
}
