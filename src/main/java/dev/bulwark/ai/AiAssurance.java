package dev.bulwark.ai;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the trust center's AI controls observe (docs/trust-center.md), read through the very code the gateway uses: the
 * policy an organisation without one gets and the gateway's decision on it, a canary prompt through the production
 * sanitiser and wire format, the age of the oldest usage record, and the providers as they may be published. A Spring
 * bean; nothing here calls a provider.
 */
public interface AiAssurance {

    /**
     * The policy a fresh organisation id without a row reads, and the gateway's decision for a call of it to each
     * configured provider (a problem slug such as {@code ai-disabled}, or {@code admitted}).
     */
    record Unconfigured(boolean enabled, java.util.Map<String, String> decisions) {
    }

    /** One organisation's policy as the gateway reads it: whether it set one, and whether AI is on. */
    record OrgPolicy(boolean explicit, boolean enabled) {
    }

    /**
     * A canary prompt through the production sanitiser: the kinds planted, those whose original value appears in what
     * would be sent (the exact request body of the first configured provider's format, or the sanitised text when
     * none is configured), and whether the personal placeholder (the email) was restored in an echoed answer.
     */
    record Canary(List<String> planted, List<String> leaked, boolean personalRestored, boolean sanitiserFailed) {
    }

    /** A configured provider as the trust page shows it: never its key or its URL. */
    record PublishedProvider(String id, String kind, String region, List<String> models) {
    }

    Unconfigured unconfiguredOrganisation();

    OrgPolicy policyOf(UUID org);

    Canary sanitiserCanary();

    /** When the organisation's oldest usage record occurred; empty when it has none. */
    Optional<Instant> oldestUsage(UUID org);

    List<PublishedProvider> providers();
}
