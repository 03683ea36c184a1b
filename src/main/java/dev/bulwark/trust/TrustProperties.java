package dev.bulwark.trust;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The trust center's settings (docs/trust-center.md).
 *
 * @param interval      how often every check runs (also once at start)
 * @param operators     user ids of the platform operators who may run the checks on demand
 * @param subprocessors who processes customer data for the platform, as published on the page
 * @param scanRowsPerRun how many stored rows the ciphertext sweep reads a run
 * @param scanCycle     the longest a sweep may take to cover every row or organisation once; a longer one fails its check
 */
@ConfigurationProperties("bulwark.trust")
public record TrustProperties(
        @DefaultValue("5m") Duration interval,
        List<UUID> operators,
        List<Subprocessor> subprocessors,
        @DefaultValue("20000") int scanRowsPerRun,
        @DefaultValue("24h") Duration scanCycle) {

    /** A subprocessor: its name, why, which data, where, and whether a DPA is signed. */
    public record Subprocessor(String name, String purpose, String data, String region, String dpa) {
    }

    public TrustProperties {
        operators = operators == null ? List.of() : List.copyOf(operators);
        subprocessors = subprocessors == null ? List.of() : List.copyOf(subprocessors);
        if (scanRowsPerRun < 100) {
            throw new IllegalArgumentException("bulwark.trust.scan-rows-per-run must be at least 100");
        }
    }
}
