package dev.bulwark.web.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.bulwark.shared.RequestDeadline;
import dev.bulwark.web.OverloadProperties;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests run under pressure (docs/resilience.md, "Overload"): with two API slots, a request that finds both free
 * runs without a {@link RequestDeadline}; one that takes the last slot, or waits for one, runs with its deadline
 * ({@code deadline} after it arrived), and so does one that finds room within a deadline's length of the class being
 * full; past that, room means no deadline again. The deadline is gone once the request ends. Requests are held inside
 * the chain by latches; the one wait is a lower bound (the pressure is over after 200 ms, and the test waits 400).
 */
class OverloadFilterTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final OverloadFilter filter = new OverloadFilter(
            new OverloadProperties(2, 1, 1, 0, 1, 0, 1, 0, Duration.ofSeconds(3), DEADLINE, Duration.ofSeconds(2)),
            new ProblemWriter(JsonMapper.builder().build()));

    /** What a request saw of its deadline while it ran: nanoseconds left, or -1 for none. */
    private record Seen(AtomicLong remaining, CountDownLatch running, CountDownLatch release, FilterChain chain) {

        static Seen holding() {
            AtomicLong remaining = new AtomicLong(Long.MIN_VALUE);
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            FilterChain chain = (req, res) -> {
                long left = RequestDeadline.remainingNanos();
                remaining.set(left == Long.MAX_VALUE ? -1 : left);
                running.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            return new Seen(remaining, running, release, chain);
        }
    }

    private CompletableFuture<MockHttpServletResponse> send(Seen seen) {
        return send(filter, seen);
    }

    private static CompletableFuture<MockHttpServletResponse> send(OverloadFilter filter, Seen seen) {
        return CompletableFuture.supplyAsync(() -> {
            MockHttpServletResponse response = new MockHttpServletResponse();
            try {
                filter.doFilter(new MockHttpServletRequest("GET", "/api/v1/orgs/x/contacts"), response, seen.chain());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return response;
        }, r -> Thread.ofPlatform().start(r));
    }

    @Test
    void onlyARequestThatEntersAtTheLimitRunsWithADeadline() throws Exception {
        Seen first = Seen.holding();
        Seen second = Seen.holding();
        Seen third = Seen.holding();
        try {
            CompletableFuture<MockHttpServletResponse> a = send(first);
            assertThat(first.running().await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.remaining()).as("room left: no deadline").hasValue(-1);

            CompletableFuture<MockHttpServletResponse> b = send(second);
            assertThat(second.running().await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(second.remaining().get()).as("took the last slot: under pressure, its deadline ahead")
                    .isPositive().isLessThanOrEqualTo(DEADLINE.toNanos());

            CompletableFuture<MockHttpServletResponse> c = send(third); // waits for a slot (a queue of one)
            long queued = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (filter.waiting(OverloadFilter.RouteClass.API) == 0 && System.nanoTime() < queued) {
                Thread.sleep(5);
            }
            assertThat(filter.waiting(OverloadFilter.RouteClass.API)).isEqualTo(1);
            first.release().countDown();
            assertThat(a.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            assertThat(third.running().await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(third.remaining().get()).as("waited for its slot: under pressure").isPositive()
                    .isLessThanOrEqualTo(DEADLINE.toNanos());

            second.release().countDown();
            third.release().countDown();
            assertThat(b.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            assertThat(c.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);

            Seen after = Seen.holding();
            after.release().countDown();
            filter.doFilter(new MockHttpServletRequest("GET", "/api/v1/orgs/x/contacts"), new MockHttpServletResponse(),
                    after.chain());
            assertThat(after.remaining().get()).as("both slots free again, but the class was full a moment ago: a flood"
                    + " comes in waves, still under pressure").isPositive().isLessThanOrEqualTo(DEADLINE.toNanos());
            assertThat(RequestDeadline.remainingNanos()).as("nothing left behind on the thread")
                    .isEqualTo(Long.MAX_VALUE);
        } finally {
            for (Seen s : new Seen[] {first, second, third}) {
                s.release().countDown();
            }
        }
    }

    @Test
    void roomFoundLongAfterTheClassWasFullMeansNoDeadline() throws Exception {
        OverloadFilter quick = new OverloadFilter(
                new OverloadProperties(2, 0, 1, 0, 1, 0, 1, 0, Duration.ZERO, Duration.ofMillis(200),
                        Duration.ofSeconds(2)),
                new ProblemWriter(JsonMapper.builder().build()));
        Seen first = Seen.holding();
        Seen second = Seen.holding();
        try {
            CompletableFuture<MockHttpServletResponse> a = send(quick, first);
            assertThat(first.running().await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<MockHttpServletResponse> b = send(quick, second);
            assertThat(second.running().await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(second.remaining().get()).as("took the last slot").isNotEqualTo(-1);
            first.release().countDown();
            second.release().countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);

            Thread.sleep(400);
            Seen later = Seen.holding();
            later.release().countDown();
            quick.doFilter(new MockHttpServletRequest("GET", "/api/v1/orgs/x/contacts"), new MockHttpServletResponse(),
                    later.chain());
            assertThat(later.remaining()).as("the class has had room for longer than a deadline: no deadline")
                    .hasValue(-1);
        } finally {
            first.release().countDown();
            second.release().countDown();
        }
    }
}
