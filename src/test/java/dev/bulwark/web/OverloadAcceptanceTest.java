package dev.bulwark.web;

import java.time.Duration;
import java.util.List;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 28, acceptance 3, in a shorter but real run (docs/resilience.md, "Overload"): 1,000 concurrent connections for
 * 12 s of mixed work ({@link MixedLoad}: reads, pages, writes, sign-ins, audit exports, probes over 8 organisations)
 * against the test server, its default pool and limits, with the per-user and per-organisation budgets lifted so that
 * what answers is the overload edge, not a budget. Asserted, each a property that holds however loaded the machine is:
 * every connection is accepted and answered (no transport failure), no 5xx but 503, every 503 carries
 * {@code Retry-After} (a readiness probe's 503 DOWN is an answer, not a refusal), and a readiness probe on a separate
 * client answers every time (200 UP, or 503 DOWN when the starved database probe misses its 500 ms) within
 * {@link #HEALTH_BOUND} — or, where the machine is so oversubscribed that the median served request takes longer
 * (other builds on the same two cores: 8.9 s for readiness against a 23.6 s median once), ahead of that median.
 * The 60 s run at the figures (served p99 ≤ 1 s, health within 1 s) is {@code bench/…/OverloadLoad}, recorded in
 * docs/benchmarks.md; here the health bound is wider because the suite may run beside anything on two cores (see
 * there), and it is still far below what a probe behind the pool or the flood would take.
 */
@TestPropertySource(properties = {
        "bulwark.rate-limits.user-per-minute=1000000000",
        "bulwark.rate-limits.api-key-per-minute=1000000000",
        "bulwark.rate-limits.organisation-per-minute=1000000000"})
class OverloadAcceptanceTest extends IntegrationTest {

    private static final int CONNECTIONS = 1_000;
    private static final Duration RUN = Duration.ofSeconds(12);
    /** The slowest readiness answer allowed under the flood, on a saturated 2-core machine. */
    private static final Duration HEALTH_BOUND = Duration.ofSeconds(3);

    @Test
    void aThousandConnectionsOfMixedWorkGetNo5xxBut503WithRetryAfterAndHealthKeepsAnswering() throws Exception {
        assertThat(MixedLoad.maxOpenFiles()).as("open-file limit: 1,000 client and 1,000 server sockets in this JVM "
                + "need more (ulimit -n)").satisfiesAnyOf(n -> assertThat(n).isEqualTo(-1), n -> assertThat(n).isGreaterThanOrEqualTo(4_096));
        String base = "http://localhost:" + port;
        List<MixedLoad.Org> orgs = MixedLoad.prepare(base, 8);

        MixedLoad.Report report = new MixedLoad(base, orgs).run(CONNECTIONS, RUN);
        System.out.println("OverloadAcceptanceTest:\n" + report.summary());

        assertThat(report.answers()).as("answers").isGreaterThan(CONNECTIONS);
        assertThat(report.served()).as("served answers").isPositive();
        assertThat(report.transportFailures()).as("connections refused, reset or unanswered: %s", report.failureSamples()).isZero();
        assertThat(report.otherServerErrors()).as("5xx other than 503: %s", report.failureSamples()).isZero();
        assertThat(report.unavailableWithoutRetryAfter()).as("503 without Retry-After").isZero();
        assertThat(report.healthProbes()).as("readiness probes").isGreaterThan(10);
        assertThat(report.healthUnanswered()).as("readiness probes unanswered, or answered neither 200 nor 503").isZero();
        // Within the bound, or, on a machine so starved that every answer takes longer, ahead of the flood: nearly every
        // probe (p99) ahead of the median served request, and even the slowest probe ahead of the slowest served ones
        // (p99). A probe that queued behind the flood or the pool would come after them. The slowest single probe is
        // not held to the median: with both cores saturated one probe in a hundred can lose the CPU for a few seconds
        // (seen once: 3.3 s against a served median of 2.8 s).
        assertThat(report.healthP99Millis()).as("readiness p99, ms (served p50 %.0f ms)", report.servedP50Millis())
                .isLessThan(Math.max(HEALTH_BOUND.toMillis(), report.servedP50Millis()));
        assertThat(report.healthMaxMillis()).as("slowest readiness answer, ms (served p99 %.0f ms)", report.servedP99Millis())
                .isLessThan(Math.max(HEALTH_BOUND.toMillis(), report.servedP99Millis()));
    }
}
