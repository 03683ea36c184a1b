package dev.bulwark.privacy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retention and deletion settings (docs/privacy.md).
 *
 * @param auditMinimumDays the legal minimum for the audit log's retention: no organisation may set {@code audit.log}
 *                         below it
 * @param enforcerInterval how often the retention enforcer runs over every organisation
 * @param batchSize        rows deleted per statement (and per transaction) while purging
 * @param deletionGrace    how long a deleted organisation stays disabled, and its deletion cancellable, before purge
 */
@ConfigurationProperties("bulwark.privacy")
public record PrivacyProperties(
        @DefaultValue("365") int auditMinimumDays,
        @DefaultValue("1h") Duration enforcerInterval,
        @DefaultValue("1000") int batchSize,
        @DefaultValue("30d") Duration deletionGrace) {

    public PrivacyProperties {
        if (auditMinimumDays < 1 || auditMinimumDays > 36_500) {
            throw new IllegalArgumentException("bulwark.privacy.audit-minimum-days must be 1-36500");
        }
        if (batchSize < 1 || enforcerInterval.isNegative() || enforcerInterval.isZero() || deletionGrace.isNegative()) {
            throw new IllegalArgumentException("bulwark.privacy batch-size and enforcer-interval must be positive");
        }
    }
}
