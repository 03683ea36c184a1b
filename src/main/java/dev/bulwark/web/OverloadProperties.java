package dev.bulwark.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many requests run at once, per route class, before the rest wait briefly or answer 503 (docs/resilience.md).
 * The classes are separate so a flood of API calls never starves the health probes or the pages.
 *
 * @param api          concurrent requests under {@code /api/} (but the AI calls): sized for the database pool, whose
 *                     size it follows in application.yml — more at once only queue for connections and CPU
 * @param apiQueue     API requests that may wait for a slot; past that, 503 at once
 * @param ai           concurrent API calls that wait on an AI provider (completions, AI drafts)
 * @param aiQueue      AI calls that may wait for a slot
 * @param pages        concurrent requests for pages and public documents (everything not API or actuator)
 * @param pagesQueue   page requests that may wait for a slot
 * @param health       concurrent requests under {@code /actuator/} (probes, metrics)
 * @param healthQueue  probe requests that may wait for a slot
 * @param queueWait    the longest a request waits for a slot before it answers 503
 * @param deadline     under pressure, the time from a request's arrival by which its slow waits give up: a request that
 *                     entered its class at the limit (it waited for a slot, took the last one, or came within this
 *                     long of the class being full) answers 503 rather than wait past it for a password hash; a
 *                     request that found room has no deadline
 * @param retryAfter   the {@code Retry-After} of a 503 (overload, saturated pool, unreachable database)
 */
@ConfigurationProperties("bulwark.http.overload")
public record OverloadProperties(
        @DefaultValue("10") int api,
        @DefaultValue("10") int apiQueue,
        @DefaultValue("32") int ai,
        @DefaultValue("32") int aiQueue,
        @DefaultValue("16") int pages,
        @DefaultValue("16") int pagesQueue,
        @DefaultValue("8") int health,
        @DefaultValue("8") int healthQueue,
        @DefaultValue("250ms") Duration queueWait,
        @DefaultValue("700ms") Duration deadline,
        @DefaultValue("2s") Duration retryAfter) {

    public OverloadProperties {
        if (api < 1 || ai < 1 || pages < 1 || health < 1 || apiQueue < 0 || aiQueue < 0 || pagesQueue < 0 || healthQueue < 0) {
            throw new IllegalArgumentException("bulwark.http.overload: concurrency limits must be at least 1, queues at least 0");
        }
        if (queueWait.isNegative() || queueWait.compareTo(Duration.ofSeconds(3)) > 0) {
            throw new IllegalArgumentException("bulwark.http.overload.queue-wait must be 0..3s: a refused request answers well"
                    + " within 5 s");
        }
        if (deadline.compareTo(queueWait) <= 0 || deadline.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("bulwark.http.overload.deadline must be longer than queue-wait and at most"
                    + " 10s");
        }
        if (retryAfter.toSeconds() < 1 || retryAfter.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("bulwark.http.overload.retry-after must be 1s..10m");
        }
    }
}
