package dev.bulwark.web;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Long answers (exports): each is written to a spool file in one short transaction, then streamed from the file with
 * no database connection held (docs/resilience.md, "Tenant fairness").
 *
 * @param perOrganisation long answers of one organisation in progress at once (spooling or streaming); past it, 429
 * @param spooling        long answers being written at once, across organisations: the most pool connections they take
 * @param spoolWait       the longest an admitted answer waits for its turn to be written before it answers 503 (it
 *                        waits holding a request slot of the overload filter, so this is short)
 * @param retryAfter      the {@code Retry-After} of the 429 past {@code perOrganisation}
 * @param spoolDir        where spool files live (owner-only, each encrypted under a key that exists only in memory);
 *                        unset: a fresh directory under the system's temporary directory, removed at shutdown
 */
@ConfigurationProperties("bulwark.http.long-answers")
public record LongAnswerProperties(
        @DefaultValue("20") int perOrganisation,
        @DefaultValue("2") int spooling,
        @DefaultValue("2s") Duration spoolWait,
        @DefaultValue("5s") Duration retryAfter,
        Path spoolDir) {

    public LongAnswerProperties {
        if (perOrganisation < 1 || spooling < 1) {
            throw new IllegalArgumentException("bulwark.http.long-answers: per-organisation and spooling must be at least 1");
        }
        if (spoolWait.isNegative() || spoolWait.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("bulwark.http.long-answers.spool-wait must be 0..2m");
        }
        if (retryAfter.toSeconds() < 1 || retryAfter.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("bulwark.http.long-answers.retry-after must be 1s..10m");
        }
    }
}
