package dev.bulwark.ai.sanitiser;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sanitiser's settings (docs/ai-sanitiser.md).
 *
 * @param budget the longest one {@code sanitise(text)} may take; past it the call fails closed with
 *               {@link SanitiserFailure}. An 8 KiB prompt takes well under a millisecond, so the default leaves room
 *               for a saturated machine and long prompts.
 */
@ConfigurationProperties("bulwark.ai.sanitiser")
public record SanitiserProperties(@DefaultValue("200ms") Duration budget) {

    public SanitiserProperties {
        if (budget == null || budget.isNegative() || budget.isZero() || budget.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("bulwark.ai.sanitiser.budget must be more than 0 and at most 10s");
        }
    }
}
