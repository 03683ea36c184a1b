package dev.bulwark.identity.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.bulwark.shared.RequestDeadline;
import dev.bulwark.shared.ServiceUnavailableException;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Password hashing off the request threads (docs/resilience.md, "Overload"): a hash that has waited past its latest
 * start for a hashing thread is never started and answers 503, and past one waiting per thread a call answers 503 at
 * once. The hashing threads are held here by a stand-in encoder that waits for a latch, not by timing.
 */
class PasswordHashingTest {

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Test
    void aHashThatWaitedTooLongIsNotStartedAndOnePastTheQueueIsRefusedAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(THREADS);
        AtomicInteger started = new AtomicInteger();
        PasswordEncoder holding = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                started.incrementAndGet();
                running.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "held";
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return false;
            }
        };
        PasswordHashing.OffCarrier hashing = new PasswordHashing.OffCarrier(holding);
        List<CompletableFuture<String>> holders = new ArrayList<>();
        try {
            for (int i = 0; i < THREADS; i++) {
                holders.add(CompletableFuture.supplyAsync(() -> hashing.encode("x"), r -> Thread.ofPlatform().start(r)));
            }
            assertThat(running.await(30, TimeUnit.SECONDS)).as("every hashing thread busy").isTrue();

            // One waits per thread: each is admitted, and refused unstarted once its latest start has passed.
            List<CompletableFuture<String>> waiting = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> hashing.encode("y"), r -> Thread.ofPlatform().start(r)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (PasswordHashing.OffCarrier.ADMITTED.availablePermits() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(PasswordHashing.OffCarrier.ADMITTED.availablePermits()).as("running and waiting room full").isZero();
            // Past the waiting room: refused at once, without waiting for a thread.
            assertThatThrownBy(() -> hashing.encode("z")).isInstanceOf(ServiceUnavailableException.class);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PasswordHashing.OffCarrier.LATEST_START_NANOS) + 100);
            release.countDown();
            for (CompletableFuture<String> w : waiting) {
                assertThatThrownBy(() -> w.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ServiceUnavailableException.class)
                        .cause().hasMessageContaining("Retry after");
            }
            for (CompletableFuture<String> h : holders) {
                assertThat(h.get(30, TimeUnit.SECONDS)).isEqualTo("held");
            }
            assertThat(started).as("only the hashes that found a thread at once ran").hasValue(THREADS);
            assertThat(hashing.encode("after")).as("served again once the threads are free").isEqualTo("held");
        } finally {
            release.countDown();
        }
    }

    /**
     * A request under pressure (a {@link RequestDeadline}) stops waiting for its hash at the deadline: 503, and the
     * result it would have had is never returned; past the deadline it is refused before it is even admitted. The same
     * slow hash without a deadline is waited for, however long it takes. The stand-in encoder holds its thread until
     * released, so nothing here depends on how fast the machine is.
     */
    @Test
    void aRequestUnderPressureGivesUpOnItsHashAtItsDeadlineAndOneWithoutADeadlineWaits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch releaseUnhurried = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        PasswordEncoder slow = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                try {
                    (raw.equals("unhurried") ? releaseUnhurried : release).await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.incrementAndGet();
                return "slow";
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return true;
            }
        };
        PasswordHashing.OffCarrier hashing = new PasswordHashing.OffCarrier(slow);
        try {
            RequestDeadline.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
            try {
                assertThatThrownBy(() -> hashing.encode("x")).as("the hash is still held when the deadline passes")
                        .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("Retry after");
                assertThat(finished).as("given up on, not waited for").hasValue(0);
                assertThat(RequestDeadline.remainingNanos()).as("the deadline had passed").isLessThanOrEqualTo(0);

                int admittedBefore = PasswordHashing.OffCarrier.ADMITTED.availablePermits();
                assertThatThrownBy(() -> hashing.matches("x", "y")).as("past the deadline: refused before admission")
                        .isInstanceOf(ServiceUnavailableException.class);
                assertThat(PasswordHashing.OffCarrier.ADMITTED.availablePermits()).isEqualTo(admittedBefore);
            } finally {
                RequestDeadline.clear();
            }

            // The abandoned hash ran to its end on its thread (its result unread), which is free again.
            release.countDown();
            long freed = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (finished.get() == 0 && System.nanoTime() < freed) {
                Thread.sleep(5);
            }
            assertThat(finished).hasValue(1);

            CompletableFuture<String> unhurried = CompletableFuture.supplyAsync(() -> hashing.encode("unhurried"),
                    r -> Thread.ofPlatform().start(r));
            Thread.sleep(1_000);
            assertThat(unhurried).as("no deadline: still waiting for the held hash").isNotDone();
            releaseUnhurried.countDown();
            assertThat(unhurried.get(30, TimeUnit.SECONDS)).isEqualTo("slow");
        } finally {
            release.countDown();
            releaseUnhurried.countDown();
        }
    }
}
